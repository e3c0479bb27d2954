import Foundation
import NeuralNet

/// One training attempt of an MDN: mini-batch Adam with early stopping and divergence watch.
/// All NLLs here are in scaled units.
struct MDNTrainingRun {
    struct Outcome {
        var trainingNLL: Double
        var validationNLL: Double
        var epochs: Int
    }

    let propagator: MDNPropagator
    let scaled: Matrix
    let training: LaggedPairs
    let validation: LaggedPairs
    let plan: TrainingPlan
    let learningRate: Float
    let networkName: String
    let attempt: Int
    let progress: ProgressHandler?

    static let clipNorm: Float = 10
    static let evaluationBatch = 4096

    /// Trains; nil when the run diverged.
    func execute(generator: inout RandomGenerator) -> Outcome? {
        let parameters = propagator.parameters
        let trainable = parameters.trainable
        let optimizer = Adam(parameters: parameters, learningRate: learningRate)
        let stopper = EarlyStopping(patience: plan.patience)
        let graph = Graph()
        let buffers = PairBuffers(dimension: propagator.dimension)
        let m = Double(propagator.dimension)
        guard let initial = evaluate(validation, graph: graph, buffers: buffers), initial.isFinite else { return nil }
        let ceiling = initial + 10 * m
        var epochsRun = 0
        for epoch in 0..<plan.epochs {
            optimizer.learningRate = learningRate * Float(pow(Double(plan.decay), Double(epoch)))
            var sum = 0.0, seen = 0
            for batch in miniBatches(Array(0..<training.count), batchSize: plan.batchSize, shuffle: true,
                                     remainder: .merge, generator: &generator) {
                let (x, y) = buffers.gather(batch, pairs: training, from: scaled)
                let loss = propagator.negativeLogLikelihood(on: graph, scaledFrom: x, scaledTo: y)
                let value = Double(loss.scalar)
                guard value.isFinite else { return nil }
                let gradients = graph.gradients(of: loss, withRespectTo: trainable)
                guard clipGradientNorm(gradients, maxNorm: Self.clipNorm).isFinite else { return nil }
                optimizer.step(gradients: gradients)
                graph.reset()
                sum += value * Double(batch.count)
                seen += batch.count
            }
            epochsRun = epoch + 1
            let trainingNLL = sum / Double(max(seen, 1))
            guard trainingNLL <= ceiling, parameters.allFinite,
                  let validationNLL = evaluate(validation, graph: graph, buffers: buffers) else { return nil }
            progress?(TrainingProgress(network: networkName, attempt: attempt, epoch: epoch, epochs: plan.epochs,
                                       trainingLoss: trainingNLL, validationLoss: validationNLL,
                                       monitors: ["learningRate": Double(optimizer.learningRate)]))
            if stopper.update(loss: Float(validationNLL), epoch: epoch, parameters: parameters) { break }
        }
        stopper.restoreBest(into: parameters)
        guard let trainingNLL = evaluate(training, graph: graph, buffers: buffers, limit: 100_000),
              let validationNLL = evaluate(validation, graph: graph, buffers: buffers) else { return nil }
        return Outcome(trainingNLL: trainingNLL, validationNLL: validationNLL, epochs: epochsRun)
    }

    /// The mean NLL over `pairs` (at most `limit`, evenly spaced), without recording; nil if not finite.
    func evaluate(_ pairs: LaggedPairs, graph: Graph, buffers: PairBuffers, limit: Int = .max) -> Double? {
        let stride = max(1, pairs.count / max(limit, 1))
        let indices = Array(Swift.stride(from: 0, to: pairs.count, by: stride))
        var sum = 0.0
        var start = 0
        while start < indices.count {
            let batch = indices[start..<min(start + Self.evaluationBatch, indices.count)]
            let (x, y) = buffers.gather(batch, pairs: pairs, from: scaled)
            let loss = graph.withoutRecording {
                propagator.negativeLogLikelihood(on: graph, scaledFrom: x, scaledTo: y, training: false)
            }
            sum += Double(loss.scalar) * Double(batch.count)
            graph.reset()
            start += Self.evaluationBatch
        }
        let mean = sum / Double(max(indices.count, 1))
        return mean.isFinite ? mean : nil
    }
}

/// Reused input and target matrices per batch size.
final class PairBuffers {
    let dimension: Int
    private var cache: [Int: (Matrix, Matrix)] = [:]

    init(dimension: Int) { self.dimension = dimension }

    /// The scaled rows of the pairs `batch` (indices into `pairs`), as (from, to).
    func gather(_ batch: ArraySlice<Int>, pairs: LaggedPairs, from scaled: Matrix) -> (Matrix, Matrix) {
        let n = batch.count
        let buffers = cache[n] ?? (Matrix(rows: n, cols: dimension), Matrix(rows: n, cols: dimension))
        cache[n] = buffers
        let (x, y) = buffers
        for (row, i) in batch.enumerated() {
            (x.pointer + row * dimension).update(from: scaled.pointer + pairs.from[i] * dimension, count: dimension)
            (y.pointer + row * dimension).update(from: scaled.pointer + pairs.to[i] * dimension, count: dimension)
        }
        return buffers
    }
}

extension Array where Element == Parameter {
    /// Whether every value of every parameter is finite.
    var allFinite: Bool {
        allSatisfy { p in (0..<p.value.count).allSatisfy { p.value.pointer[$0].isFinite } }
    }
}
