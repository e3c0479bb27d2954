import Kinetics
import NeuralNet

/// The whole SRV fit on given segments: restarts with divergence recovery, optional Koopman
/// reweighting, and the final Float64 basis. `SRVTrainer.train` runs it on a validation split of
/// all the data, `SRVTrainer.scanLag` on the training folds of a cross-validation.
struct SRVFit {
    var encoder: SRVEncoder
    var basis: SRVBasis
    /// The network outputs χ of every frame of the data (frames × output width).
    var outputs: Matrix
    /// Koopman weights of every frame of the data (nil without reweighting).
    var frameWeights: [Double]?
    var report: SRVTrainingReport

    static func run(data: TrajectoryData, training trainingSegments: [Range<Int>], validation validationSegments: [Range<Int>],
                    basisSegments: [Range<Int>], settings: SRVSettings, warmStart: SRVEncoder?,
                    generator: inout RandomGenerator, label: String, progress: ProgressHandler?) throws -> SRVFit {
        try settings.validate()
        let architecture = try resolveArchitecture(settings: settings, inputDimension: data.dimension,
                                                   warmStart: warmStart, trainingPairs: LaggedPairs(
                                                       segments: trainingSegments, lag: settings.lag).count)
        let scaling = try warmStart?.configuration.inputScaling ?? InputScaling(fitting: data.values)
        let inputs = scaling.applied(to: data.values)

        func pairs(_ segments: [Range<Int>]) -> LaggedPairs {
            let p = LaggedPairs(segments: segments, lag: settings.lag)
            return settings.timeReversal ? p.withTimeReversal : p
        }
        let trainingPairs = pairs(trainingSegments), validationPairs = pairs(validationSegments)
        let basisPairs = pairs(basisSegments)
        let minimum = max(4 * architecture.outputWidth, 2 * (architecture.outputWidth + 1))
        guard trainingPairs.count >= minimum else {
            throw LatentSimulatorError(.insufficientData, "SRV: \(trainingPairs.count) training pairs at a lag of "
                                       + "\(settings.lag) frames are too few for \(architecture.outputWidth) outputs "
                                       + "(at least \(minimum) needed); use a shorter lag, fewer outputs or more data")
        }
        var resolved = ResolvedSRVSettings(settings, trainingPairs: trainingPairs.count)
        resolved.hiddenLayers = architecture.hiddenLayers
        resolved.outputWidth = architecture.outputWidth
        resolved.batchSize = min(max(resolved.batchSize, 4 * architecture.outputWidth), trainingPairs.count)
        // A monitoring set too small to score falls back to the training pairs.
        let hasValidation = validationPairs.count > 2 * (architecture.outputWidth + 1)
        let monitorPairs = hasValidation ? validationPairs : trainingPairs

        let restarts = warmStart == nil ? settings.restarts : 1
        var state = RestartState()
        var best: (encoder: SRVEncoder, score: Double, epochs: Int, learningRate: Float, restart: Int)?
        for restart in 0..<restarts {
            let outcome = try attempt(restart: restart, architecture: architecture, scaling: scaling, inputs: inputs,
                                      training: WeightedPairs(pairs: trainingPairs, weights: nil),
                                      monitor: WeightedPairs(pairs: monitorPairs, weights: nil),
                                      resolved: resolved, warmStart: warmStart, state: &state,
                                      generator: &generator, label: label, progress: progress)
            state.restartScores.append(outcome?.score ?? 0)
            if let outcome, outcome.score > (best?.score ?? -.infinity) {
                best = (outcome.encoder, outcome.score, outcome.epochs, outcome.learningRate, restart)
            }
        }
        guard var kept = best else {
            throw LatentSimulatorError(.diverged, "SRV training diverged in all \(state.divergedAttempts) attempts "
                                       + "(\(restarts) restarts, each retried \(settings.divergenceRetries) times with "
                                       + "half the learning rate; last: \(state.lastReason)). Lower the learning rate "
                                       + "(now \(settings.learningRate)), raise epsilon (now \(settings.epsilon)), "
                                       + "enable batch normalization, or check the features for outliers")
        }

        // Koopman reweighting: weights from the unweighted network's basis, a weighted retraining
        // warm-started from it, and weights re-estimated from the final basis.
        var frameWeights: [Double]?
        if settings.koopmanReweighting {
            var outputs = kept.encoder.networkOutputs(standardized: inputs)
            frameWeights = try koopmanWeights(outputs: outputs, pairs: basisPairs, lag: settings.lag)
            let weighted = { (p: LaggedPairs) in WeightedPairs(pairs: p, weights: p.from.map { frameWeights?[$0] ?? 1 }) }
            var reweightState = state
            if let outcome = try attempt(restart: restarts, architecture: architecture, scaling: scaling, inputs: inputs,
                                         training: weighted(trainingPairs), monitor: weighted(monitorPairs),
                                         resolved: resolved, warmStart: kept.encoder, state: &reweightState,
                                         generator: &generator, label: label + " reweighted", progress: progress) {
                kept = (outcome.encoder, outcome.score, kept.epochs + outcome.epochs, outcome.learningRate, kept.restart)
            }
            state.divergedAttempts = reweightState.divergedAttempts
            outputs = kept.encoder.networkOutputs(standardized: inputs)
            frameWeights = try koopmanWeights(outputs: outputs, pairs: basisPairs, lag: settings.lag)
        }

        let outputs = kept.encoder.networkOutputs(standardized: inputs)
        let pairWeights = frameWeights.map { w in basisPairs.from.map { w[$0] } }
        var basis = try SRVBasis.solve(PairCovariances.estimate(outputs, pairs: basisPairs, weights: pairWeights,
                                                                lag: settings.lag),
                                       variant: settings.variant, epsilon: settings.epsilon)
        guard basis.rank >= settings.latentDimension else {
            throw LatentSimulatorError(.numerical, "SRV: the trained network gives only \(basis.rank) independent "
                                       + "basis functions, fewer than the latent dimension \(settings.latentDimension); "
                                       + "lower the latent dimension or raise the output width / hidden widths")
        }
        guard basis.spectrum.allSatisfy(\.isFinite), basis.left.values.allSatisfy(\.isFinite) else {
            throw LatentSimulatorError(.numerical, "SRV: the final eigenproblem gave non-finite values")
        }
        basis.fixSigns(values: outputs, frames: basisPairs.from, weights: pairWeights)
        kept.encoder.setBasis(basis, koopmanReweighted: settings.koopmanReweighting,
                              timeReversal: settings.timeReversal)

        let trainingWeights = frameWeights.map { w in trainingPairs.from.map { w[$0] } }
        let trainingScore = (try? PairCovariances.vamp2(
            PairCovariances.estimate(outputs, pairs: trainingPairs, weights: trainingWeights, lag: settings.lag),
            variant: settings.variant, epsilon: settings.epsilon)) ?? 0
        let report = SRVTrainingReport(
            trainingScore: trainingScore, validationScore: kept.score, restartScores: state.restartScores,
            divergedRestarts: state.divergedAttempts, epochs: kept.epochs, bestRestart: kept.restart,
            learningRate: kept.learningRate, spectrum: basis.spectrum,
            trainingPairs: trainingPairs.count, validationPairs: hasValidation ? validationPairs.count : 0,
            koopmanReweighted: settings.koopmanReweighting, architecture: architecture)
        return SRVFit(encoder: kept.encoder, basis: basis, outputs: outputs, frameWeights: frameWeights, report: report)
    }

    /// Bookkeeping shared by the restarts.
    struct RestartState {
        var restartScores: [Double] = []
        var divergedAttempts = 0
        var lastReason = ""
    }

    /// One restart: an attempt from a fresh seed (or the warm start), retried after a divergence
    /// with a new seed and half the learning rate, at most `divergenceRetries` times. Nil when every
    /// try diverged.
    static func attempt(restart: Int, architecture: SRVArchitecture, scaling: InputScaling, inputs: Matrix,
                        training: WeightedPairs, monitor: WeightedPairs, resolved: ResolvedSRVSettings,
                        warmStart: SRVEncoder?, state: inout RestartState, generator: inout RandomGenerator,
                        label: String, progress: ProgressHandler?)
        throws -> (encoder: SRVEncoder, score: Double, epochs: Int, learningRate: Float)? {
        var learningRate = resolved.base.learningRate
        for _ in 0...resolved.base.divergenceRetries {
            var initializer = generator.split()
            let encoder = SRVEncoder(architecture: architecture, scaling: scaling,
                                     latentDimension: resolved.base.latentDimension, lag: resolved.base.lag,
                                     variant: resolved.base.variant, epsilon: resolved.base.epsilon,
                                     generator: &initializer)
            if let warmStart { encoder.parameters.restore(warmStart.parameters.snapshot()) }
            let run = SRVTrainingRun(encoder: encoder, inputs: inputs, training: training, monitor: monitor,
                                     settings: resolved, learningRate: learningRate, seed: initializer.next(),
                                     attempt: restart, label: label, progress: progress)
            do {
                let outcome = try run.run()
                return (encoder, outcome.monitorScore, outcome.epochs, learningRate)
            } catch {
                state.divergedAttempts += 1
                state.lastReason = error.reason
                learningRate /= 2
            }
        }
        return nil
    }

    /// The architecture from the settings, or the warm start's when the settings leave it open.
    static func resolveArchitecture(settings: SRVSettings, inputDimension: Int, warmStart: SRVEncoder?,
                                    trainingPairs: Int) throws -> SRVArchitecture {
        let resolved = ResolvedSRVSettings(settings, trainingPairs: trainingPairs)
        guard let warm = warmStart?.architecture else {
            return SRVArchitecture(inputDimension: inputDimension, hiddenLayers: resolved.hiddenLayers,
                                   outputWidth: resolved.outputWidth, batchNorm: settings.batchNorm)
        }
        func mismatch(_ text: String) -> LatentSimulatorError {
            LatentSimulatorError(.mismatch, "SRV warm start: \(text); train from scratch (no warm start) or use "
                                 + "the earlier model's settings")
        }
        guard warm.inputDimension == inputDimension else {
            throw mismatch("the earlier encoder takes \(warm.inputDimension) features, the data have \(inputDimension)")
        }
        if let hidden = settings.hiddenLayers, hidden != warm.hiddenLayers {
            throw mismatch("hidden layers \(hidden) differ from the earlier encoder's \(warm.hiddenLayers)")
        }
        if let width = settings.outputWidth, width != warm.outputWidth {
            throw mismatch("output width \(width) differs from the earlier encoder's \(warm.outputWidth)")
        }
        guard settings.batchNorm == warm.batchNorm else {
            throw mismatch("batch normalization is \(settings.batchNorm ? "on" : "off") but was "
                           + "\(warm.batchNorm ? "on" : "off") in the earlier encoder")
        }
        guard settings.latentDimension <= warm.outputWidth else {
            throw mismatch("latent dimension \(settings.latentDimension) exceeds the earlier encoder's "
                           + "\(warm.outputWidth) outputs")
        }
        return warm
    }

    /// Koopman weights per frame from the basis χ (Wu et al. 2017, `KoopmanReweighting`): the
    /// weight function w(x) = uᵀχ(x) + c, evaluated on every frame. Negative values (where the
    /// basis represents the weight function poorly) are set to 0, so that weighted covariances
    /// stay positive semi-definite.
    static func koopmanWeights(outputs: Matrix, pairs: LaggedPairs, lag: Int) throws -> [Double] {
        let covariances = PairCovariances.estimate(outputs, pairs: pairs, lag: lag)
        let model: KoopmanWeights
        do {
            model = try KoopmanReweighting.estimate(covariances)
        } catch {
            throw LatentSimulatorError(.numerical, "SRV Koopman reweighting failed: \(error)")
        }
        let weights = try model.weights(for: DoubleMatrix(outputs)).map { $0.isFinite ? max($0, 0) : 0 }
        guard weights.contains(where: { $0 > 0 }) else {
            throw LatentSimulatorError(.numerical, "SRV Koopman reweighting gave no positive weight; train without "
                                       + "reweighting or with a longer lag")
        }
        return weights
    }
}
