/// A mean with its block-averaged standard error (DESIGN.md §9: five blocks for MD).
///
/// The standard error is the sample standard deviation of the block estimates (divisor n − 1)
/// over √n: the standard error of the mean of n independent estimates (Flyvbjerg & Petersen,
/// J. Chem. Phys. 91, 461 (1989)). It is only as good as the blocks are independent: blocks much
/// longer than the correlation time.
public struct BlockAverage: Sendable, Equatable {
    /// The estimate from all the data (for `init(_:blocks:)`, the mean of every value).
    public let mean: Double
    /// sd(block values) / √(number of blocks).
    public let standardError: Double
    /// The estimate in each block, in order.
    public let blockValues: [Double]

    /// The mean of `values` and its standard error from `blocks` contiguous blocks of equal size
    /// (±1 value; boundaries at ⌊k·n/blocks⌋).
    public init(_ values: [Double], blocks: Int = 5) throws {
        guard blocks >= 2 else {
            throw KineticsError(.invalidArgument, "block average: blocks must be at least 2 to estimate an error, got \(blocks)")
        }
        guard values.count >= blocks else {
            throw KineticsError(.insufficientData, "block average: \(values.count) values cannot fill \(blocks) blocks; "
                                    + "give at least one value per block")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw KineticsError(.invalidArgument, "block average: value \(bad) is \(values[bad]); remove non-finite values")
        }
        let n = values.count
        var means = [Double]()
        means.reserveCapacity(blocks)
        for k in 0..<blocks {
            let lower = k * n / blocks, upper = (k + 1) * n / blocks
            means.append(values[lower..<upper].reduce(0, +) / Double(upper - lower))
        }
        self.mean = values.reduce(0, +) / Double(n)
        self.blockValues = means
        self.standardError = Self.standardErrorOfMean(means)
    }

    /// Combines estimates already made on separate blocks: `overall` is the estimate from all the
    /// data (nil: the mean of the block values).
    public init(blockValues: [Double], overall: Double? = nil) throws {
        guard blockValues.count >= 2 else {
            throw KineticsError(.insufficientData, "block average: \(blockValues.count) block values cannot give an error; "
                                    + "give at least 2")
        }
        if let bad = blockValues.firstIndex(where: { !$0.isFinite }) {
            throw KineticsError(.numerical, "block average: block \(bad) gave \(blockValues[bad]); "
                                    + "the blocks may be too short for this estimate, use fewer blocks or more data")
        }
        self.blockValues = blockValues
        self.mean = overall ?? blockValues.reduce(0, +) / Double(blockValues.count)
        self.standardError = Self.standardErrorOfMean(blockValues)
    }

    /// sd(values, n − 1) / √n for at least two finite values.
    static func standardErrorOfMean(_ values: [Double]) -> Double {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / (n - 1) / n).squareRoot()
    }
}
