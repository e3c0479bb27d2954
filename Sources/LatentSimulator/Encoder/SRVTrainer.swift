import NeuralNet

/// Trains SRV encoders and chooses their lag and dimension.
public enum SRVTrainer {
    /// Trains an SRV on `data` (features per frame).
    ///
    /// Pairs at `settings.lag` come from a validation split by whole trajectories or blocks
    /// (`SegmentSplit`); `settings.restarts` trainings from different seeds (one with a warm start,
    /// which begins from `warmStart`'s weights and input scaling) are scored by validation VAMP-2
    /// and the best is kept. The latent basis is then solved in Float64 on all the pairs (see
    /// `SRVBasis`). A diverging attempt is retried with a new seed and half the learning rate.
    ///
    /// - Throws: `LatentSimulatorError`: `.invalidSetting` for settings out of range,
    ///   `.insufficientData` for too few pairs or constant features, `.mismatch` for a warm start
    ///   of another architecture, `.diverged` when every attempt diverged, `.numerical` when the
    ///   final basis is degenerate.
    public static func train(_ data: TrajectoryData, settings: SRVSettings, warmStart: SRVEncoder? = nil,
                             progress: ProgressHandler? = nil) throws -> (encoder: SRVEncoder, report: SRVTrainingReport) {
        try settings.validate()
        var generator = RandomGenerator(seed: settings.seed)
        let split = try SegmentSplit(data: data, validationFraction: settings.validationFraction, lag: settings.lag,
                                     generator: &generator)
        let fit = try SRVFit.run(data: data, training: split.training, validation: split.validation,
                                 basisSegments: data.segments, settings: settings, warmStart: warmStart,
                                 generator: &generator, label: "srv", progress: progress)
        return (fit.encoder, fit.report)
    }

    /// Cross-validated VAMP-2 over a grid of lags and latent dimensions (`lss train --scan-lag`).
    ///
    /// The data are cut into `folds` folds of whole trajectories (or, with fewer trajectories than
    /// folds, of contiguous blocks at least 4 × the longest lag long). For every lag and fold an SRV
    /// with max(dimensions) latent coordinates is trained on the other folds (with their own
    /// validation split for early stopping) and its basis solved there; the held-out fold's VAMP-2
    /// of the top-m coordinates is then computed with that basis on the fold's own covariances
    /// (deeptime's `VAMP.score(test_model)`); with Koopman reweighting the held-out covariances are
    /// weighted by the weight function fitted on the training folds. Lower `settings.epochs` /
    /// `restarts` to keep it cheap.
    /// Results are ordered by lag, then dimension.
    public static func scanLag(_ data: TrajectoryData, lags: [Int], dimensions: [Int], folds: Int = 5,
                               settings: SRVSettings, progress: ProgressHandler? = nil) throws -> [SRVLagScore] {
        func refuse(_ text: String) -> LatentSimulatorError { LatentSimulatorError(.invalidSetting, "SRV lag scan: " + text) }
        guard !lags.isEmpty, lags.allSatisfy({ $0 >= 1 }) else { throw refuse("give at least one lag, each ≥ 1 frame") }
        guard let largestDimension = dimensions.max(), dimensions.allSatisfy({ $0 >= 1 }) else {
            throw refuse("give at least one latent dimension, each ≥ 1")
        }
        guard folds >= 2 else { throw refuse("cross-validation needs at least 2 folds, got \(folds)") }
        var base = settings
        base.latentDimension = largestDimension
        base.outputWidth = max(settings.outputWidth ?? largestDimension + 2, largestDimension)
        try base.validate()
        let longest = lags.max() ?? 1

        var generator = RandomGenerator(seed: settings.seed)
        var pieces = data.segments
        if data.trajectoryCount < folds {
            pieces = SegmentSplit.cut(pieces, blockLength: max(4 * longest, data.frameCount / (2 * folds)))
        }
        pieces = pieces.filter { $0.count > longest }
        guard pieces.count >= folds else {
            throw LatentSimulatorError(.insufficientData, "SRV lag scan: \(data.frameCount) frames in "
                                       + "\(data.trajectoryCount) trajectories cannot be cut into \(folds) folds at a "
                                       + "lag of \(longest) frames; use fewer folds, shorter lags or more data")
        }
        generator.shuffle(&pieces)
        let foldOf = pieces.indices.map { $0 % folds }

        var results: [SRVLagScore] = []
        for lag in lags {
            var scores = [[Double]](repeating: [], count: dimensions.count)
            for fold in 0..<folds {
                let test = pieces.indices.filter { foldOf[$0] == fold }.map { pieces[$0] }
                let train = pieces.indices.filter { foldOf[$0] != fold }.map { pieces[$0] }
                let (inner, validation) = holdOut(train, fraction: settings.validationFraction, generator: &generator)
                var foldSettings = base
                foldSettings.lag = lag
                let fit = try SRVFit.run(data: data, training: inner, validation: validation, basisSegments: train,
                                         settings: foldSettings, warmStart: nil, generator: &generator,
                                         label: "srv scan lag \(lag) fold \(fold + 1)/\(folds)", progress: progress)
                var testPairs = LaggedPairs(segments: test, lag: lag)
                if settings.timeReversal { testPairs = testPairs.withTimeReversal }
                guard testPairs.count > base.resolvedOutputWidth else {
                    throw LatentSimulatorError(.insufficientData, "SRV lag scan: fold \(fold + 1) has only "
                                               + "\(testPairs.count) pairs at lag \(lag); use fewer folds or shorter lags")
                }
                // With reweighting, the held-out pairs get the weight function fitted on the training folds.
                let testWeights = fit.frameWeights.map { w in testPairs.from.map { w[$0] } }
                let covariances = PairCovariances.estimate(fit.outputs, pairs: testPairs, weights: testWeights, lag: lag)
                for (k, m) in dimensions.enumerated() {
                    do {
                        scores[k].append(try fit.basis.score(test: covariances, dimension: m, variant: settings.variant,
                                                             epsilon: settings.epsilon))
                    } catch {
                        throw LatentSimulatorError(.numerical, "SRV lag scan: the held-out VAMP-2 at lag \(lag), "
                                                   + "fold \(fold + 1) failed (\(error))")
                    }
                }
            }
            for (k, m) in dimensions.enumerated() {
                let values = scores[k], n = Double(values.count)
                let mean = values.reduce(0, +) / n
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)
                results.append(SRVLagScore(lag: lag, dimension: m, mean: mean,
                                           standardError: (variance / n).squareRoot(), foldScores: values))
            }
        }
        return results
    }

    /// Splits pieces into training and about `fraction` of the frames for validation (whole pieces,
    /// at least one piece left for training).
    static func holdOut(_ pieces: [Range<Int>], fraction: Double,
                        generator: inout RandomGenerator) -> (training: [Range<Int>], validation: [Range<Int>]) {
        var shuffled = pieces
        generator.shuffle(&shuffled)
        let total = shuffled.reduce(0) { $0 + $1.count }
        var validation: [Range<Int>] = [], held = 0
        while fraction > 0, Double(held) < fraction * Double(total), shuffled.count > 1 {
            let piece = shuffled.removeLast()
            validation.append(piece)
            held += piece.count
        }
        return (shuffled.sorted { $0.lowerBound < $1.lowerBound }, validation.sorted { $0.lowerBound < $1.lowerBound })
    }
}
