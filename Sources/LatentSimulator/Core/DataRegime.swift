/// Training sizes that adapt to how much data there is (the data-poor regime of a first campaign
/// round, where the first MD is short): small data get smaller batches, narrower networks, more
/// epochs and more patience, so that every epoch still takes several optimizer steps and the
/// network cannot memorize a few hundred pairs.
public struct DataRegime: Sendable, Equatable, Codable {
    public var batchSize: Int
    public var epochs: Int
    public var patience: Int
    /// Width of the hidden layers.
    public var width: Int

    /// Sizes for a training set of `pairs` samples.
    ///
    /// - Batch: about 1/20 of the samples, between 32 and 1024 (at least ~20 steps an epoch).
    /// - Width: 100 (the LSS paper's size) from 20,000 samples, down to 32 below 2,000.
    /// - Epochs and patience: 100 and 10 for large sets; up to 400 and 30 for small ones, where an
    ///   epoch is cheap and the validation loss is noisy.
    public init(pairs: Int) {
        let n = max(pairs, 1)
        batchSize = min(1024, max(32, n / 20))
        switch n {
        case ..<2_000: width = 32; epochs = 400; patience = 30
        case ..<20_000: width = 64; epochs = 200; patience = 20
        default: width = 100; epochs = 100; patience = 10
        }
    }

    public init(batchSize: Int, epochs: Int, patience: Int, width: Int) {
        self.batchSize = batchSize
        self.epochs = epochs
        self.patience = patience
        self.width = width
    }
}
