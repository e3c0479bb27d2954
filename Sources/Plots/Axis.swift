import Foundation

/// How data values map onto an axis.
public enum AxisScale: Sendable, Equatable {
    case linear
    /// Base-10 logarithmic. Values ≤ 0 cannot be shown: they are skipped, counted in
    /// `RenderedFigure.omittedNonPositive`, and noted under the panel.
    case log10
}

/// One axis of a panel: a label with its unit, a scale and an optional fixed range.
public struct Axis: Sendable {
    /// What the axis shows, e.g. "lag time τ" or "φ".
    public var label: String
    /// The unit, shown in parentheses after the label ("ps", "kT", "°"); nil for dimensionless.
    public var unit: String?
    public var scale: AxisScale
    /// A fixed range; nil chooses one from the data (with a 5 % margin, none for heatmaps).
    public var range: ClosedRange<Double>?

    public init(_ label: String = "", unit: String? = nil, scale: AxisScale = .linear,
                range: ClosedRange<Double>? = nil) {
        self.label = label
        self.unit = unit
        self.scale = scale
        self.range = range
    }

    /// "label (unit)".
    var title: String {
        guard let unit, !unit.isEmpty else { return label }
        return label.isEmpty ? unit : "\(label) (\(unit))"
    }
}

/// An axis with its range settled: maps data values to a fraction of the axis length.
struct AxisMapping {
    let scale: AxisScale
    let range: ClosedRange<Double>
    private let low: Double
    private let span: Double

    init(scale: AxisScale, range: ClosedRange<Double>) {
        self.scale = scale
        self.range = range
        let a = AxisMapping.transform(range.lowerBound, scale), b = AxisMapping.transform(range.upperBound, scale)
        low = a
        span = b - a
    }

    /// The data value in the scale's own coordinate (log10 for log axes); nil where it cannot be shown.
    static func transform(_ value: Double, _ scale: AxisScale) -> Double {
        switch scale {
        case .linear: return value
        case .log10: return value > 0 ? Foundation.log10(value) : -.infinity
        }
    }

    /// 0 at the start of the range, 1 at its end; nil for NaN, ±∞, or ≤ 0 on a log axis.
    func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        if scale == .log10 && value <= 0 { return nil }
        let result = (AxisMapping.transform(value, scale) - low) / span
        return result.isFinite ? result : nil
    }

    /// The data value at a fraction of the axis.
    func value(atFraction fraction: Double) -> Double {
        let transformed = low + fraction * span
        return scale == .log10 ? pow(10, transformed) : transformed
    }

    /// Whether a value can be placed on this axis at all.
    func accepts(_ value: Double) -> Bool { value.isFinite && (scale == .linear || value > 0) }
}

/// Collects the extent of the data on one axis to choose an automatic range.
struct ExtentCollector {
    let scale: AxisScale
    var low = Double.infinity
    var high = -Double.infinity
    /// Set when a layer (a heatmap) asks for tight limits without a margin.
    var tight = false

    init(scale: AxisScale) { self.scale = scale }

    mutating func add(_ value: Double) {
        guard value.isFinite, scale == .linear || value > 0 else { return }
        low = min(low, value)
        high = max(high, value)
    }

    mutating func add<S: Sequence>(_ values: S) where S.Element == Double {
        for value in values { add(value) }
    }

    /// The explicit range when given, otherwise the data extent with a 5 % margin on each side
    /// (in log space for log axes), widened around a single value and defaulted when empty.
    func resolve(explicit: ClosedRange<Double>?) -> ClosedRange<Double> {
        if let explicit { return explicit }
        guard low <= high else { return scale == .linear ? 0...1 : 1...10 }
        switch scale {
        case .linear:
            if low == high {
                let half = low == 0 ? 1 : abs(low) * 0.1
                return (low - half)...(high + half)
            }
            let margin = tight ? 0 : 0.05 * (high - low)
            return (low - margin)...(high + margin)
        case .log10:
            let a = log10(low), b = log10(high)
            if a == b { return (low / 10.0.squareRoot())...(high * 10.0.squareRoot()) }
            let margin = tight ? 0 : 0.05 * (b - a)
            return pow(10, a - margin)...pow(10, b + margin)
        }
    }
}
