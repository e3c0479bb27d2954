import Foundation

/// Decoding and encoding of OpenMM's serialized `State` (what `Simulation.saveState` writes and
/// `loadState` reads): `<State time= stepCount=>` holding `<PeriodicBoxVectors>` (A, B, C),
/// `<Positions>`, optional `<Velocities>` and `<Forces>`, and elements lss does not keep
/// (`<Parameters>`, `<Energies>`, `<IntegratorParameters>`). Units are nm, ps, nm/ps and
/// kJ/(mol nm), lss's own.
enum OpenMMStateXML {
    /// Parses the document in `bytes` (which must be followed by a 0 byte in memory, not counted).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> Frame {
        var parser = StateParser(scanner: OpenMMXMLScanner(bytes: bytes), path: path)
        return try parser.run()
    }

    /// The document for `frame`, in the layout OpenMM writes. Numbers use Swift's shortest
    /// representation that reads back to the same Double, so every bit survives.
    static func format(_ frame: Frame, box: Box) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(200 + frame.atomCount * 3 * 80 * (1 + (frame.velocities == nil ? 0 : 1) + (frame.forces == nil ? 0 : 1)))
        func append(_ text: String) { out.append(contentsOf: text.utf8) }
        func vector(_ name: String, _ v: SIMD3<Double>, indent: String) {
            append("\(indent)<\(name) x=\"\(v.x)\" y=\"\(v.y)\" z=\"\(v.z)\"/>\n")
        }
        append("<?xml version=\"1.0\" ?>\n<State")
        if let step = frame.step { append(" stepCount=\"\(step)\"") }
        append(" time=\"\(frame.time ?? 0)\" type=\"State\" version=\"1\">\n")
        append("\t<PeriodicBoxVectors>\n")
        vector("A", box.a, indent: "\t\t")
        vector("B", box.b, indent: "\t\t")
        vector("C", box.c, indent: "\t\t")
        append("\t</PeriodicBoxVectors>\n")
        func section(_ name: String, _ element: String, _ values: [SIMD3<Double>]?) {
            guard let values else { return }
            append("\t<\(name)>\n")
            for v in values { vector(element, v, indent: "\t\t") }
            append("\t</\(name)>\n")
        }
        section("Positions", "Position", frame.positions)
        section("Velocities", "Velocity", frame.velocities)
        section("Forces", "Force", frame.forces)
        append("</State>\n")
        return out
    }
}

/// Walks the tags of a state document and collects what a `Frame` holds.
private struct StateParser {
    enum Section { case none, box, positions, velocities, forces, ignored }

    var scanner: OpenMMXMLScanner
    let path: String
    var tag = OpenMMXMLScanner.Tag()
    /// Names of the open elements, innermost last.
    var open: [Range<Int>] = []
    var section = Section.none
    var positions: [SIMD3<Double>]?
    var velocities: [SIMD3<Double>]?
    var forces: [SIMD3<Double>]?
    var boxVectors: [SIMD3<Double>?]?
    var time: Double?
    var step: Int?

    init(scanner: OpenMMXMLScanner, path: String) {
        self.scanner = scanner
        self.path = path
    }

    mutating func run() throws -> Frame {
        var finished = false
        while !finished, try nextTag() {
            switch tag.kind {
            case .open, .empty:
                if open.isEmpty {
                    try startState()
                    if tag.kind == .empty { finished = true } else { open.append(tag.name) }
                } else {
                    try startElement(depth: open.count)
                    if tag.kind == .open { open.append(tag.name) } else if open.count == 1 { section = .none }
                }
            case .close:
                guard let innermost = open.last else { throw failure(tag.start, "a closing tag before <State>") }
                guard sameName(innermost, tag.name) else {
                    throw failure(tag.start, "</\(scanner.text(tag.name))> does not close <\(scanner.text(innermost))>")
                }
                open.removeLast()
                if open.count == 1 { section = .none }
                // Whatever follows the root element is not part of the state.
                finished = open.isEmpty
            }
        }
        guard finished else {
            throw open.isEmpty
                ? TrajectoryError(.malformed, path: path, "has no <State> element; it is not an OpenMM state file")
                : TrajectoryError(.malformed, path: path, "ends before </State> (truncated?)")
        }
        return try frame()
    }

    private mutating func nextTag() throws -> Bool {
        do {
            return try scanner.next(into: &tag)
        } catch {
            throw failure(error.offset, error.message)
        }
    }

    /// The root element: it must be <State>; its time and stepCount are read.
    private mutating func startState() throws {
        guard scanner.equals(tag.name, "State") else {
            throw failure(tag.start, "the root element is <\(scanner.text(tag.name))>, not <State>; it is not an OpenMM state file")
        }
        for attribute in tag.attributes {
            if scanner.equals(attribute.name, "time") {
                time = try number(attribute.value, what: "the State's time")
            } else if scanner.equals(attribute.name, "stepCount") {
                step = try integer(attribute.value, what: "the State's stepCount")
            }
        }
    }

    private mutating func startElement(depth: Int) throws {
        if depth == 1 {
            func begin(_ next: Section, _ isNew: Bool) throws {
                guard isNew else { throw failure(tag.start, "a second <\(scanner.text(tag.name))>") }
                section = next
            }
            if scanner.equals(tag.name, "Positions") {
                try begin(.positions, positions == nil)
                positions = []
            } else if scanner.equals(tag.name, "Velocities") {
                try begin(.velocities, velocities == nil)
                velocities = []
            } else if scanner.equals(tag.name, "Forces") {
                try begin(.forces, forces == nil)
                forces = []
            } else if scanner.equals(tag.name, "PeriodicBoxVectors") {
                try begin(.box, boxVectors == nil)
                boxVectors = [nil, nil, nil]
            } else {
                section = .ignored
            }
            return
        }
        guard depth == 2 else { return }
        switch section {
        case .positions where scanner.equals(tag.name, "Position"):
            let value = try vector("Position", positions?.count ?? 0)
            positions?.append(value)
        case .velocities where scanner.equals(tag.name, "Velocity"):
            let value = try vector("Velocity", velocities?.count ?? 0)
            velocities?.append(value)
        case .forces where scanner.equals(tag.name, "Force"):
            let value = try vector("Force", forces?.count ?? 0)
            forces?.append(value)
        case .box:
            let slot = scanner.equals(tag.name, "A") ? 0 : scanner.equals(tag.name, "B") ? 1 : scanner.equals(tag.name, "C") ? 2 : -1
            if slot >= 0 {
                let value = try vector("box vector", slot)
                boxVectors?[slot] = value
            }
        default:
            break
        }
    }

    private func frame() throws -> Frame {
        guard let positions else { throw TrajectoryError(.malformed, path: path, "has no <Positions>") }
        for (name, values) in [("velocities", velocities), ("forces", forces)] {
            if let values, values.count != positions.count {
                throw TrajectoryError(.mismatch, path: path, "has \(positions.count) positions but \(values.count) \(name)")
            }
        }
        var box: Box?
        if let boxVectors {
            guard let a = boxVectors[0], let b = boxVectors[1], let c = boxVectors[2] else {
                throw TrajectoryError(.malformed, path: path, "<PeriodicBoxVectors> lacks one of <A>, <B>, <C>")
            }
            box = Box(a: a, b: b, c: c)
        }
        return Frame(positions: positions, velocities: velocities, forces: forces, box: box, time: time, step: step)
    }

    // MARK: - Values

    /// The x, y, z attributes of the current tag, the `index`th of its `kind` (named in messages;
    /// the text is only built when something is wrong).
    private func vector(_ kind: StaticString, _ index: Int) throws -> SIMD3<Double> {
        var v = SIMD3<Double>()
        var found = 0
        for attribute in tag.attributes where attribute.name.count == 1 {
            switch scanner.byte(at: attribute.name.lowerBound) {
            case UInt8(ascii: "x"): v.x = try number(attribute.value, what: "\(kind) \(index) x"); found |= 1
            case UInt8(ascii: "y"): v.y = try number(attribute.value, what: "\(kind) \(index) y"); found |= 2
            case UInt8(ascii: "z"): v.z = try number(attribute.value, what: "\(kind) \(index) z"); found |= 4
            default: break
            }
        }
        guard found == 7 else {
            let missing = [(1, "x"), (2, "y"), (4, "z")].filter { found & $0.0 == 0 }.map(\.1).joined(separator: ", ")
            throw failure(tag.start, "<\(scanner.text(tag.name))> (\(kind) \(index)) has no \(missing) attribute")
        }
        return v
    }

    /// A finite Double from the attribute value in `range`. strtod (C locale, correctly rounded in
    /// glibc) parses in place; the value must be nothing but the number.
    private func number(_ range: Range<Int>, what: @autoclosure () -> String) throws -> Double {
        guard let base = scanner.bytes.baseAddress, !range.isEmpty else {
            throw failure(tag.start, "\(what()) is empty")
        }
        let start = UnsafeRawPointer(base + range.lowerBound).assumingMemoryBound(to: CChar.self)
        var end: UnsafeMutablePointer<CChar>? = nil
        let value = strtod(start, &end)
        var stop = end.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? range.lowerBound
        while stop < range.upperBound, scanner.byte(at: stop) == 0x20 { stop += 1 }
        guard stop == range.upperBound, stop > range.lowerBound else {
            throw failure(tag.start, "\(what()) is \"\(scanner.text(range))\", not a number")
        }
        guard value.isFinite else {
            throw TrajectoryError(.nonFinite, path: path, frame: 0,
                                  "line \(scanner.line(of: tag.start)): \(what()) is \(scanner.text(range))")
        }
        return value
    }

    /// A whole number (optionally signed) without overflow.
    private func integer(_ range: Range<Int>, what: String) throws -> Int {
        var position = range.lowerBound, negative = false
        if scanner.byte(at: position) == UInt8(ascii: "-") || scanner.byte(at: position) == UInt8(ascii: "+") {
            negative = scanner.byte(at: position) == UInt8(ascii: "-")
            position += 1
        }
        var value = 0
        guard position < range.upperBound else { throw failure(tag.start, "\(what) is empty") }
        while position < range.upperBound {
            let digit = Int(scanner.byte(at: position)) - 48
            guard (0 ... 9).contains(digit) else {
                throw failure(tag.start, "\(what) is \"\(scanner.text(range))\", not a whole number")
            }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { throw failure(tag.start, "\(what) is too large") }
            value = next
            position += 1
        }
        return negative ? -value : value
    }

    private func sameName(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count, let base = scanner.bytes.baseAddress else { return false }
        return memcmp(base + a.lowerBound, base + b.lowerBound, a.count) == 0
    }

    private func failure(_ offset: Int, _ message: String) -> TrajectoryError {
        TrajectoryError(.malformed, path: path, "line \(scanner.line(of: offset)): \(message)")
    }
}
