import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Trajectories

/// Writes synthetic trajectories: each latent trajectory as .npy and, with a decoder, its decoded
/// coordinates in the output's format, decoded and written in chunks so a million-step trajectory
/// never sits in memory as coordinates. A PDB of the decoded atoms goes next to the first output.
struct SyntheticTrajectoryWriter {
    let model: LatentSpaceSimulator
    let output: String
    let latentOnly: Bool
    static let chunkFrames = 16_384

    /// Returns the paths written.
    func write(_ latentTrajectories: [Matrix], seed: UInt64) throws -> [String] {
        var written: [String] = []
        let url = URL(fileURLWithPath: output)
        let stem = url.deletingPathExtension().path
        let ext = url.pathExtension
        let several = latentTrajectories.count > 1
        for (k, latent) in latentTrajectories.enumerated() {
            let base = several ? "\(stem)-\(k)" : stem
            let latentPath = latentOnly && ext == "npy" && !several ? output : base + ".latent.npy"
            try NumpyArrayFile.write(DoubleMatrix(latent), to: latentPath, asFloat32: true)
            written.append(latentPath)
            guard !latentOnly, let topology = model.decodedTopology else { continue }
            let path = several ? "\(base).\(ext)" : output
            try decode(latent, topology: topology, to: path, seed: seed &+ UInt64(k))
            written.append(path)
        }
        if !latentOnly, let topology = model.decodedTopology {
            let pdb = stem + ".pdb"
            let reference = model.decoder.map { $0.scaling.reference } ?? []
            let writer = try PDBWriter(path: pdb, atomCount: topology.atomCount, topology: topology)
            try writer.write(FrameChunk(atomCount: topology.atomCount, positions: reference, times: [0]))
            try writer.close()
            written.append(pdb)
        }
        return written
    }

    private func decode(_ latent: Matrix, topology: Topology, to path: String, seed: UInt64) throws {
        let atoms = topology.atomCount
        let writer = try TrajectoryFile.makeWriter(path, atomCount: atoms, topology: topology)
        var generator = RandomGenerator(seed: seed)
        guard let decoder = model.decoder else { return }
        let lag = model.manifest.propagatorLag
        var start = 0
        while start < latent.rows {
            let end = min(latent.rows, start + Self.chunkFrames)
            let coordinates = decoder.generate(latent: latent.rows(start..<end), generator: &generator)
            let positions = Array(UnsafeBufferPointer(start: coordinates.pointer, count: coordinates.count))
            try writer.write(FrameChunk(atomCount: atoms, firstFrame: start, positions: positions,
                                        times: (start..<end).map { Double($0) * lag }))
            start = end
        }
        try writer.close()
    }
}
