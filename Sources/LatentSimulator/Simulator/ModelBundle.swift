import Foundation
import Trajectories

/// A model bundle on disk (DESIGN.md §4): one directory with the manifest, each network's
/// configuration and weights, and the topology, so that loading needs no training data.
///
///     MODEL/manifest.json
///     MODEL/encoder.{json,safetensors}      SRV network and its Float64 basis
///     MODEL/propagator.{json,safetensors}   the MDN ensemble
///     MODEL/decoder.{json,safetensors}      cWGAN-GP generator (when trained with coordinates)
///     MODEL/topology.pdb                    the training system (when trained from trajectories)
///
/// A bundle is written into a temporary sibling directory and renamed into place, so a crash never
/// leaves a half-written model under the final name.
extension LatentSpaceSimulator {
    public func save(to directory: URL) throws {
        let fileManager = FileManager.default
        let parent = directory.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? fileManager.removeItem(at: staging)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            try JSONCoding.encoder().encode(manifest).write(to: staging.appendingPathComponent("manifest.json"), options: .atomic)
            try ModelArchive.save(self.encoder, name: "encoder", in: staging)
            try ModelArchive.save(ensemble, name: "propagator", in: staging)
            if let decoder { try ModelArchive.save(decoder, name: "decoder", in: staging) }
            if let topology, let positions = topologyPositions {
                let writer = try PDBWriter(path: staging.appendingPathComponent("topology.pdb").path,
                                           atomCount: topology.atomCount, topology: topology)
                try writer.write(FrameChunk(atomCount: topology.atomCount, positions: positions, times: [0]))
                try writer.close()
            }
        } catch {
            try? fileManager.removeItem(at: staging)
            throw error
        }
        // Swap into place: the old bundle (if any) is moved aside first and removed after.
        let old = parent.appendingPathComponent(".\(directory.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
        if fileManager.fileExists(atPath: directory.path) { try fileManager.moveItem(at: directory, to: old) }
        try fileManager.moveItem(at: staging, to: directory)
        try? fileManager.removeItem(at: old)
    }

    public static func load(from directory: URL) throws -> LatentSpaceSimulator {
        let manifestURL = directory.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: manifestURL) else {
            throw LatentSimulatorError(.corruptBundle, "\(directory.path) is not an lss model: it has no readable "
                                       + "manifest.json (lss train -o writes one)")
        }
        let manifest: LSSManifest
        do {
            manifest = try JSONCoding.decoder().decode(LSSManifest.self, from: data)
        } catch {
            throw LatentSimulatorError(.corruptBundle, "\(manifestURL.path) is damaged or from another lss version: \(error)")
        }
        guard manifest.format == LSSManifest.currentFormat else {
            throw LatentSimulatorError(.corruptBundle, "\(directory.path) has bundle format \(manifest.format); this lss "
                                       + "reads format \(LSSManifest.currentFormat): retrain the model with this version")
        }
        let encoder = try ModelArchive.load(SRVEncoder.self, name: "encoder", from: directory)
        let ensemble = try ModelArchive.load(PropagatorEnsemble.self, name: "propagator", from: directory)
        let decoderFile = directory.appendingPathComponent("decoder.json")
        let decoder = FileManager.default.fileExists(atPath: decoderFile.path)
            ? try ModelArchive.load(CoordinateDecoder.self, name: "decoder", from: directory) : nil
        let topologyFile = directory.appendingPathComponent("topology.pdb")
        var topology: Topology?
        var positions: [Float]?
        if FileManager.default.fileExists(atPath: topologyFile.path) {
            let reader = try PDBReader(path: topologyFile.path)
            defer { reader.close() }
            topology = reader.topology
            positions = try reader.read(maxFrames: 1)?.positions
        }
        guard encoder.latentDimension == ensemble.members.first?.dimension else {
            throw LatentSimulatorError(.corruptBundle, "\(directory.path): the encoder and the propagators disagree on "
                                       + "the latent dimension; the bundle mixes files of two models")
        }
        let model = LatentSpaceSimulator(manifest: manifest, encoder: encoder, ensemble: ensemble, decoder: decoder,
                                         topology: topology)
        model.topologyPositions = positions
        return model
    }
}
