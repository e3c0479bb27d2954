/// Stops training when the validation loss has not improved for `patience` epochs, and keeps a
/// copy of the best weights to restore.
public final class EarlyStopping {
    public let patience: Int
    /// An improvement smaller than this does not count.
    public let minimumImprovement: Float
    public private(set) var bestLoss = Float.infinity
    public private(set) var bestEpoch = -1
    private var epochsWithoutImprovement = 0
    private var bestWeights: [Matrix]?

    public init(patience: Int, minimumImprovement: Float = 0) {
        precondition(patience >= 1, "patience must be at least 1")
        self.patience = patience
        self.minimumImprovement = minimumImprovement
    }

    /// Records an epoch's validation loss; returns true when training should stop.
    public func update(loss: Float, epoch: Int, parameters: [Parameter]) -> Bool {
        if loss.isFinite && loss < bestLoss - minimumImprovement {
            bestLoss = loss
            bestEpoch = epoch
            epochsWithoutImprovement = 0
            bestWeights = parameters.snapshot()
            return false
        }
        epochsWithoutImprovement += 1
        return epochsWithoutImprovement >= patience
    }

    /// Puts the best weights seen back into `parameters` (no-op before the first improvement).
    public func restoreBest(into parameters: [Parameter]) {
        if let bestWeights { parameters.restore(bestWeights) }
    }
}
