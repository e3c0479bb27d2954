/// Indices of a data set divided into a training and a validation part.
public struct DataSplit: Sendable, Equatable {
    public var training: [Int]
    public var validation: [Int]

    /// A random split: `validationFraction` of `count` samples (at least one when the fraction is
    /// positive and count > 1) go to validation. The same seed gives the same split.
    public init(count: Int, validationFraction: Double, generator: inout RandomGenerator) {
        precondition(validationFraction >= 0 && validationFraction < 1, "validationFraction must be in [0, 1)")
        let order = generator.permutation(count)
        var held = Int((Double(count) * validationFraction).rounded())
        if validationFraction > 0 && count > 1 { held = min(max(held, 1), count - 1) }
        validation = Array(order.prefix(held)).sorted()
        training = Array(order.dropFirst(held)).sorted()
    }

    public init(training: [Int], validation: [Int]) {
        self.training = training
        self.validation = validation
    }
}

/// What `miniBatches` does with a last batch shorter than the batch size.
public enum BatchRemainder: Sendable {
    /// A batch of its own.
    case keep
    /// Skipped.
    case drop
    /// Joined to the batch before it (when there is one), so no batch is short: BatchNorm needs
    /// more than one row, and a covariance-based loss such as VAMP-2 is meaningless on a few.
    case merge
}

/// Mini-batches of indices for one epoch, shuffled (seeded) or in order.
public func miniBatches(_ indices: [Int], batchSize: Int, shuffle: Bool, remainder: BatchRemainder = .keep,
                        generator: inout RandomGenerator) -> [ArraySlice<Int>] {
    precondition(batchSize > 0, "batchSize must be positive")
    var order = indices
    if shuffle { generator.shuffle(&order) }
    var batches: [ArraySlice<Int>] = []
    var start = 0
    while start < order.count {
        let end = min(start + batchSize, order.count)
        batches.append(order[start..<end])
        start = end
    }
    if let last = batches.last, last.count < batchSize {
        switch remainder {
        case .keep: break
        case .drop: batches.removeLast()
        case .merge where batches.count > 1:
            batches.removeLast()
            batches[batches.count - 1] = order[batches[batches.count - 1].startIndex..<order.count]
        case .merge: break
        }
    }
    return batches
}
