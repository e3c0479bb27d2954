import Foundation
import NeuralNet

/// How an MDN's training went. Log-likelihoods are per pair, in latent units (the scaler's
/// log-Jacobian removed), at the weights kept (the best validation epoch).
public struct MDNTrainingReport: Sendable, Codable {
    public var trainingNLL: Double
    public var validationNLL: Double
    /// Epochs run in the successful attempt.
    public var epochs: Int
    /// Attempts abandoned because they diverged.
    public var restarts: Int

    public init(trainingNLL: Double, validationNLL: Double, epochs: Int, restarts: Int) {
        self.trainingNLL = trainingNLL
        self.validationNLL = validationNLL
        self.epochs = epochs
        self.restarts = restarts
    }
}

/// Trains an `MDNPropagator` by maximum likelihood on time-lagged pairs (ψ_t, ψ_t+τ).
///
/// Adam on mini-batches of pairs from the training segments, the learning rate decayed every
/// epoch (by default to 5 % over the planned epochs) and the global gradient norm clipped to 10; early stopping on the NLL of pairs from
/// held-out whole trajectories or blocks, keeping the best weights. A run diverges when a batch
/// loss or a weight is not finite, or when an epoch's training NLL exceeds the untrained network's
/// validation NLL by more than 10 nats per coordinate (a blown-up optimizer, not a bad epoch);
/// it is then restarted with a fresh seed and a tenth of the learning rate, at most
/// `maximumRestarts` times, before `.diverged` is thrown.
public enum MDNTrainer {
    public static func train(_ latent: TrajectoryData, settings: MDNSettings, segments: [Range<Int>]? = nil,
                             scaler: LatentScaler? = nil,
                             progress: ProgressHandler? = nil) throws -> (propagator: MDNPropagator, report: MDNTrainingReport) {
        try train(latent, settings: settings, segments: segments, scaler: scaler, networkName: "mdn", progress: progress)
    }

    static func train(_ latent: TrajectoryData, settings: MDNSettings, segments: [Range<Int>]?, scaler: LatentScaler?,
                      networkName: String,
                      progress: ProgressHandler?) throws -> (propagator: MDNPropagator, report: MDNTrainingReport) {
        try settings.validate()
        let m = latent.dimension
        guard m >= 1 else { throw LatentSimulatorError(.invalidSetting, "the latent trajectories have no coordinates") }
        for i in 0..<latent.values.count where !latent.values.pointer[i].isFinite {
            throw LatentSimulatorError(.numerical, "latent frame \(i / m) holds a non-finite value; "
                                       + "the encoder output must be finite before an MDN can be trained")
        }
        let scaler = scaler ?? LatentScaler(fitting: latent.values)
        guard scaler.dimension == m else {
            throw LatentSimulatorError(.mismatch, "the latent scaler has \(scaler.dimension) coordinates, "
                                       + "the latent trajectories \(m)")
        }
        if let segments, let bad = segments.first(where: { $0.lowerBound < 0 || $0.upperBound > latent.frameCount }) {
            throw LatentSimulatorError(.invalidSetting, "training segment \(bad) lies outside the "
                                       + "\(latent.frameCount) latent frames")
        }
        var generator = RandomGenerator(seed: settings.seed)
        let split = try segments.map {
            try TrainingSegments.split($0, validationFraction: settings.validationFraction, lag: settings.lag,
                                       generator: &generator)
        } ?? SegmentSplit(data: latent, validationFraction: settings.validationFraction, lag: settings.lag,
                          generator: &generator)
        var trainingPairs = LaggedPairs(segments: split.training, lag: settings.lag)
        var validationPairs = LaggedPairs(segments: split.validation, lag: settings.lag)
        if settings.timeReversal {
            trainingPairs = trainingPairs.withTimeReversal
            validationPairs = validationPairs.withTimeReversal
        }
        guard trainingPairs.count >= 2, validationPairs.count >= 1 else {
            throw LatentSimulatorError(.insufficientData, "at a lag of \(settings.lag) frames the data give "
                                       + "\(trainingPairs.count) training and \(validationPairs.count) validation pairs; "
                                       + "use a shorter lag or more data")
        }
        let scaled = scaler.scale(latent.values)
        let regime = DataRegime(pairs: trainingPairs.count)
        let epochs = settings.epochs ?? regime.epochs
        let plan = TrainingPlan(
            epochs: epochs,
            batchSize: min(settings.batchSize ?? regime.batchSize, trainingPairs.count),
            patience: settings.patience ?? regime.patience,
            decay: settings.learningRateDecay ?? Float(pow(0.05, 1 / Double(epochs))))
        let configuration = MDNPropagator.Configuration(
            dimension: m, components: settings.components, lag: settings.lag,
            hiddenLayers: settings.hiddenLayers ?? [regime.width, regime.width], scaler: scaler,
            boundary: settings.boundary)

        var learningRate = settings.learningRate
        for attempt in 0...settings.maximumRestarts {
            var attemptGenerator = generator.split()
            let propagator = try MDNPropagator(configuration: configuration, generator: &attemptGenerator)
            let run = MDNTrainingRun(propagator: propagator, scaled: scaled, training: trainingPairs,
                                     validation: validationPairs, plan: plan, learningRate: learningRate,
                                     networkName: networkName, attempt: attempt, progress: progress)
            if let outcome = run.execute(generator: &attemptGenerator) {
                let jacobian = scaler.logJacobian
                let report = MDNTrainingReport(trainingNLL: outcome.trainingNLL - jacobian,
                                               validationNLL: outcome.validationNLL - jacobian,
                                               epochs: outcome.epochs, restarts: attempt)
                return (propagator, report)
            }
            learningRate *= 0.1
        }
        throw LatentSimulatorError(.diverged, "MDN training diverged \(settings.maximumRestarts + 1) times (non-finite "
                                   + "or exploding loss), the last time at a learning rate of \(learningRate * 10); "
                                   + "lower learningRate (now \(settings.learningRate)) or check the latent data")
    }
}

/// The sizes one training run uses after `DataRegime` filled in what the settings left open.
struct TrainingPlan {
    var epochs: Int
    var batchSize: Int
    var patience: Int
    var decay: Float
}
