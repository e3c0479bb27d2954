import Foundation

/// F = −kT ln p on a grid of bins with block-averaged standard errors: the computation shared by
/// `FreeEnergyProfile` (1-D) and `FreeEnergySurface` (2-D).
///
/// - The reported F comes from all the data, shifted so that its minimum is 0.
/// - Errors (DESIGN.md §9: five blocks for MD): the data are cut into contiguous blocks
///   (`BlockSplit`); in each block F_b = −kT ln p_b with p_b normalized within the block. The
///   normalization fixes each block's additive constant, so no per-block shift is chosen by hand;
///   the standard error is sd(F_b) / √blocks (divisor blocks − 1).
/// - A bin with no weight in all the data has F = +∞ and is counted in `unvisitedBins`. A bin
///   that is empty in some but not all blocks has a finite F but standard error +∞ (its block
///   estimate is infinite, so no finite error can be stated); `binsMissingFromSomeBlock` counts
///   them and `blocksVisiting` says how many blocks saw each bin. No NaN is ever produced.
struct BinnedFreeEnergy {
    var values: [Double]
    var standardErrors: [Double]
    var blocksVisiting: [Int]
    var counts: [Double]
    var outOfRange: OutOfRangeSamples

    init(binning: SampleBinning, kT: Double, blocks: Int, split: BlockSplit, name: String) throws {
        try ThermalEnergy.check(kT)
        guard blocks >= 2 else {
            throw KineticsError(.invalidArgument, "\(name): blocks must be at least 2 to give standard errors, got \(blocks)")
        }
        let lengths = binning.lengths
        let blockSegments = split.segments(lengths: lengths, blocks: blocks)
        let bins = binning.binCount
        var total = [Double](repeating: 0, count: bins)
        var outOfRange = OutOfRangeSamples()
        var blockF = [[Double]]()
        for (k, segments) in blockSegments.enumerated() {
            let filled = binning.fill(segments: segments)
            let weight = filled.counts.reduce(0, +)
            guard weight > 0 else {
                throw KineticsError(.insufficientData, "\(name): block \(k + 1) of \(blocks) has no weight inside the "
                                        + "histogram range (too few frames or all out of range); use fewer blocks or more data")
            }
            for i in 0..<bins { total[i] += filled.counts[i] }
            outOfRange.count += filled.outOfRange.count
            outOfRange.weight += filled.outOfRange.weight
            blockF.append(filled.counts.map { $0 > 0 ? -kT * Foundation.log($0 / weight) : .infinity })
        }
        let weight = total.reduce(0, +)
        guard weight > 0 else {
            throw KineticsError(.insufficientData, "\(name): no sample fell inside the histogram range; "
                                    + "widen the range or check the data's units")
        }
        var f = total.map { $0 > 0 ? -kT * Foundation.log($0 / weight) : Double.infinity }
        let minimum = f.min() ?? 0
        for i in 0..<bins { f[i] -= minimum }

        var errors = [Double](repeating: .infinity, count: bins)
        var visiting = [Int](repeating: 0, count: bins)
        for i in 0..<bins {
            let perBlock = blockF.map { $0[i] }
            visiting[i] = perBlock.count { $0.isFinite }
            if visiting[i] == blocks { errors[i] = BlockAverage.standardErrorOfMean(perBlock) }
        }
        self.values = f
        self.standardErrors = errors
        self.blocksVisiting = visiting
        self.counts = total
        self.outOfRange = outOfRange
    }
}
