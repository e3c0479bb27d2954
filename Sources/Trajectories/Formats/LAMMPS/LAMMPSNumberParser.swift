#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses numbers straight from a dump's bytes, without making Strings.
///
/// Doubles take a fast path for the forms LAMMPS prints (%g, %f, %e with at most 19 significant
/// digits and a decimal exponent within ±22): the digits are gathered into an integer, which is
/// exact below 2^53, and scaled by one exact power of ten, so the single rounding gives the
/// correctly rounded result. Anything else (longer mantissas, large exponents, nan, inf) goes to
/// the C library's strtod.
enum LAMMPSNumberParser {
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The number in bytes[start..<end], or nil when the token is not a number.
    @inline(__always)
    static func double(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var index = start
        var negative = false
        if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0, exponent = 0
        var sawDigit = false, inexact = false
        while index < end, bytes[index] &- 48 < 10 {
            let digit = UInt64(bytes[index] &- 48)
            if significant < 19 {
                mantissa = mantissa * 10 + digit
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                inexact = inexact || digit != 0
            }
            sawDigit = true
            index += 1
        }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, bytes[index] &- 48 < 10 {
                let digit = UInt64(bytes[index] &- 48)
                if significant < 19 {
                    mantissa = mantissa * 10 + digit
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else {
                    inexact = inexact || digit != 0
                }
                sawDigit = true
                index += 1
            }
        }
        guard sawDigit else { return slowDouble(bytes, start, end) }
        if index < end, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < end, bytes[index] &- 48 < 10 else { return nil }
            var written = 0
            while index < end, bytes[index] &- 48 < 10 {
                if written < 100_000 { written = written * 10 + Int(bytes[index] &- 48) }
                index += 1
            }
            exponent += exponentNegative ? -written : written
        }
        guard index == end else { return nil }
        guard !inexact, mantissa < (1 << 53), exponent >= -22, exponent <= 22 else { return slowDouble(bytes, start, end) }
        let magnitude = exponent < 0 ? Double(mantissa) / exactPowersOfTen[-exponent]
                                     : Double(mantissa) * exactPowersOfTen[exponent]
        return negative ? -magnitude : magnitude
    }

    /// strtod on a NUL-terminated copy of the token (at most 63 characters).
    private static func slowDouble(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        guard length > 0, length < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { copy -> Double? in
            guard let base = copy.baseAddress else { return nil }
            for offset in 0 ..< length { base[offset] = CChar(bitPattern: bytes[start + offset]) }
            base[length] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &stop)
            guard let stop, stop == base + length else { return nil }
            return value
        }
    }

    /// The integer in bytes[start..<end], or nil when it is not one or does not fit in Int.
    @inline(__always)
    static func integer(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var index = start
        var negative = false
        if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < end else { return nil }
        var value = 0
        while index < end {
            let digit = bytes[index] &- 48
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return negative ? -value : value
    }
}
