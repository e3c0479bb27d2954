/// A 1-D free-energy profile F(x) = −kT ln p(x) with block-averaged standard errors.
///
/// F is shifted so that its minimum is 0; unvisited bins are +∞ and counted; errors come from
/// contiguous blocks (DESIGN.md §9: five blocks for MD) as described in `BlockSplit` and below.
/// Per-frame weights make it a reweighted (e.g. MSM-weighted) profile (DESIGN.md §4).
///
/// Error convention: in each block F_b = −kT ln p_b with p_b normalized within the block, and the
/// standard error is sd(F_b)/√blocks. A bin empty in any block has standard error +∞
/// (`binsMissingFromSomeBlock` counts those, `blocksVisiting` gives the number of blocks that saw
/// each bin).
public struct FreeEnergyProfile: Sendable, Equatable {
    public let axis: HistogramAxis
    /// The thermal energy used; F is in its unit (kJ/mol, or kT when kT = 1).
    public let kT: Double
    /// F per bin, minimum 0, +∞ where no sample fell.
    public let values: [Double]
    /// The block standard error per bin; +∞ where F is +∞ or some block missed the bin.
    public let standardErrors: [Double]
    /// How many blocks had weight in each bin.
    public let blocksVisiting: [Int]
    public let blocks: Int
    public let split: BlockSplit
    /// The histogram of all the data behind `values`.
    public let histogram: Histogram1D

    /// The profile of `trajectories` on `axis` at thermal energy `kT`.
    public init(_ trajectories: [[Double]], axis: HistogramAxis, kT: Double, weights: [[Double]]? = nil,
                blocks: Int = 5, split: BlockSplit = .concatenated) throws {
        let binning = try SampleBinning(x: trajectories, y: nil, xAxis: axis, yAxis: nil, weights: weights,
                                        name: "free-energy profile")
        let estimate = try BinnedFreeEnergy(binning: binning, kT: kT, blocks: blocks, split: split,
                                            name: "free-energy profile")
        self.axis = axis
        self.kT = kT
        self.values = estimate.values
        self.standardErrors = estimate.standardErrors
        self.blocksVisiting = estimate.blocksVisiting
        self.blocks = blocks
        self.split = split
        self.histogram = Histogram1D(axis: axis, counts: estimate.counts, outOfRange: estimate.outOfRange,
                                     sampleCount: binning.sampleCount)
    }

    /// Bins where no sample fell (F = +∞).
    public var unvisitedBins: Int { values.count { $0 == .infinity } }
    /// Visited bins that some block missed (finite F, standard error +∞).
    public var binsMissingFromSomeBlock: Int {
        values.indices.count { values[$0].isFinite && standardErrors[$0] == .infinity }
    }
}

/// A 2-D free-energy surface F(x, y) = −kT ln p(x, y) with block-averaged standard errors, with
/// the conventions of `FreeEnergyProfile`. Arrays are row-major with x along the rows:
/// index ix · yAxis.bins + iy (NumPy's histogram2d layout).
public struct FreeEnergySurface: Sendable, Equatable {
    public let xAxis: HistogramAxis
    public let yAxis: HistogramAxis
    public let kT: Double
    public let values: [Double]
    public let standardErrors: [Double]
    public let blocksVisiting: [Int]
    public let blocks: Int
    public let split: BlockSplit
    public let histogram: Histogram2D

    /// The surface of the paired series `x`, `y` (frame by frame) at thermal energy `kT`. For φ/ψ
    /// use `HistogramAxis.dihedralDegrees()` on both axes (DESIGN.md §9: 36 × 36 bins).
    public init(x: [[Double]], y: [[Double]], xAxis: HistogramAxis, yAxis: HistogramAxis, kT: Double,
                weights: [[Double]]? = nil, blocks: Int = 5, split: BlockSplit = .concatenated) throws {
        let binning = try SampleBinning(x: x, y: y, xAxis: xAxis, yAxis: yAxis, weights: weights,
                                        name: "free-energy surface")
        let estimate = try BinnedFreeEnergy(binning: binning, kT: kT, blocks: blocks, split: split,
                                            name: "free-energy surface")
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.kT = kT
        self.values = estimate.values
        self.standardErrors = estimate.standardErrors
        self.blocksVisiting = estimate.blocksVisiting
        self.blocks = blocks
        self.split = split
        self.histogram = Histogram2D(xAxis: xAxis, yAxis: yAxis, counts: estimate.counts,
                                     outOfRange: estimate.outOfRange, sampleCount: binning.sampleCount)
    }

    /// F in bin (ix, iy).
    public subscript(ix: Int, iy: Int) -> Double { values[ix * yAxis.bins + iy] }

    public var unvisitedBins: Int { values.count { $0 == .infinity } }
    public var binsMissingFromSomeBlock: Int {
        values.indices.count { values[$0].isFinite && standardErrors[$0] == .infinity }
    }
}
