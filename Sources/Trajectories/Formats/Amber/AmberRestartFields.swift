import Foundation

/// Reading and writing the fixed-width number fields of ASCII AMBER restarts.
enum AmberRestartFields {
    static let width = 12

    /// A number as Fortran writes it (also with a D exponent), or nil.
    static func number<S: StringProtocol>(_ text: S) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        return Double(trimmed) ?? Double(trimmed.replacingOccurrences(of: "D", with: "E").replacingOccurrences(of: "d", with: "e"))
    }

    /// The numbers of one line: fixed 12-character fields, or whitespace-separated when the fixed
    /// reading fails. nil when neither works.
    static func numbers(_ line: Substring) -> [Double]? {
        var end = line.endIndex
        while end > line.startIndex, line[line.index(before: end)] == " " || line[line.index(before: end)] == "\t" {
            end = line.index(before: end)
        }
        let content = line[line.startIndex ..< end]
        var fixed: [Double] = []
        var start = content.startIndex
        var fixedWorks = true
        while start < content.endIndex {
            let stop = content.index(start, offsetBy: width, limitedBy: content.endIndex) ?? content.endIndex
            guard let value = number(content[start ..< stop]) else { fixedWorks = false; break }
            fixed.append(value)
            start = stop
        }
        if fixedWorks { return fixed }
        let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let free = words.compactMap { number($0) }
        return free.count == words.count ? free : nil
    }

    /// `atoms` x, y, z triples from consecutive lines (six numbers a line).
    static func triples(_ lines: ArraySlice<Substring>, atoms: Int, firstLine: Int, what: String,
                        path: String) throws -> [SIMD3<Double>] {
        var values: [Double] = []
        values.reserveCapacity(atoms * 3)
        for (offset, line) in lines.enumerated() {
            guard let numbers = numbers(line) else {
                throw TrajectoryError(.malformed, path: path, frame: 0,
                                      "line \(firstLine + offset): \"\(line.prefix(72))\" is not a row of \(what)")
            }
            let expected = min(6, atoms * 3 - values.count)
            guard numbers.count == expected else {
                throw TrajectoryError(.malformed, path: path, frame: 0,
                                      "line \(firstLine + offset): \(numbers.count) \(what) values, expected \(expected) "
                                      + "(\(atoms) atoms need \(atoms * 3) numbers)")
            }
            values += numbers
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw TrajectoryError(.nonFinite, path: path, frame: 0, "atom \(bad / 3) has a non-finite \(what) value")
        }
        return (0 ..< atoms).map { SIMD3(values[3 * $0], values[3 * $0 + 1], values[3 * $0 + 2]) }
    }

    /// The box line: lengths in Å and angles in degrees (90° when only lengths are given).
    static func box(_ line: Substring, line number: Int, path: String) throws -> Box {
        guard let values = numbers(line), values.count == 3 || values.count == 6, values.allSatisfy(\.isFinite) else {
            throw TrajectoryError(.malformed, path: path, frame: 0,
                                  "line \(number): \"\(line.prefix(72))\" is not a box (three lengths and three angles)")
        }
        let lengths = SIMD3(values[0], values[1], values[2]) * 0.1
        let angles = values.count == 6 ? SIMD3(values[3], values[4], values[5]) : SIMD3<Double>(90, 90, 90)
        return Box(lengths: lengths, angles: angles)
    }

    /// For files of one or two atoms: whether the one line after the coordinates is a box.
    static func looksLikeBox(_ line: Substring) -> Bool {
        guard let values = numbers(line), values.count == 6 else { return false }
        return values[0 ..< 3].allSatisfy { $0 > 0 } && values[3 ..< 6].allSatisfy { $0 > 10 && $0 < 170 }
    }

    static func padded(_ text: String, width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// E15.7 as AMBER writes the time: "  0.1000000E+02".
    static func scientific(_ value: Double) -> String {
        padded(String(format: "%.7E", value), width: 15)
    }

    /// Builds the F12.7 lines of the coordinate, velocity and box blocks.
    struct Writer {
        let path: String
        var text = ""

        /// Six numbers a line, two atoms per line.
        mutating func block(_ triples: [SIMD3<Double>], what: String) throws {
            var count = 0
            for triple in triples {
                for value in [triple.x, triple.y, triple.z] {
                    try append(value, what: what)
                    count += 1
                    if count % 6 == 0 { text += "\n" }
                }
            }
            if count % 6 != 0 { text += "\n" }
        }

        mutating func line(_ values: [Double], what: String) throws {
            for value in values { try append(value, what: what) }
            text += "\n"
        }

        /// One F12.7 field. A value that needs more than 12 characters would run into its
        /// neighbour (Fortran would print asterisks), so it is refused.
        private mutating func append(_ value: Double, what: String) throws {
            guard value.isFinite else {
                throw TrajectoryError(.nonFinite, path: path, frame: 0, "a \(what) value is not finite")
            }
            let field = String(format: "%12.7f", value)
            guard field.count == 12 else {
                throw TrajectoryError(.unsupported, path: path, frame: 0,
                                      "the \(what) value \(value) does not fit the F12.7 field of an ASCII restart "
                                      + "(use the NetCDF restart)")
            }
            text += field
        }
    }
}
