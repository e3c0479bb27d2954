import Foundation
import Kinetics
import NeuralNet
import Trajectories

/// The assembled Latent Space Simulator: encoder E (SRV), propagator ensemble P (MDNs) and, when
/// trained with coordinates, decoder D (cWGAN-GP), with the manifest that says how they were made.
///
/// Encode a start frame, propagate in latent space, decode to coordinates. Every member of the
/// ensemble is a full propagator; trajectories from different members spread like the model's own
/// uncertainty, which is where the error bars on its estimates come from.
public final class LatentSpaceSimulator {
    public let manifest: LSSManifest
    public let encoder: SRVEncoder
    public let ensemble: PropagatorEnsemble
    public let decoder: CoordinateDecoder?
    /// The full topology of the training system (to featurize new frames), when trained from trajectories.
    public let topology: Topology?
    /// Positions (nm) written with the topology into the bundle: a training frame.
    public var topologyPositions: [Float]?

    public init(manifest: LSSManifest, encoder: SRVEncoder, ensemble: PropagatorEnsemble,
                decoder: CoordinateDecoder?, topology: Topology?, topologyPositions: [Float]? = nil) {
        self.manifest = manifest
        self.encoder = encoder
        self.ensemble = ensemble
        self.decoder = decoder
        self.topology = topology
        self.topologyPositions = topologyPositions
        if let check = structureCheck { decoder?.guardClashes(ClashGuard(check)) }
    }

    /// The structure checks of decoded frames (bonds, clashes, chirality), built from the topology
    /// and the decoder's reference; nil without a decoder or a topology. Its clash definition is
    /// also the decoder's `ClashGuard`, so what decoding redraws is what validation counts.
    public var structureCheck: StructureCheck? {
        guard let topology, let decoder else { return nil }
        return StructureCheck(topology: topology, atomIndices: manifest.decodedAtoms, reference: decoder.scaling.reference)
    }

    public var latentDimension: Int { encoder.latentDimension }

    /// The topology of the decoded atoms (for writing decoded trajectories), when there is a decoder.
    public var decodedTopology: Topology? {
        guard let topology, decoder != nil else { return nil }
        return topology.subset(atoms: manifest.decodedAtoms)
    }

    /// The featurizer the model was trained with, rebuilt on its saved topology.
    public func featureSet() throws -> FeatureSet {
        guard let specs = manifest.features, let topology else {
            throw LatentSimulatorError(.invalidSetting, "this model was trained on tables of collective variables, "
                                       + "not trajectories: give latent start points (--latent) instead of frames")
        }
        return try FeatureSet(specs, topology: topology)
    }

    /// Latent coordinates of raw (unscaled) features, frames × m.
    public func encode(features: DoubleMatrix) throws -> Matrix {
        guard features.cols == manifest.featureLabels.count else {
            throw LatentSimulatorError(.mismatch, "the model expects \(manifest.featureLabels.count) features, got \(features.cols)")
        }
        let scaled = try manifest.featureScaler.transform(features)
        return encoder.encode(scaled.float32)
    }

    /// Latent coordinates of trajectory frames (featurized as in training).
    public func encode(chunk: FrameChunk) throws -> Matrix {
        try encode(features: try featureSet().featurize(chunk))
    }

    /// Synthetic latent trajectories from `starts` (K × m): trajectory k is propagated by ensemble
    /// member k mod M, so K ≥ M trajectories sample the model's uncertainty too. Each has `steps + 1`
    /// frames (the start included), one MDN lag apart.
    public func simulate(from starts: Matrix, steps: Int, seed: UInt64) throws -> [Matrix] {
        guard starts.cols == latentDimension else {
            throw LatentSimulatorError(.mismatch, "start points have \(starts.cols) coordinates; the model's latent space has \(latentDimension)")
        }
        guard steps >= 1 else { throw LatentSimulatorError(.invalidSetting, "--steps must be at least 1") }
        let members = ensemble.members
        var out = [Matrix?](repeating: nil, count: starts.rows)
        for (m, member) in members.enumerated() {
            let rows = Array(stride(from: m, to: starts.rows, by: members.count))
            guard !rows.isEmpty else { continue }
            let trajectories = member.rollouts(from: starts.rows(rows), steps: steps, seed: seed &+ UInt64(m))
            for (k, row) in rows.enumerated() { out[row] = trajectories[k] }
        }
        return out.compactMap { $0 }
    }

    /// Decoded coordinates (frames × 3a nm, the decoded atoms in the reference frame) of latent points.
    public func decode(_ latent: Matrix, seed: UInt64) throws -> Matrix {
        guard let decoder else {
            throw LatentSimulatorError(.invalidSetting, "this model has no decoder: train it with coordinates "
                                       + "(lss train without --no-decoder) to get structures")
        }
        var generator = RandomGenerator(seed: seed)
        return decoder.generate(latent: latent, generator: &generator)
    }
}
