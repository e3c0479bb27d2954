/// Samples that fell outside a histogram's range: counted and reported, never dropped silently.
public struct OutOfRangeSamples: Sendable, Equatable {
    /// How many samples fell outside the range (on any axis, for a 2-D histogram).
    public var count: Int = 0
    /// Their total weight (equal to `count` without weights).
    public var weight: Double = 0
    public init(count: Int = 0, weight: Double = 0) {
        self.count = count
        self.weight = weight
    }
}

/// A 1-D histogram of one observable over one or more trajectories, optionally weighted per frame
/// (reweighted or MSM-weighted data; DESIGN.md §4: adaptive data are not equilibrium data).
public struct Histogram1D: Sendable, Equatable {
    public let axis: HistogramAxis
    /// The summed weight in each bin (the plain count without weights).
    public let counts: [Double]
    /// The samples outside `axis`' range (always zero on a periodic axis).
    public let outOfRange: OutOfRangeSamples
    /// Every sample, in range or not.
    public let sampleCount: Int

    /// Bins `trajectories` (one series per trajectory) on `axis`; `weights` (one per frame, ≥ 0)
    /// default to 1.
    public init(_ trajectories: [[Double]], axis: HistogramAxis, weights: [[Double]]? = nil) throws {
        let binning = try SampleBinning(x: trajectories, y: nil, xAxis: axis, yAxis: nil, weights: weights,
                                        name: "1-D histogram")
        let filled = binning.fill(segments: binning.allSegments)
        self.axis = axis
        self.counts = filled.counts
        self.outOfRange = filled.outOfRange
        self.sampleCount = binning.sampleCount
    }

    init(axis: HistogramAxis, counts: [Double], outOfRange: OutOfRangeSamples, sampleCount: Int) {
        self.axis = axis
        self.counts = counts
        self.outOfRange = outOfRange
        self.sampleCount = sampleCount
    }

    /// The total weight inside the range.
    public var inRangeWeight: Double { counts.reduce(0, +) }

    /// The probability of each bin: its weight over the weight inside the range (out-of-range
    /// samples are reported in `outOfRange`, not folded into any bin). Throws when no weight fell
    /// inside the range.
    public func probabilities() throws -> [Double] {
        try HistogramNormalization.probabilities(counts, name: "1-D histogram")
    }
}

/// A 2-D histogram of two observables (x, y) frame by frame, optionally weighted per frame.
///
/// `counts` is row-major with x along the rows: counts[ix · yAxis.bins + iy], as NumPy's
/// `histogram2d(x, y)` returns H[ix, iy].
public struct Histogram2D: Sendable, Equatable {
    public let xAxis: HistogramAxis
    public let yAxis: HistogramAxis
    public let counts: [Double]
    /// Samples outside the range of either axis.
    public let outOfRange: OutOfRangeSamples
    public let sampleCount: Int

    public init(x: [[Double]], y: [[Double]], xAxis: HistogramAxis, yAxis: HistogramAxis,
                weights: [[Double]]? = nil) throws {
        let binning = try SampleBinning(x: x, y: y, xAxis: xAxis, yAxis: yAxis, weights: weights,
                                        name: "2-D histogram")
        let filled = binning.fill(segments: binning.allSegments)
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.counts = filled.counts
        self.outOfRange = filled.outOfRange
        self.sampleCount = binning.sampleCount
    }

    init(xAxis: HistogramAxis, yAxis: HistogramAxis, counts: [Double], outOfRange: OutOfRangeSamples,
         sampleCount: Int) {
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.counts = counts
        self.outOfRange = outOfRange
        self.sampleCount = sampleCount
    }

    /// The weight in bin (ix, iy).
    public subscript(ix: Int, iy: Int) -> Double { counts[ix * yAxis.bins + iy] }

    public var inRangeWeight: Double { counts.reduce(0, +) }

    /// Bin probabilities (row-major like `counts`) over the weight inside the range.
    public func probabilities() throws -> [Double] {
        try HistogramNormalization.probabilities(counts, name: "2-D histogram")
    }
}

enum HistogramNormalization {
    static func probabilities(_ counts: [Double], name: String) throws -> [Double] {
        let total = counts.reduce(0, +)
        guard total > 0 else {
            throw KineticsError(.insufficientData, "\(name): no sample fell inside the histogram range; "
                                    + "widen the range or check the data's units")
        }
        return counts.map { $0 / total }
    }
}
