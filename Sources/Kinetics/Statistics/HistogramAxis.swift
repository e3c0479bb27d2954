import Foundation

/// One axis of a histogram: the range [lower, upper] cut into `bins` bins of equal width.
///
/// DESIGN.md §9 fixes the defaults that tests, benchmarks and reports share: a 1-D observable is
/// binned over the reference's range in 100 bins (`spanning(_:bins:)`), backbone dihedrals φ/ψ
/// in 36 bins over [-180°, 180°) (`dihedralDegrees()`).
///
/// Bin placement follows NumPy's `histogram` for a plain axis, so counts agree with it sample for
/// sample: bins are half-open [e_i, e_{i+1}) except the last, which also holds `upper`; the edges
/// are e_i = lower + i·(upper − lower)/bins. A value outside [lower, upper] belongs to no bin and
/// is counted as out of range, never dropped silently.
///
/// A periodic axis (angles) first wraps every value into [lower, upper) by whole periods
/// (upper − lower), so 180° falls in the same bin as −180° and no value is ever out of range.
public struct HistogramAxis: Sendable, Equatable {
    public let lower: Double
    public let upper: Double
    public let bins: Int
    public let isPeriodic: Bool

    public init(lower: Double, upper: Double, bins: Int, periodic: Bool = false) throws {
        guard bins > 0 else {
            throw KineticsError(.invalidArgument, "histogram bins must be positive, got \(bins)")
        }
        guard lower.isFinite, upper.isFinite, lower < upper else {
            throw KineticsError(.invalidArgument, "histogram range [\(lower), \(upper)] is empty or not finite; "
                                    + "give finite bounds with lower < upper")
        }
        self.lower = lower
        self.upper = upper
        self.bins = bins
        self.isPeriodic = periodic
    }

    /// The reference's full range [min, max] in `bins` bins (DESIGN.md §9: 100 for a 1-D
    /// observable). Data compared against the reference on this axis and falling outside its range
    /// are counted as out of range.
    public static func spanning(_ reference: [[Double]], bins: Int = 100) throws -> HistogramAxis {
        try SampleValidation.checkSamples(reference, name: "histogram reference range")
        var low = Double.infinity, high = -Double.infinity
        for values in reference { for v in values { low = min(low, v); high = max(high, v) } }
        guard low < high else {
            throw KineticsError(.invalidArgument, "the reference is constant (every value is \(low)), so it spans "
                                    + "no range; give the histogram range explicitly")
        }
        return try HistogramAxis(lower: low, upper: high, bins: bins)
    }

    /// A periodic dihedral axis over [-180°, 180°) (DESIGN.md §9: 36 bins of 10° for φ/ψ).
    public static func dihedralDegrees(bins: Int = 36) throws -> HistogramAxis {
        try HistogramAxis(lower: -180, upper: 180, bins: bins, periodic: true)
    }

    /// A periodic dihedral axis over [-π, π) (the unit MDTraj and the featurizers return).
    public static func dihedralRadians(bins: Int = 36) throws -> HistogramAxis {
        try HistogramAxis(lower: -Double.pi, upper: Double.pi, bins: bins, periodic: true)
    }

    public var binWidth: Double { (upper - lower) / Double(bins) }

    /// The bins + 1 edges, computed as NumPy's `linspace` does (the last is exactly `upper`).
    public var edges: [Double] {
        let step = (upper - lower) / Double(bins)
        return (0...bins).map { $0 == bins ? upper : Double($0) * step + lower }
    }

    /// The midpoint of every bin.
    public var centers: [Double] {
        let e = edges
        return (0..<bins).map { (e[$0] + e[$0 + 1]) / 2 }
    }

    /// The bin of `value`: 0..<bins inside the range, −1 below it, `bins` above it. NaN is above.
    @inline(__always)
    public func binIndex(of value: Double) -> Int {
        var x = value
        if isPeriodic {
            let period = upper - lower
            x -= period * ((x - lower) / period).rounded(.down)
            if x >= upper || x < lower { x = lower }  // rounding at the seam
        } else {
            if x < lower { return -1 }
            if !(x <= upper) { return bins }
        }
        // NumPy's rule: the scaled offset truncated, then corrected against the linspace edges.
        let step = (upper - lower) / Double(bins)
        var i = Int((x - lower) * (Double(bins) / (upper - lower)))
        if i >= bins { i = bins - 1 }
        if x < Double(i) * step + lower { i -= 1 }
        if i < bins - 1 && x >= Double(i + 1) * step + lower { i += 1 }
        return i
    }
}
