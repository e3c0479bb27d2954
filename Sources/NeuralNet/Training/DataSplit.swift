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

/// Mini-batches of indices for one epoch: shuffled (seeded) or in order; the last batch holds the
/// remainder unless `dropLast` asks to skip a short one (useful with BatchNorm, which needs > 1 row).
public func miniBatches(_ indices: [Int], batchSize: Int, shuffle: Bool, dropLast: Bool = false,
                        generator: inout RandomGenerator) -> [ArraySlice<Int>] {
    precondition(batchSize > 0, "batchSize must be positive")
    var order = indices
    if shuffle { generator.shuffle(&order) }
    var batches: [ArraySlice<Int>] = []
    var start = 0
    while start < order.count {
        let end = min(start + batchSize, order.count)
        if end - start == batchSize || !dropLast { batches.append(order[start..<end]) }
        start = end
    }
    return batches
}
