import Foundation

/// Distances between two distributions on the same bins (DESIGN.md §9).
///
/// Inputs are bin weights (counts or probabilities); each is normalized to sum 1 first. Both must
/// have the same bins: for histograms the axes must be equal, for arrays the lengths. For
/// histograms, samples outside the range belong to neither distribution (they are reported in each
/// histogram's `outOfRange`, which a comparison should show next to the distance).
public enum DistributionDistance {
    /// The Jensen-Shannon divergence JSD(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = ½(p + q), with the
    /// natural logarithm and 0 ln 0 = 0 (DESIGN.md §9). Symmetric, 0 for identical distributions,
    /// at most ln 2 (disjoint supports).
    public static func jensenShannon(_ p: [Double], _ q: [Double]) throws -> Double {
        let (a, b) = try normalizedPair(p, q, name: "Jensen-Shannon divergence")
        var sum = 0.0
        for i in a.indices {
            let m = (a[i] + b[i]) / 2
            if a[i] > 0 { sum += a[i] * log(a[i] / m) }
            if b[i] > 0 { sum += b[i] * log(b[i] / m) }
        }
        // Rounding can leave a tiny negative value for identical inputs.
        return max(0, sum / 2)
    }

    /// The total-variation distance ½ Σ |p − q| (DESIGN.md §9), in [0, 1].
    public static func totalVariation(_ p: [Double], _ q: [Double]) throws -> Double {
        let (a, b) = try normalizedPair(p, q, name: "total-variation distance")
        return zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) } / 2
    }

    public static func jensenShannon(_ p: Histogram1D, _ q: Histogram1D) throws -> Double {
        try checkAxes([p.axis], [q.axis])
        return try jensenShannon(p.counts, q.counts)
    }

    public static func totalVariation(_ p: Histogram1D, _ q: Histogram1D) throws -> Double {
        try checkAxes([p.axis], [q.axis])
        return try totalVariation(p.counts, q.counts)
    }

    public static func jensenShannon(_ p: Histogram2D, _ q: Histogram2D) throws -> Double {
        try checkAxes([p.xAxis, p.yAxis], [q.xAxis, q.yAxis])
        return try jensenShannon(p.counts, q.counts)
    }

    public static func totalVariation(_ p: Histogram2D, _ q: Histogram2D) throws -> Double {
        try checkAxes([p.xAxis, p.yAxis], [q.xAxis, q.yAxis])
        return try totalVariation(p.counts, q.counts)
    }

    static func checkAxes(_ a: [HistogramAxis], _ b: [HistogramAxis]) throws {
        guard a == b else {
            throw KineticsError(.mismatch, "the two histograms have different bins (\(a) vs \(b)); "
                                    + "bin both on the same axes, e.g. the reference's range")
        }
    }

    static func normalizedPair(_ p: [Double], _ q: [Double], name: String) throws -> ([Double], [Double]) {
        guard p.count == q.count else {
            throw KineticsError(.mismatch, "\(name): the distributions have \(p.count) and \(q.count) bins; "
                                    + "compare distributions on the same bins")
        }
        guard !p.isEmpty else {
            throw KineticsError(.invalidArgument, "\(name): the distributions have no bins")
        }
        return (try normalized(p, name: "\(name), first distribution"),
                try normalized(q, name: "\(name), second distribution"))
    }

    static func normalized(_ p: [Double], name: String) throws -> [Double] {
        if let bad = p.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw KineticsError(.invalidArgument, "\(name): bin \(bad) holds \(p[bad]); weights must be finite and ≥ 0")
        }
        let total = p.reduce(0, +)
        guard total > 0 else {
            throw KineticsError(.insufficientData, "\(name): every bin is empty; nothing to compare")
        }
        return p.map { $0 / total }
    }
}
