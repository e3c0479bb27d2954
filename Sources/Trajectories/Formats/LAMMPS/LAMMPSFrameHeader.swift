/// The header of one dump frame: the ITEM blocks before the atom lines.
struct LAMMPSFrameHeader {
    var step: Int
    var time: Double?
    var units: String?
    var atomCount: Int
    var box: LAMMPSBox
    var columns: LAMMPSColumns
}

/// The header fields gathered so far.
private struct LAMMPSFrameHeaderParts {
    var step: Int?
    var time: Double?
    var units: String?
    var atomCount: Int?
    var box: LAMMPSBox?
}

private extension String {
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}

extension LAMMPSFrameHeader {
    /// The ITEM blocks of one frame up to and including the ATOMS line; nil at the end of the file.
    static func read(scanner: LAMMPSLineScanner, path: String, frame: Int) throws -> LAMMPSFrameHeader? {
        var header = LAMMPSFrameHeaderParts()
        var sawItem = false
        func fail(_ problem: String) -> TrajectoryError { TrajectoryError(.malformed, path: path, frame: frame, problem) }
        func valueLine(after item: String) throws -> (text: String, line: Int) {
            let number = scanner.lineNumber
            guard let line = try scanner.nextLine() else { throw fail("the file ends after ITEM: \(item) (truncated)") }
            return (text(UnsafePointer(scanner.bytes), line).trimmingSpaces(), number)
        }
        while true {
            let number = scanner.lineNumber
            guard let range = try scanner.nextLine() else {
                if sawItem { throw fail("the file ends inside the frame's header (truncated)") }
                return nil
            }
            let line = text(UnsafePointer(scanner.bytes), range).trimmingSpaces()
            if line.isEmpty { continue }
            guard line.hasPrefix("ITEM:") else {
                throw fail("line \(number): expected an \"ITEM:\" line, found \"\(line.prefix(60))\""
                    + (frame > 0 ? " (does the previous frame have more atom lines than its NUMBER OF ATOMS?)" : ""))
            }
            sawItem = true
            let item = String(line.dropFirst(5)).trimmingSpaces()
            if item == "TIMESTEP" {
                let (value, line) = try valueLine(after: item)
                guard let step = Int(value) else { throw fail("line \(line): the timestep \"\(value)\" is not an integer") }
                header.step = step
            } else if item == "TIME" {
                let (value, line) = try valueLine(after: item)
                guard let time = Double(value), time.isFinite else { throw fail("line \(line): the time \"\(value)\" is not a number") }
                header.time = time
            } else if item == "UNITS" {
                header.units = try valueLine(after: item).text
            } else if item == "NUMBER OF ATOMS" {
                let (value, line) = try valueLine(after: item)
                guard let atoms = Int(value), atoms > 0 else {
                    throw fail("line \(line): the number of atoms \"\(value)\" is not a positive integer")
                }
                header.atomCount = atoms
            } else if item.hasPrefix("BOX BOUNDS") {
                let general = item.split(separator: " ").contains("abc")
                var bounds: [[Double]] = []
                for _ in 0 ..< 3 {
                    let (value, line) = try valueLine(after: item)
                    let numbers = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { Double($0) }
                    guard numbers.allSatisfy({ $0 != nil }) else { throw fail("line \(line): \"\(value)\" is not a line of box bounds") }
                    bounds.append(numbers.compactMap { $0 })
                }
                guard let box = LAMMPSBox(lines: bounds, general: general) else {
                    throw fail("line \(number + 1): the box bounds need 2 numbers a line, or 3 with tilt factors")
                }
                guard box.isFinite else { throw TrajectoryError(.nonFinite, path: path, frame: frame, "the box bounds are not finite") }
                header.box = box
            } else if item.hasPrefix("ATOMS") {
                let names = item.dropFirst(5).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                let columns: LAMMPSColumns
                switch LAMMPSColumns.parse(names) {
                case .success(let parsed): columns = parsed
                case .failure(let error): throw fail("line \(number): " + error.description)
                }
                guard let step = header.step else { throw fail("the frame has no ITEM: TIMESTEP") }
                guard let atoms = header.atomCount else { throw fail("the frame has no ITEM: NUMBER OF ATOMS") }
                guard let box = header.box else { throw fail("the frame has no ITEM: BOX BOUNDS") }
                return LAMMPSFrameHeader(step: step, time: header.time, units: header.units, atomCount: atoms, box: box,
                                         columns: columns)
            } else {
                throw TrajectoryError(.unsupported, path: path, frame: frame,
                                      "line \(number): \"ITEM: \(item)\" is not part of an atom or custom dump")
            }
        }
    }

    private static func text(_ bytes: UnsafePointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count), as: UTF8.self)
    }
}
