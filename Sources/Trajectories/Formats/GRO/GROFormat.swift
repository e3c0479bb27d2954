/// The GRO format's fixed parts: the atom-line columns, the title's time and step, the box line.
///
/// An atom line is residue number (5 columns), residue name (5), atom name (5), atom number (5),
/// then x, y, z in nm and optionally vx, vy, vz in nm/ps, all in fields of one width. GROMACS
/// writes %8.3f positions and %8.4f velocities by default and infers the width from the distance
/// between the first two decimal points, so that %10.5f/%10.6f files keep more digits; lss reads
/// and writes them the same way.
enum GROFormat {
    /// Columns before the coordinates.
    static let coordinateStart = 20

    /// The coordinate field width from the first atom line: the distance between the decimal
    /// points of x and y, which must equal that between y and z.
    static func fieldWidth(_ line: LineBytes, path: String, lineNumber: Int) throws -> Int {
        var points: [Int] = []
        var column = coordinateStart
        while column < line.count && points.count < 3 {
            if line[column] == UInt8(ascii: ".") { points.append(column) }
            column += 1
        }
        guard points.count == 3 else {
            throw TrajectoryError(.malformed, path: path,
                                  "line \(lineNumber): the first atom line needs x, y, z with decimal points after column 20; found '\(ColumnFields.string(line))'")
        }
        let width = points[1] - points[0]
        guard width >= 5, points[2] - points[1] == width else {
            throw TrajectoryError(.malformed, path: path,
                                  "line \(lineNumber): the decimal points of x, y, z are not evenly spaced, so the field width cannot be inferred")
        }
        return width
    }

    /// The number after "t=" and "step=" in a title line, when present (GROMACS writes
    /// "Protein t=   10.00000 step= 5000").
    static func timeAndStep(_ title: LineBytes) -> (time: Double?, step: Int?) {
        (value(after: "t=", in: title).flatMap { ColumnFields.double(title, $0.lowerBound, $0.upperBound) },
         value(after: "step=", in: title).flatMap { ColumnFields.integer(title, $0.lowerBound, $0.upperBound) })
    }

    /// The columns of the word after `key`, where `key` starts the line or follows a blank.
    private static func value(after key: StaticString, in line: LineBytes) -> Range<Int>? {
        let keyLength = key.utf8CodeUnitCount
        let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: keyLength)
        var index = 0
        while index + keyLength <= line.count {
            let startsWord = index == 0 || ColumnFields.isSpace(line[index - 1])
            if startsWord && (0 ..< keyLength).allSatisfy({ line[index + $0] == keyBytes[$0] }) {
                var begin = index + keyLength
                while begin < line.count, ColumnFields.isSpace(line[begin]) { begin += 1 }
                var end = begin
                while end < line.count, !ColumnFields.isSpace(line[end]) { end += 1 }
                return end > begin ? begin ..< end : nil
            }
            index += 1
        }
        return nil
    }

    /// The box line: three numbers (rectangular) or nine, in GROMACS's order v1(x) v2(y) v3(z)
    /// v1(y) v1(z) v2(x) v2(z) v3(x) v3(y). An all-zero (or degenerate) box means none.
    static func box(_ line: LineBytes, path: String, lineNumber: Int, frame: Int) throws -> Box? {
        let words = ColumnFields.words(line)
        var values: [Double] = []
        for word in words {
            guard let value = ColumnFields.double(line, word.lowerBound, word.upperBound), value.isFinite else {
                values = []
                break
            }
            values.append(value)
        }
        guard values.count == 3 || values.count == 9 else {
            throw TrajectoryError(.malformed, path: path, frame: frame,
                                  "line \(lineNumber): the box line needs 3 or 9 numbers; found '\(ColumnFields.string(line))'")
        }
        let box = values.count == 3
            ? Box(rectangular: values[0], values[1], values[2])
            : Box(a: [values[0], values[3], values[4]], b: [values[5], values[1], values[6]],
                  c: [values[7], values[8], values[2]])
        // GROMACS writes zeros for a system without a cell; a degenerate cell is no cell either.
        return box.isValid ? box : nil
    }

    /// The nine GROMACS box numbers of a box, or three when it is rectangular.
    static func boxNumbers(_ box: Box?) -> [Double] {
        guard let box else { return [0, 0, 0] }
        if box.isRectangular { return [box.a.x, box.b.y, box.c.z] }
        return [box.a.x, box.b.y, box.c.z, box.a.y, box.a.z, box.b.x, box.b.z, box.c.x, box.c.y]
    }
}

/// Numbers that GRO writes modulo 100,000 (residue and atom numbers), read back in order: a drop
/// from the top of the range to the bottom is a wrap, not a restart.
struct GROWrappedCounter {
    private var offset = 0
    private var previous: Int?

    mutating func unwrap(_ raw: Int) -> Int {
        if let previous, previous - raw > 50_000 { offset += 100_000 }
        previous = raw
        return raw + offset
    }
}
