/// Hybrid-36 numbers, the PDB convention for atom serials above 99,999 and residue numbers above
/// 9,999: decimal while the number fits the field, then base 36 with an upper-case first letter
/// ("A0000" = 100,000 in five columns), then base 36 with a lower-case first letter.
/// VMD's hexadecimal serials ("186a0" = 100,000) are read too, when neither reading applies.
enum Hybrid36 {
    /// The number in a field of `width` columns, or nil when the field is blank or unreadable
    /// (MDTraj's "*****" overflow markers, for example).
    static func decode(_ text: String, width: Int) -> Int? {
        let field = text.trimmingCharacters(in: .whitespaces)
        guard let first = field.unicodeScalars.first else { return nil }
        if let decimal = Int(field) { return decimal }
        let power = powerOf36(width - 1)
        let decimalLimit = powerOf10(width)
        if field.unicodeScalars.count == width, ("A" ... "Z").contains(first),
           let value = base36(field, upper: true) {
            return value - 10 * power + decimalLimit
        }
        if field.unicodeScalars.count == width, ("a" ... "z").contains(first),
           let value = base36(field, upper: false) {
            return value + 16 * power + decimalLimit
        }
        return Int(field, radix: 16)
    }

    /// The field text for `value` in `width` columns (right-aligned decimal when it fits), or nil
    /// beyond the hybrid-36 range.
    static func encode(_ value: Int, width: Int) -> String? {
        let decimalLimit = powerOf10(width)
        let negativeLimit = -powerOf10(width - 1)
        if value < decimalLimit && value > negativeLimit {
            let text = String(value)
            let padding = width - text.utf8.count
            return padding > 0 ? String(repeating: " ", count: padding) + text : text
        }
        guard value >= decimalLimit else { return nil }
        let power = powerOf36(width - 1)
        var rest = value - decimalLimit
        if rest < 26 * power { return digits36(rest + 10 * power, width: width, upper: true) }
        rest -= 26 * power
        if rest < 26 * power { return digits36(rest + 10 * power, width: width, upper: false) }
        return nil
    }

    private static func base36(_ text: String, upper: Bool) -> Int? {
        var value = 0
        for scalar in text.unicodeScalars {
            let digit: Int
            switch scalar {
            case "0" ... "9": digit = Int(scalar.value) - 48
            case "A" ... "Z" where upper: digit = Int(scalar.value) - 55
            case "a" ... "z" where !upper: digit = Int(scalar.value) - 87
            default: return nil
            }
            value = value * 36 + digit
        }
        return value
    }

    private static func digits36(_ value: Int, width: Int, upper: Bool) -> String {
        let alphabet = Array(upper ? "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "0123456789abcdefghijklmnopqrstuvwxyz")
        var characters = [Character](repeating: "0", count: width)
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            characters[index] = alphabet[rest % 36]
            rest /= 36
        }
        return String(characters)
    }

    private static func powerOf10(_ exponent: Int) -> Int {
        var value = 1
        for _ in 0 ..< exponent { value *= 10 }
        return value
    }

    private static func powerOf36(_ exponent: Int) -> Int {
        var value = 1
        for _ in 0 ..< exponent { value *= 36 }
        return value
    }
}
