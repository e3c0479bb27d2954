import Foundation
import Kinetics
import NeuralNet
import Trajectories

/// Trains the three networks one after the other, as the LSS paper does: features are scaled to
/// [-1, 1], the SRV learns the slow coordinates, the MDN ensemble learns their dynamics at its own
/// lag, and the decoder learns coordinates conditioned on the latent point.
public enum LSSTrainer {
    /// - Parameters:
    ///   - data: features (and positions of the decoded atoms, for the decoder) per trajectory.
    ///   - features: the feature specs the data were computed with (nil for tables of CVs).
    ///   - topology: the training system; with a decoder it also gives the structure checks.
    ///   - warmStart: an earlier model whose encoder starts the SRV (a campaign's previous round).
    public static func train(_ data: MDTrainingData, settings: LSSSettings, features: [FeatureSpec]?,
                             topology: Topology?, topologyPositions: [Float]? = nil,
                             warmStart: LatentSpaceSimulator? = nil,
                             progress: ProgressHandler? = nil) throws -> LatentSpaceSimulator {
        try settings.validate()
        var seconds: [String: Double] = [:]
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = ContinuousClock.now
            defer {
                let d = ContinuousClock.now - start
                seconds[name] = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            }
            return try body()
        }

        // Scale features to [-1, 1] (the scaler is saved: new frames are scaled identically).
        var scaler = MinMaxScaler()
        try scaler.fit(data.features)
        let scaled = try TrajectoryData(try data.features.map { try scaler.transform($0).float32 })
        if let warmStart, warmStart.manifest.featureLabels != data.labels {
            throw LatentSimulatorError(.mismatch, "the warm-start model was trained on other features "
                                       + "(\(warmStart.manifest.featureLabels.count) vs \(data.labels.count)); train from scratch")
        }

        let (encoder, encoderReport) = try timed("encoder") {
            try SRVTrainer.train(scaled, settings: settings.encoder, warmStart: warmStart?.encoder, progress: progress)
        }
        let latent = encoder.encode(scaled)
        let (ensemble, propagatorReports) = try timed("propagator") {
            try PropagatorEnsemble.train(latent, settings: settings.propagator, members: settings.ensembleSize,
                                         progress: progress)
        }

        var decoder: CoordinateDecoder?
        var decoderReport: DecoderTrainingReport?
        if let decoderSettings = settings.decoder, data.positions != nil,
           let trained = try timed("decoder", {
               try trainDecoder(data, latent: latent, settings: decoderSettings, topology: topology, progress: progress)
           }) {
            (decoder, decoderReport) = (trained.0, trained.1)
        }

        let metrics = LSSTrainingMetrics(
            frames: scaled.frameCount, trajectories: scaled.trajectoryCount, encoder: encoderReport,
            spectrum: encoder.spectrum, timescales: encoder.impliedTimescales(frameInterval: data.frameInterval),
            propagators: propagatorReports, decoder: decoderReport, seconds: seconds)
        let manifest = LSSManifest(
            format: LSSManifest.currentFormat, codeVersion: LSSVersion.current,
            created: ISO8601DateFormatter().string(from: Date()), features: features, featureLabels: data.labels,
            featureScaler: scaler, frameInterval: data.frameInterval, settings: settings,
            decodedAtoms: decoder == nil ? [] : data.decodedAtoms, topologyAtomCount: topology?.atomCount,
            metrics: metrics)
        return LatentSpaceSimulator(manifest: manifest, encoder: encoder, ensemble: ensemble, decoder: decoder,
                                    topology: topology, topologyPositions: topologyPositions)
    }

    /// A new decoder for `model`: its feature scaler, encoder and MDN ensemble are kept as they
    /// are, so the latent space and the dynamics do not change, and only the decoder is trained on
    /// `data` (with `settings`). For trying decoder settings without paying for the SRV and the
    /// ensemble again; the manifest records the new decoder's settings and metrics.
    public static func retrainDecoder(of model: LatentSpaceSimulator, data: MDTrainingData, settings: DecoderSettings,
                                      topology: Topology?, topologyPositions: [Float]? = nil,
                                      progress: ProgressHandler? = nil) throws -> LatentSpaceSimulator {
        guard model.manifest.featureLabels == data.labels else {
            throw LatentSimulatorError(.mismatch, "the model was trained on other features "
                                       + "(\(model.manifest.featureLabels.count) vs \(data.labels.count)); "
                                       + "featurize the data as the model was, or train from scratch")
        }
        let scaled = try TrajectoryData(try data.features.map { try model.manifest.featureScaler.transform($0).float32 })
        let start = ContinuousClock.now
        let latent = model.encoder.encode(scaled)
        guard let (decoder, report) = try trainDecoder(data, latent: latent, settings: settings, topology: topology,
                                                       progress: progress) else {
            throw LatentSimulatorError(.insufficientData, "the data hold no positions of decoded atoms; "
                                       + "give trajectories with a topology and a decoder selection")
        }
        let elapsed = ContinuousClock.now - start
        var manifest = model.manifest
        manifest.codeVersion = LSSVersion.current
        manifest.created = ISO8601DateFormatter().string(from: Date())
        manifest.settings.decoder = settings
        manifest.decodedAtoms = data.decodedAtoms
        manifest.topologyAtomCount = topology?.atomCount ?? manifest.topologyAtomCount
        manifest.metrics.decoder = report
        manifest.metrics.seconds["decoder"] = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return LatentSpaceSimulator(manifest: manifest, encoder: model.encoder, ensemble: model.ensemble, decoder: decoder,
                                    topology: topology ?? model.topology,
                                    topologyPositions: topologyPositions ?? model.topologyPositions)
    }

    /// The decoder trained on the positions in `data` at their latent points; nil when the data
    /// hold no positions of decoded atoms.
    static func trainDecoder(_ data: MDTrainingData, latent: TrajectoryData, settings: DecoderSettings, topology: Topology?,
                             progress: ProgressHandler?) throws -> (CoordinateDecoder, DecoderTrainingReport)? {
        guard let positions = data.positions, !data.decodedAtoms.isEmpty else { return nil }
        let all = try TrajectoryData(positions).values
        let reference = Array(UnsafeBufferPointer(start: all.pointer, count: all.cols))
        let check = topology.map { StructureCheck(topology: $0, atomIndices: data.decodedAtoms, reference: reference) }
        let result = try DecoderTrainer.train(latent: latent.values, positions: all, reference: reference,
                                              atomIndices: data.decodedAtoms, structure: check,
                                              settings: settings, progress: progress)
        return (result.decoder, result.report)
    }
}
