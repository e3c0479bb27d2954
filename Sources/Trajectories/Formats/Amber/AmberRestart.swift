import Foundation

/// Reads an AMBER ASCII restart or coordinate file (.rst7, .inpcrd, .restrt):
///
///     title (one line)
///     NATOM [TIME]                    free format (AMBER writes I5 or I6, then E15.7)
///     coordinates, Å                  FORMAT(6F12.7): two atoms per line
///     velocities, Å / (1/20.455 ps)   optional, same layout
///     box: a b c [α β γ]              optional, one line, Å and degrees
///
/// What follows the coordinates is told apart by line count, as AMBER's own readers do: as many
/// lines as the coordinates are velocities, one more line is the box. With one or two atoms a
/// single extra line is ambiguous; it is taken as a box when it has six numbers whose last three
/// lie between 10° and 170° (velocities in AMBER units are far smaller), else as velocities.
/// Fields are read at their fixed 12-character width (so numbers that touch, like
/// "-100.1234567-200.1234567", still parse); a line that does not parse that way is read as
/// whitespace-separated numbers, which other writers produce.
public final class AmberRestartReader: TrajectoryReader {
    public let path: String
    public let atomCount: Int
    /// The title line.
    public let title: String
    private var cursor: AmberOneFrameCursor

    public init(path: String) throws {
        self.path = path
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TrajectoryError(.io, path: path, "cannot read: \(error.localizedDescription)")
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        func malformed(_ problem: String) -> TrajectoryError { TrajectoryError(.malformed, path: path, frame: 0, problem) }
        guard lines.count >= 2 else { throw malformed("an AMBER restart needs a title line and an atom-count line") }
        title = String(lines[0]).trimmingCharacters(in: .whitespaces)

        let countLine = lines[1].split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = countLine.first, let atoms = Int(first), atoms > 0, atoms < Int(Int32.max) else {
            throw malformed("line 2 must start with the atom count, found \"\(lines[1])\"")
        }
        var time: Double?
        if countLine.count >= 2 {
            guard let value = AmberRestartFields.number(countLine[1]) else {
                throw malformed("line 2: the time \"\(countLine[1])\" is not a number")
            }
            time = value
        }
        atomCount = atoms

        let blockLines = (atoms + 1) / 2
        let body = Array(lines.dropFirst(2))
        guard body.count >= blockLines else {
            throw malformed("the file has \(body.count) coordinate lines; \(atoms) atoms need \(blockLines)")
        }
        let positions = try AmberRestartFields.triples(body[0 ..< blockLines], atoms: atoms, firstLine: 3, what: "coordinates",
                                                       path: path)
        let rest = body.dropFirst(blockLines)
        var velocityLines: ArraySlice<Substring>?, boxLine: Substring?
        if rest.isEmpty {
        } else if rest.count == 1, blockLines > 1 || AmberRestartFields.looksLikeBox(rest[rest.startIndex]) {
            boxLine = rest.first
        } else if rest.count == blockLines {
            velocityLines = rest
        } else if rest.count == blockLines + 1 {
            velocityLines = rest.dropLast()
            boxLine = rest.last
        } else {
            throw malformed("\(rest.count) lines follow the coordinates; expected none, 1 (box), \(blockLines) (velocities) "
                + "or \(blockLines + 1) (velocities and box)")
        }
        let velocities = try velocityLines.map {
            try AmberRestartFields.triples($0, atoms: atoms, firstLine: 3 + blockLines, what: "velocities", path: path)
                .map { $0 * (AmberConventions.velocityScale * 0.1) }
        }
        let box = try boxLine.map { try AmberRestartFields.box($0, line: 2 + body.count, path: path) }
        let frame = Frame(positions: positions.map { $0 * 0.1 }, velocities: velocities, box: box, time: time)
        cursor = AmberOneFrameCursor(path: path, frame: frame)
    }

    public func countFrames() throws -> Int { try cursor.count() }
    public func seek(toFrame index: Int) throws { try cursor.seek(index) }
    public func readFrame() throws -> Frame? { try cursor.nextFrame() }
    public func read(maxFrames: Int) throws -> FrameChunk? { try cursor.nextChunk(maxFrames: maxFrames) }
    public func close() { cursor.close() }
}

/// Writes an AMBER ASCII restart (.rst7) from one frame: the layout `AmberRestartReader` reads,
/// numbers in F12.7 (seven decimals, 0.1 fm), velocities in AMBER units (Å/ps ÷ 20.455).
/// Writing a second frame is an error, and so is a value that does not fit the 12-character field.
public final class AmberRestartWriter: TrajectoryWriter {
    public let path: String
    public let atomCount: Int
    private let title: String
    private var written = false
    private var isClosed = false

    public init(path: String, atomCount: Int, topology: Topology? = nil, title: String = "restart written by lss") throws {
        self.path = path
        guard atomCount > 0, atomCount < 1_000_000 else {
            throw TrajectoryError(.unsupported, path: path, "an ASCII AMBER restart holds 1 to 999999 atoms, not \(atomCount)")
        }
        if let topology, topology.atoms.count != atomCount {
            throw TrajectoryError(.mismatch, path: path, "the topology has \(topology.atoms.count) atoms, the writer \(atomCount)")
        }
        self.atomCount = atomCount
        self.title = title
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw TrajectoryError(.io, path: path, "cannot create the file")
        }
    }

    public func write(_ chunk: FrameChunk) throws {
        guard chunk.frameCount <= 1 else {
            throw TrajectoryError(.unsupported, path: path, frame: 1, "an AMBER restart holds one frame, not \(chunk.frameCount)")
        }
        guard chunk.frameCount == 1 else { return }
        try write(chunk.frame(0))
    }

    public func write(_ frame: Frame) throws {
        guard !isClosed else { throw TrajectoryError(.io, path: path, "the writer is closed") }
        guard !written else { throw TrajectoryError(.unsupported, path: path, frame: 1, "an AMBER restart holds one frame") }
        guard frame.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: 0, "the frame has \(frame.atomCount) atoms, the file \(atomCount)")
        }
        var text = String(title.prefix(80)) + "\n"
        text += AmberRestartFields.padded(String(atomCount), width: atomCount < 100_000 ? 5 : 6)
        text += AmberRestartFields.scientific(frame.time ?? 0) + "\n"
        var fields = AmberRestartFields.Writer(path: path)
        try fields.block(frame.positions.map { $0 * 10 }, what: "coordinate")
        if let velocities = frame.velocities {
            guard velocities.count == atomCount else {
                throw TrajectoryError(.mismatch, path: path, frame: 0, "\(velocities.count) velocities for \(atomCount) atoms")
            }
            try fields.block(velocities.map { $0 * (10 / AmberConventions.velocityScale) }, what: "velocity")
        }
        if let box = frame.box {
            let lengths = box.lengths * 10
            let angles = box.isRectangular ? SIMD3<Double>(90, 90, 90) : box.angles
            try fields.line([lengths.x, lengths.y, lengths.z, angles.x, angles.y, angles.z], what: "box")
        }
        text += fields.text
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw TrajectoryError(.io, path: path, "cannot write: \(error.localizedDescription)")
        }
        written = true
    }

    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        guard written else { throw TrajectoryError(.io, path: path, "no frame was written; the restart file is empty") }
    }
}

/// The one-frame bookkeeping both AMBER restart readers share: count 1, seek to 0 or 1.
struct AmberOneFrameCursor {
    let path: String
    let frame: Frame
    private var consumed = false
    private var isClosed = false

    init(path: String, frame: Frame) {
        self.path = path
        self.frame = frame
    }

    func count() throws -> Int {
        try requireOpen()
        return 1
    }

    mutating func seek(_ index: Int) throws {
        try requireOpen()
        guard index == 0 || index == 1 else {
            throw TrajectoryError(.mismatch, path: path, frame: index, "a restart file has one frame; cannot seek to frame \(index)")
        }
        consumed = index == 1
    }

    mutating func nextFrame() throws -> Frame? {
        try requireOpen()
        guard !consumed else { return nil }
        consumed = true
        return frame
    }

    mutating func nextChunk(maxFrames: Int) throws -> FrameChunk? {
        try requireOpen()
        guard !consumed else { return nil }
        guard maxFrames > 0 else { return FrameChunk(atomCount: frame.atomCount) }
        consumed = true
        var chunk = frame.chunk()
        if frame.time == nil { chunk.times = [0] }
        // Finite Float64 values beyond ±3.4e38 become infinite in a Float32 chunk.
        if let bad = chunk.firstNonFinite() {
            throw TrajectoryError(.nonFinite, path: path, frame: 0,
                                  "atom \(bad.atom) has a coordinate beyond single precision; the file is corrupt")
        }
        return chunk
    }

    mutating func close() { isClosed = true }

    private func requireOpen() throws {
        guard !isClosed else { throw TrajectoryError(.io, path: path, "the reader is closed") }
    }
}
