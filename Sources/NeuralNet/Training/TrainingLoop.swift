/// What one epoch of training produced, handed to the per-epoch callback.
public struct EpochReport: Sendable {
    public var epoch: Int
    public var trainingLoss: Float
    /// Nil when there is no validation set.
    public var validationLoss: Float?
    public var learningRate: Float
    public var gradientNorm: Float
    public var seconds: Double
}

/// Settings of `train(...)`.
public struct TrainingSettings: Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: ExponentialDecay
    /// Clip the global gradient norm to this value; nil for no clipping.
    public var clipNorm: Float?
    /// Stop after this many epochs without improvement of the validation loss and restore the best
    /// weights; nil to run every epoch.
    public var patience: Int?
    public var seed: UInt64

    public init(epochs: Int, batchSize: Int, learningRate: ExponentialDecay, clipNorm: Float? = nil,
                patience: Int? = nil, seed: UInt64 = 0) {
        precondition(epochs > 0 && batchSize > 0, "epochs and batchSize must be positive")
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.clipNorm = clipNorm
        self.patience = patience
        self.seed = seed
    }
}

/// Trains `parameters` by minimizing a loss built from mini-batches of sample indices. A short
/// last batch is merged into the one before it, so every batch has at least `batchSize` rows
/// (or all of them, when there are fewer).
///
/// `loss(graph, batch, training)` builds the loss of one batch on the graph; with `training`
/// false it is the validation loss (BatchNorm in inference mode, nothing recorded). Returns the
/// epoch reports. The graph is reset after every step, so its buffers are reused and, after the
/// first step, a step allocates no large buffers.
@discardableResult
public func train(parameters: [Parameter], optimizer: any Optimizer, split: DataSplit,
                  settings: TrainingSettings, graph: Graph = Graph(),
                  loss: (Graph, ArraySlice<Int>, Bool) throws -> Tensor,
                  onEpoch: (EpochReport) -> Void = { _ in }) rethrows -> [EpochReport] {
    var generator = RandomGenerator(seed: settings.seed)
    let trainable = parameters.trainable
    let stopper = settings.patience.map { EarlyStopping(patience: $0) }
    var reports: [EpochReport] = []
    for epoch in 0..<settings.epochs {
        let started = ContinuousClock.now
        optimizer.learningRate = settings.learningRate.learningRate(epoch: epoch)
        var lossSum: Double = 0, seen = 0, lastNorm: Float = 0
        for batch in miniBatches(split.training, batchSize: settings.batchSize, shuffle: true, remainder: .merge,
                                 generator: &generator) {
            let value = try loss(graph, batch, true)
            lossSum += Double(value.scalar) * Double(batch.count)
            seen += batch.count
            let grads = graph.gradients(of: value, withRespectTo: trainable)
            if let clip = settings.clipNorm {
                lastNorm = clipGradientNorm(grads, maxNorm: clip)
            } else {
                lastNorm = gradientNorm(grads)
            }
            optimizer.step(gradients: grads)
            graph.reset()
        }
        var validationLoss: Float?
        if !split.validation.isEmpty {
            var sum: Double = 0
            for batch in miniBatches(split.validation, batchSize: settings.batchSize, shuffle: false,
                                     remainder: .merge, generator: &generator) {
                let value = try graph.withoutRecording { try loss(graph, batch, false) }
                sum += Double(value.scalar) * Double(batch.count)
                graph.reset()
            }
            validationLoss = Float(sum / Double(split.validation.count))
        }
        let elapsed = ContinuousClock.now - started
        let report = EpochReport(epoch: epoch, trainingLoss: Float(lossSum / Double(max(seen, 1))),
                                 validationLoss: validationLoss, learningRate: optimizer.learningRate,
                                 gradientNorm: lastNorm,
                                 seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        reports.append(report)
        onEpoch(report)
        if let stopper, let validationLoss,
           stopper.update(loss: validationLoss, epoch: epoch, parameters: parameters) {
            break
        }
    }
    stopper?.restoreBest(into: parameters)
    return reports
}
