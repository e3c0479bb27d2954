import NeuralNet

/// Time-lagged pairs (row indices into the standardized inputs) with optional pair weights.
struct WeightedPairs {
    var pairs: LaggedPairs
    /// One weight per pair (the weight of its start frame), or nil for equal weights.
    var weights: [Double]?

    var count: Int { pairs.count }
}

/// Why one training attempt was abandoned; the trainer restarts it with a new seed and half the
/// learning rate.
struct SRVDivergence: Error {
    var reason: String
}

/// One training attempt of the SRV network: Adam on −VAMP-2 of mini-batches of pairs, early
/// stopping on the VAMP-2 of the whole monitoring set (validation pairs, or the training pairs
/// without a validation set), the best weights restored at the end.
///
/// Both members of every pair go through the network as one batch of 2b rows (x_t rows first,
/// then x_t+τ rows), so batch normalization sees both and one matrix product serves both.
/// Divergence is detected at every step (non-finite score or gradient, a covariance that is not
/// positive definite) and after every epoch (non-finite weights or validation score).
struct SRVTrainingRun {
    var encoder: SRVEncoder
    /// Standardized features of every frame.
    var inputs: Matrix
    var training: WeightedPairs
    var monitor: WeightedPairs
    var settings: ResolvedSRVSettings
    var learningRate: Float
    var seed: UInt64
    var attempt: Int
    var label: String
    var progress: ProgressHandler?

    /// A weight beyond this magnitude counts as divergence: the tanh units are saturated for every
    /// input (the network no longer learns) and Float32 loses the inputs' digits. Trained SRV
    /// weights are O(1-10). NaN fails the comparison too.
    static let weightLimit: Float = 1e6

    struct Outcome {
        var monitorScore: Double
        var epochs: Int
    }

    func run() throws(SRVDivergence) -> Outcome {
        let network = encoder.network
        let parameters = network.parameters, trainable = parameters.trainable
        let optimizer = Adam(parameters: parameters, learningRate: learningRate)
        let graph = Graph()
        var generator = RandomGenerator(seed: seed)
        let variant = settings.base.variant, epsilon = settings.base.epsilon
        let d = inputs.cols
        let monitorSet = GatheredPairs(inputs: inputs, pairs: monitor)
        let predictor = Predictor(network, chunkRows: 1024)
        var buffers: [Int: Matrix] = [:]
        let indices = Array(0..<training.count)
        var best = -Double.infinity, bestWeights = parameters.snapshot(), sinceBest = 0, epochsRun = 0

        for epoch in 0..<settings.epochs {
            epochsRun = epoch + 1
            var scoreSum = 0.0, seen = 0
            for batch in miniBatches(indices, batchSize: min(settings.batchSize, training.count), shuffle: true,
                                     remainder: .merge, generator: &generator) {
                let b = batch.count
                let input = buffers[b] ?? Matrix(rows: 2 * b, cols: d)
                buffers[b] = input
                for (k, pair) in batch.enumerated() {
                    (input.pointer + k * d).update(from: inputs.pointer + training.pairs.from[pair] * d, count: d)
                    (input.pointer + (b + k) * d).update(from: inputs.pointer + training.pairs.to[pair] * d, count: d)
                }
                let output = network(graph.constant(input), training: true)
                let x = graph.slice(output, rows: 0..<b), y = graph.slice(output, rows: b..<(2 * b))
                let score: Tensor
                do {
                    if let weights = training.weights {
                        let batchWeights = batch.map { weights[$0] }
                        guard batchWeights.contains(where: { $0 > 0 }) else { graph.reset(); continue }
                        score = try graph.weightedVamp2Score(x, y, weights: batchWeights, variant: variant, epsilon: epsilon)
                    } else {
                        score = try graph.vamp2Score(x, y, variant: variant, epsilon: epsilon)
                    }
                } catch {
                    graph.reset()
                    throw SRVDivergence(reason: "epoch \(epoch + 1): VAMP-2 of a batch failed (\(error))")
                }
                let value = Double(score.scalar)
                guard value.isFinite else {
                    graph.reset()
                    throw SRVDivergence(reason: "epoch \(epoch + 1): the VAMP-2 score became non-finite")
                }
                let gradients = graph.gradients(of: graph.scale(score, by: -1), withRespectTo: trainable)
                guard gradientNorm(gradients).isFinite else {
                    graph.reset()
                    throw SRVDivergence(reason: "epoch \(epoch + 1): non-finite gradients")
                }
                optimizer.step(gradients: gradients)
                graph.reset()
                scoreSum += value * Double(b)
                seen += b
            }
            for p in parameters where !(0..<p.value.count).allSatisfy({ abs(p.value.pointer[$0]) <= Self.weightLimit }) {
                throw SRVDivergence(reason: "epoch \(epoch + 1): weight \(p.name) became non-finite or exceeded "
                                    + "\(Self.weightLimit) in magnitude")
            }
            let monitorScore: Double
            do {
                monitorScore = try monitorSet.score(predictor: predictor, variant: variant, epsilon: epsilon)
            } catch {
                throw SRVDivergence(reason: "epoch \(epoch + 1): the validation VAMP-2 failed (\(error))")
            }
            let trainingScore = seen > 0 ? scoreSum / Double(seen) : monitorScore
            progress?(TrainingProgress(network: label, attempt: attempt, epoch: epoch, epochs: settings.epochs,
                                       trainingLoss: -trainingScore, validationLoss: -monitorScore,
                                       monitors: ["learningRate": Double(learningRate)]))
            if monitorScore > best {
                best = monitorScore
                bestWeights = parameters.snapshot()
                sinceBest = 0
            } else {
                sinceBest += 1
                if sinceBest >= settings.patience { break }
            }
        }
        parameters.restore(bestWeights)
        guard best.isFinite else { throw SRVDivergence(reason: "no epoch gave a finite validation VAMP-2") }
        return Outcome(monitorScore: best, epochs: epochsRun)
    }
}

/// The frames of a set of pairs gathered into one contiguous matrix, with the pairs re-indexed
/// into it, so that scoring runs the network on those frames only.
struct GatheredPairs {
    let frames: Matrix
    let pairs: LaggedPairs
    let weights: [Double]?

    init(inputs: Matrix, pairs source: WeightedPairs) {
        let rows = Array(Set(source.pairs.from + source.pairs.to)).sorted()
        var local = [Int: Int](minimumCapacity: rows.count)
        for (k, r) in rows.enumerated() { local[r] = k }
        frames = inputs.rows(rows)
        pairs = LaggedPairs(from: source.pairs.from.map { local[$0] ?? 0 }, to: source.pairs.to.map { local[$0] ?? 0 })
        weights = source.weights
    }

    /// VAMP-2 (Float64) of the network's outputs over these pairs.
    func score(predictor: Predictor, variant: VAMPVariant, epsilon: Double) throws -> Double {
        let outputs = predictor.predict(frames)
        for i in 0..<outputs.count where !outputs.pointer[i].isFinite {
            throw LinearAlgebraError.nonFinite("network outputs")
        }
        let c = PairCovariances.estimate(outputs, pairs: pairs, weights: weights, lag: 1)
        return try PairCovariances.vamp2(c, variant: variant, epsilon: epsilon)
    }
}
