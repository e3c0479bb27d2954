import Foundation

/// Appends numbers as C's `%W.Df` would print them, into a byte buffer, without a Foundation
/// call per value (writing a large PDB or GRO file formats millions of numbers).
///
/// The digits are those of the exactly rounded decimal value, as printf gives them: the value is
/// scaled by 10^D and rounded, and the rare values whose scaled fraction lies so near one half
/// that the multiplication's rounding error could tip the decision go through `String(format:)`.
enum FixedDecimalFormatter {
    /// Appends `value` right-aligned in `width` columns with `decimals` digits after the point.
    /// Returns false, appending nothing, when the value is not finite or needs more than `width`
    /// columns (the caller reports the overflow).
    @discardableResult
    static func append(_ value: Double, width: Int, decimals: Int, to buffer: inout [UInt8]) -> Bool {
        guard value.isFinite, decimals >= 0, decimals <= 15 else { return false }
        let negative = value.sign == .minus
        let scaled = abs(value) * ColumnFields.powersOfTen[decimals]
        guard scaled < 4.0e15 else { return appendThroughPrintf(value, width: width, decimals: decimals, to: &buffer) }
        let floor = scaled.rounded(.down)
        let fraction = scaled - floor
        // The product's rounding error is at most half an ulp of `scaled`; a fraction that close to
        // 0.5 could round either way, so the exact decimal expansion decides.
        if abs(fraction - 0.5) <= scaled.ulp * 2 {
            return appendThroughPrintf(value, width: width, decimals: decimals, to: &buffer)
        }
        let units = UInt64(floor) + (fraction > 0.5 ? 1 : 0)
        let unitsPerOne = integerPowersOfTen[decimals]
        let integerPart = units / unitsPerOne
        var integerDigits = 1
        var rest = integerPart
        while rest >= 10 { rest /= 10; integerDigits += 1 }
        let length = (negative ? 1 : 0) + integerDigits + (decimals > 0 ? decimals + 1 : 0)
        guard length <= width else { return false }
        for _ in 0 ..< (width - length) { buffer.append(ColumnFields.space) }
        if negative { buffer.append(UInt8(ascii: "-")) }
        appendDigits(integerPart, count: integerDigits, to: &buffer)
        if decimals > 0 {
            buffer.append(UInt8(ascii: "."))
            appendDigits(units % unitsPerOne, count: decimals, to: &buffer)
        }
        return true
    }

    /// Appends exactly `count` decimal digits of `value` (with leading zeros).
    @inline(__always)
    private static func appendDigits(_ value: UInt64, count: Int, to buffer: inout [UInt8]) {
        let first = buffer.count
        for _ in 0 ..< count { buffer.append(48) }
        var rest = value
        var index = first + count - 1
        while index >= first {
            buffer[index] = UInt8(48 + rest % 10)
            rest /= 10
            index -= 1
        }
    }

    private static let integerPowersOfTen: [UInt64] = (0 ... 18).map { exponent in
        var value: UInt64 = 1
        for _ in 0 ..< exponent { value *= 10 }
        return value
    }

    private static func appendThroughPrintf(_ value: Double, width: Int, decimals: Int,
                                            to buffer: inout [UInt8]) -> Bool {
        let text = String(format: "%\(width).\(decimals)f", value)
        guard text.utf8.count <= width else { return false }
        buffer.append(contentsOf: Array(text.utf8))
        return true
    }

    /// Appends `text` left-aligned (padded with spaces, cut at `width`).
    static func appendLeft(_ text: String, width: Int, to buffer: inout [UInt8]) {
        let bytes = Array(text.utf8.prefix(width))
        buffer.append(contentsOf: bytes)
        for _ in bytes.count ..< width { buffer.append(ColumnFields.space) }
    }

    /// Appends `text` right-aligned (padded with spaces, cut at `width`).
    static func appendRight(_ text: String, width: Int, to buffer: inout [UInt8]) {
        let bytes = Array(text.utf8.prefix(width))
        for _ in bytes.count ..< width { buffer.append(ColumnFields.space) }
        buffer.append(contentsOf: bytes)
    }

    /// Appends an integer right-aligned in `width` columns (C's `%Wd`; wider values are not cut).
    static func appendInteger(_ value: Int, width: Int, to buffer: inout [UInt8]) {
        appendRight(String(value), width: max(width, String(value).utf8.count), to: &buffer)
    }
}
