import Foundation

/// Text for numbers: tick labels without floating-point noise and compact SVG coordinates.
enum NumberText {
    /// A tick label for `value` on an axis whose labelled ticks are `step` apart (a 1-2-5 step).
    /// The number of decimals follows the step, so 3 × 0.1 prints as "0.3", never
    /// "0.30000000000000004". `scientific` writes m×10ⁿ, used when the axis reaches 10⁵ or stays
    /// below 10⁻³. Negative numbers use the typographic minus sign U+2212.
    static func tick(_ value: Double, step: Double, scientific: Bool) -> String {
        guard value.isFinite, step.isFinite, step > 0 else { return "" }
        if abs(value) < step * 1e-6 { return "0" }
        if !scientific {
            return withMinus(String(format: "%.*f", decimals(for: step), value))
        }
        let exponent = Int(floor(log10(abs(value)) + 1e-9))
        let scale = pow(10.0, Double(exponent))
        let mantissa = value / scale
        let digits = min(6, decimals(for: step / scale))
        var text = String(format: "%.*f", digits, mantissa)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return power(mantissa: text, exponent: exponent)
    }

    /// A label for a tick of a logarithmic axis: plain decimals for 10⁻³ … 10⁴, otherwise 10ⁿ or m×10ⁿ.
    static func logTick(_ value: Double, plain: Bool) -> String {
        guard value.isFinite, value > 0 else { return "" }
        let exponent = Int(floor(log10(value) + 1e-9))
        let scale = pow(10.0, Double(exponent))
        if plain {
            return String(format: "%.*f", max(0, -exponent), value)
        }
        let mantissa = (value / scale).rounded()
        return power(mantissa: String(format: "%.0f", mantissa), exponent: exponent)
    }

    /// Decimals needed to show multiples of `step` exactly (a 1-2-5 step has one significant digit).
    static func decimals(for step: Double) -> Int {
        max(0, -Int(floor(log10(step) + 1e-9)))
    }

    /// "10ⁿ" for a mantissa of 1, otherwise "m×10ⁿ".
    private static func power(mantissa: String, exponent: Int) -> String {
        let base = "10" + superscript(exponent)
        switch mantissa {
        case "1": return base
        case "-1": return "\u{2212}" + base
        default: return withMinus(mantissa) + "\u{00D7}" + base
        }
    }

    private static func superscript(_ exponent: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var text = exponent < 0 ? "⁻" : ""
        for digit in String(abs(exponent)) {
            text.append(digits[Int(String(digit)) ?? 0])
        }
        return text
    }

    private static func withMinus(_ text: String) -> String {
        text.hasPrefix("-") ? "\u{2212}" + text.dropFirst() : text
    }

    /// A pixel coordinate with at most two decimals and no trailing zeros ("12.5", "-3", "0.07").
    /// Callers pass finite values inside the drawing (clipped before); anything else is clamped so
    /// the SVG never holds "nan" or "inf".
    static func coordinate(_ value: Double) -> String {
        let clamped = value.isFinite ? min(max(value, -1e7), 1e7) : 0
        let hundredths = Int((clamped * 100).rounded())
        if hundredths == 0 { return "0" }
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return fraction < 10 ? "\(sign)\(whole).0\(fraction)" : "\(sign)\(whole).\(fraction)"
    }
}
