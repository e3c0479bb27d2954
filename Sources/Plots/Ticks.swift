import Foundation

/// Tick positions and labels for one axis.
///
/// Linear axes get "nice" 1-2-5 steps (after Heckbert, "Nice numbers for graph labels", Graphics
/// Gems, 1990): the smallest step of the form {1, 2, 5} × 10ᵏ that puts at most `targetCount` ticks
/// in the range (but at least two), e.g. [0, 834] → 0, 200, 400, 600, 800. Logarithmic axes get one label per decade, thinned when
/// there are many decades; a range of less than about two decades also labels 2 × and 5 × 10ᵏ; a
/// range inside one decade falls back to linear nice ticks. Labels carry no floating-point noise.
public struct Ticks: Sendable, Equatable {
    /// Labelled tick positions, ascending, all inside the range.
    public var values: [Double]
    /// One label per value.
    public var labels: [String]
    /// Unlabelled minor tick positions (log axes: the other multiples 2…9 × 10ᵏ).
    public var minor: [Double]

    public init(values: [Double], labels: [String], minor: [Double] = []) {
        self.values = values
        self.labels = labels
        self.minor = minor
    }

    /// Ticks for `range` on `scale`. A log range must be positive; an empty range gets one tick.
    public static func make(for range: ClosedRange<Double>, scale: AxisScale, targetCount: Int = 6) -> Ticks {
        switch scale {
        case .linear: return linear(range, targetCount: targetCount)
        case .log10: return logarithmic(range, targetCount: targetCount)
        }
    }

    /// Nice 1-2-5 ticks for a linear axis.
    public static func linear(_ range: ClosedRange<Double>, targetCount: Int = 6) -> Ticks {
        let low = range.lowerBound, high = range.upperBound
        guard low.isFinite, high.isFinite else { return Ticks(values: [], labels: []) }
        guard high > low else {
            return Ticks(values: [low], labels: [NumberText.tick(low, step: max(abs(low), 1), scientific: false)])
        }
        guard let (mantissa, exponent) = bestStep(low: low, high: high, targetCount: targetCount) else {
            return Ticks(values: [], labels: [])
        }
        let step = Double(mantissa) * pow(10, Double(exponent))
        let first = Int64((low / step - 1e-9).rounded(.up))
        let last = Int64((high / step + 1e-9).rounded(.down))
        // k · m / 10^(-e) is the correctly rounded decimal for negative exponents (3 · 1 / 10 == 0.3).
        let values = (first...last).map { k -> Double in
            exponent < 0 ? Double(k * Int64(mantissa)) / pow(10, Double(-exponent))
                         : Double(k * Int64(mantissa)) * pow(10, Double(exponent))
        }
        let largest = values.map(abs).max() ?? 0
        let scientific = largest >= 1e5 || (largest > 0 && largest < 1e-3)
        let labels = values.map { NumberText.tick($0, step: step, scientific: scientific) }
        return Ticks(values: values, labels: labels)
    }

    /// Decade ticks for a log10 axis (see the type's documentation).
    public static func logarithmic(_ range: ClosedRange<Double>, targetCount: Int = 6) -> Ticks {
        let low = range.lowerBound, high = range.upperBound
        guard low > 0, low.isFinite, high.isFinite, high >= low else { return Ticks(values: [], labels: []) }
        let a = log10(low), b = log10(high)
        let firstDecade = Int((a - 1e-9).rounded(.up)), lastDecade = Int((b + 1e-9).rounded(.down))
        let decadeCount = max(0, lastDecade - firstDecade + 1)
        let inRange = { (value: Double) in value >= low * (1 - 1e-9) && value <= high * (1 + 1e-9) }
        let multiples = { (factors: [Double]) -> [Double] in
            (firstDecade - 1...lastDecade + 1).flatMap { k in factors.map { $0 * pow(10, Double(k)) } }
                .filter(inRange)
        }

        if decadeCount >= 3 {
            let every = max(1, Int((Double(decadeCount) / Double(max(2, targetCount))).rounded(.up)))
            let labelled = (firstDecade...lastDecade).filter { $0 % every == 0 }
            let values = labelled.map { pow(10, Double($0)) }
            let minor: [Double]
            if every == 1 {
                minor = b - a <= 8 ? multiples([2, 3, 4, 5, 6, 7, 8, 9]) : []
            } else {
                minor = (firstDecade...lastDecade).filter { $0 % every != 0 }.map { pow(10, Double($0)) }
            }
            return Ticks(values: values, labels: logLabels(values), minor: minor)
        }
        let oneTwoFive = multiples([1, 2, 5])
        if oneTwoFive.count >= 3 {
            return Ticks(values: oneTwoFive, labels: logLabels(oneTwoFive), minor: multiples([3, 4, 6, 7, 8, 9]))
        }
        return linear(range, targetCount: targetCount)
    }

    /// The smallest 1-2-5 step that puts at most `targetCount` ticks in [low, high], but never one
    /// that leaves fewer than two (then the next smaller step, at most five ticks).
    static func bestStep(low: Double, high: Double, targetCount: Int) -> (mantissa: Int, exponent: Int)? {
        let target = max(2, targetCount)
        var (mantissa, exponent) = niceStep(atLeast: (high - low) / Double(4 * target))
        var previous: (Int, Int)? = nil
        for _ in 0..<40 {
            let step = Double(mantissa) * pow(10, Double(exponent))
            let count = (high / step + 1e-9).rounded(.down) - (low / step - 1e-9).rounded(.up) + 1
            if count <= Double(target) {
                return count >= 2 ? (mantissa, exponent) : (previous ?? (mantissa, exponent))
            }
            previous = (mantissa, exponent)
            switch mantissa {
            case 1: mantissa = 2
            case 2: mantissa = 5
            default: mantissa = 1; exponent += 1
            }
        }
        return nil
    }

    /// The smallest {1, 2, 5} × 10^exponent that is at least `raw`.
    static func niceStep(atLeast raw: Double) -> (mantissa: Int, exponent: Int) {
        guard raw.isFinite, raw > 0 else { return (1, 0) }
        var exponent = Int(floor(log10(raw)))
        let fraction = raw / pow(10, Double(exponent))
        let mantissa: Int
        if fraction <= 1 + 1e-9 { mantissa = 1 }
        else if fraction <= 2 + 1e-9 { mantissa = 2 }
        else if fraction <= 5 + 1e-9 { mantissa = 5 }
        else { mantissa = 1; exponent += 1 }
        return (mantissa, exponent)
    }

    private static func logLabels(_ values: [Double]) -> [String] {
        let plain = values.allSatisfy { $0 >= 1e-3 * (1 - 1e-9) && $0 <= 1e4 * (1 + 1e-9) }
        return values.map { NumberText.logTick($0, plain: plain) }
    }
}
