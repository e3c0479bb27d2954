import Foundation

/// A line of a text file as bytes (a view into `ColumnTextReader`'s buffer).
typealias LineBytes = UnsafeBufferPointer<UInt8>

/// Decoding of fixed columns and whitespace-separated fields of a text line, without allocating
/// for numbers. Column ranges are zero-based and half-open, and are clamped to the line, so a
/// short line yields empty fields rather than a trap.
enum ColumnFields {
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// The bytes of columns [from, to) that exist in the line.
    @inline(__always) static func clamp(_ line: LineBytes, _ from: Int, _ to: Int) -> Range<Int> {
        let lower = min(max(from, 0), line.count)
        return lower ..< max(lower, min(to, line.count))
    }

    /// Columns [from, to) as a string with surrounding blanks removed.
    static func text(_ line: LineBytes, _ from: Int, _ to: Int) -> String {
        var range = clamp(line, from, to)
        while let first = range.first, isSpace(line[first]) { range = (first + 1) ..< range.upperBound }
        while let last = range.last, isSpace(line[last]) { range = range.lowerBound ..< last }
        return String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
    }

    /// Columns [from, to) exactly as written, padded with spaces when the line is shorter.
    static func rawText(_ line: LineBytes, _ from: Int, _ to: Int) -> String {
        let range = clamp(line, from, to)
        var text = String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
        if range.count < to - from { text += String(repeating: " ", count: to - from - range.count) }
        return text
    }

    static func isBlank(_ line: LineBytes, _ from: Int, _ to: Int) -> Bool {
        clamp(line, from, to).allSatisfy { isSpace(line[$0]) }
    }

    static func hasPrefix(_ line: LineBytes, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard line.count >= count else { return false }
        let bytes = prefix.utf8Start
        for index in 0 ..< count where line[index] != bytes[index] { return false }
        return true
    }

    /// A byte-by-byte comparison of columns [from, to) of two lines (missing columns read as blanks).
    static func sameColumns(_ a: LineBytes, _ b: [UInt8], _ from: Int, _ to: Int) -> Bool {
        for column in from ..< to {
            let x = column < a.count ? a[column] : space
            let y = column < b.count ? b[column] : space
            if x != y { return false }
        }
        return true
    }

    /// The integer in columns [from, to) (blanks around it allowed), or nil when blank, not an
    /// integer, or out of range.
    static func integer(_ line: LineBytes, _ from: Int, _ to: Int) -> Int? {
        var range = clamp(line, from, to)
        while let first = range.first, isSpace(line[first]) { range = (first + 1) ..< range.upperBound }
        while let last = range.last, isSpace(line[last]) { range = range.lowerBound ..< last }
        guard var index = range.first else { return nil }
        var negative = false
        if line[index] == UInt8(ascii: "-") || line[index] == UInt8(ascii: "+") {
            negative = line[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < range.upperBound else { return nil }
        var value = 0
        while index < range.upperBound {
            let digit = Int(line[index]) - 48
            guard digit >= 0 && digit <= 9 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(digit)
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return negative ? -value : value
    }

    /// The decimal number in columns [from, to) ("-1.234", "5.0E-01", Fortran's "1.0D+00"), or nil
    /// when blank or not a number. Exact (correctly rounded) for up to 15 significant digits with
    /// a decimal exponent within ±22, which covers every fixed-column format; longer numbers go
    /// through the C library's `strtod`.
    static func double(_ line: LineBytes, _ from: Int, _ to: Int) -> Double? {
        var range = clamp(line, from, to)
        while let first = range.first, isSpace(line[first]) { range = (first + 1) ..< range.upperBound }
        while let last = range.last, isSpace(line[last]) { range = range.lowerBound ..< last }
        guard !range.isEmpty else { return nil }
        var index = range.lowerBound
        let stop = range.upperBound
        var negative = false
        if line[index] == UInt8(ascii: "-") || line[index] == UInt8(ascii: "+") {
            negative = line[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0, fractionDigits = 0, digits = 0
        var seenPoint = false
        while index < stop {
            let byte = line[index]
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if byte >= 48 && byte <= 57 {
                digits += 1
                if seenPoint { fractionDigits += 1 }
                if mantissa != 0 || byte != 48 { significantDigits += 1 }
                if significantDigits <= 19 { mantissa = mantissa &* 10 &+ UInt64(byte - 48) }
            } else {
                break
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        var exponent = 0
        if index < stop {
            let marker = line[index] | 0x20
            guard marker == UInt8(ascii: "e") || marker == UInt8(ascii: "d") else { return nil }
            index += 1
            guard let value = integerRun(line, &index, stop), index == stop else { return nil }
            exponent = value
        }
        if significantDigits <= 15 {
            let power = exponent - fractionDigits
            var value = Double(mantissa)
            if power >= 0 && power <= 22 {
                value *= powersOfTen[power]
                return negative ? -value : value
            } else if power < 0 && power >= -22 {
                value /= powersOfTen[-power]
                return negative ? -value : value
            }
        }
        return slowDouble(line, range)
    }

    /// The signed integer starting at `index` (an exponent), advancing `index` past it.
    private static func integerRun(_ line: LineBytes, _ index: inout Int, _ stop: Int) -> Int? {
        var negative = false
        if index < stop, line[index] == UInt8(ascii: "-") || line[index] == UInt8(ascii: "+") {
            negative = line[index] == UInt8(ascii: "-")
            index += 1
        }
        var value = 0, digits = 0
        while index < stop, line[index] >= 48 && line[index] <= 57 {
            if value < 100_000 { value = value * 10 + Int(line[index] - 48) }
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    private static func slowDouble(_ line: LineBytes, _ range: Range<Int>) -> Double? {
        var text = String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
        text = String(text.map { $0 == "d" || $0 == "D" ? "e" : $0 })
        return Double(text)
    }

    static let powersOfTen: [Double] = (0 ... 22).map { exponent in
        var value = 1.0
        for _ in 0 ..< exponent { value *= 10 }
        return value
    }

    /// True when columns [from, to) spell NaN or infinity ("nan", "-inf", "Infinity"), so that a
    /// reader can report `.nonFinite` instead of a malformed number.
    static func spellsNonFinite(_ line: LineBytes, _ from: Int, _ to: Int) -> Bool {
        let word = text(line, from, to).lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
        return word == "nan" || word == "inf" || word == "infinity" || word.hasPrefix("nan(")
            || (Double(word).map { !$0.isFinite } ?? false)
    }

    /// The whitespace-separated fields of a line, as column ranges.
    static func words(_ line: LineBytes) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < line.count {
            while index < line.count, isSpace(line[index]) { index += 1 }
            let begin = index
            while index < line.count, !isSpace(line[index]) { index += 1 }
            if index > begin { ranges.append(begin ..< index) }
        }
        return ranges
    }

    /// A whole line as a string (for messages and header lines).
    static func string(_ line: LineBytes) -> String { String(decoding: line, as: UTF8.self) }
}
