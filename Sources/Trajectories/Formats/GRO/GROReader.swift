/// Reads GROMACS .gro files: one or more frames of a title line (with "t=" and "step=" when
/// GROMACS wrote them), an atom count, one fixed-column line per atom and a box line.
///
/// The topology (one chain; residues split where the residue number or name changes) comes from
/// the first frame. Positions and velocities are read in the file's own precision, inferred from
/// the decimal points as GROMACS does; `readFrame()` keeps every digit in Float64, which is what
/// a GRO seed written with %10.5f/%10.6f needs. Frames are located by one pass over the lines
/// (done on the way while reading sequentially, and on demand for `countFrames` and `seek`).
public final class GROReader: TrajectoryReader {
    public let path: String
    public let atomCount: Int
    public let topology: Topology?
    /// Whether the atom lines carry velocities (decided by the first atom line).
    public let hasVelocities: Bool
    /// Width of each coordinate field (8 for %8.3f); positions have width - 5 decimals.
    public let fieldWidth: Int

    private let lines: ColumnTextReader
    /// Where each frame found so far starts (offset of its title line, number of the line before).
    private var frameStarts: [(offset: Int64, lineBefore: Int)] = [(0, 0)]
    private var frameTotal: Int?
    private var nextFrame = 0
    private var positions: [Double]
    private var velocities: [Double]
    private var closed = false

    public init(path: String) throws {
        self.path = path
        let lines = try ColumnTextReader(path: path)
        guard try lines.nextLine() != nil else {
            throw TrajectoryError(.malformed, path: path, "the file is empty; a GRO file starts with a title line")
        }
        guard let countLine = try lines.nextLine(),
              let count = ColumnFields.integer(countLine, 0, countLine.count), count > 0 else {
            throw TrajectoryError(.malformed, path: path, "line 2 must hold the number of atoms (a positive integer)")
        }
        // An atom line has at least 20 + 3 × 5 columns; a larger claim cannot be true.
        guard count <= lines.fileSize / 36 else {
            throw TrajectoryError(.malformed, path: path,
                                  "line 2 declares \(count) atoms, more than the file's \(lines.fileSize) bytes can hold")
        }
        var builder = GROTopologyBuilder()
        var width = 0, velocities = false
        for atom in 0 ..< count {
            guard let line = try lines.nextLine() else {
                throw TrajectoryError(.malformed, path: path, frame: 0,
                                      "the file ends after \(atom) of the \(count) atom lines that line 2 declares")
            }
            if atom == 0 {
                width = try GROFormat.fieldWidth(line, path: path, lineNumber: lines.lineNumber)
                let velocityEnd = GROFormat.coordinateStart + 6 * width
                velocities = line.count >= velocityEnd
                    && (3 ..< 6).allSatisfy { axis in
                        let from = GROFormat.coordinateStart + axis * width
                        return ColumnFields.double(line, from, from + width) != nil
                    }
            }
            try builder.add(line, path: path, lineNumber: lines.lineNumber)
        }
        guard let boxLine = try lines.nextLine() else {
            throw TrajectoryError(.malformed, path: path, frame: 0, "the file ends before the box line of the first frame")
        }
        let box = try GROFormat.box(boxLine, path: path, lineNumber: lines.lineNumber, frame: 0)
        self.lines = lines
        atomCount = count
        fieldWidth = width
        hasVelocities = velocities
        topology = builder.finish(box: box)
        positions = [Double](repeating: 0, count: count * 3)
        self.velocities = [Double](repeating: 0, count: velocities ? count * 3 : 0)
    }

    public func countFrames() throws -> Int {
        try checkOpen()
        try locateFrames(upTo: Int.max)
        return frameTotal ?? frameStarts.count
    }

    public func seek(toFrame index: Int) throws {
        try checkOpen()
        guard index >= 0 else {
            throw TrajectoryError(.mismatch, path: path, frame: index, "cannot seek to a negative frame")
        }
        try locateFrames(upTo: index)
        let available = frameTotal ?? frameStarts.count
        guard index <= available else {
            throw TrajectoryError(.mismatch, path: path, frame: index,
                                  "cannot seek to frame \(index): the file has \(available) frames")
        }
        nextFrame = index
    }

    public func read(maxFrames: Int) throws -> FrameChunk? {
        try checkOpen()
        guard maxFrames > 0 else { return nil }
        let first = nextFrame
        var chunkPositions: [Float] = [], chunkVelocities: [Float] = []
        var times: [Double] = [], steps: [Int] = [], boxes: [Box] = []
        var allSteps = true, allBoxes = true
        while times.count < maxFrames, let header = try readFrameData(nextFrame) {
            if times.isEmpty {
                // Room for the frames asked for, but never more than the file can still hold.
                let bytesPerFrame = max(1, atomCount * (GROFormat.coordinateStart + 3 * fieldWidth))
                let remaining = Int(max(0, lines.fileSize - lines.nextLineOffset)) / bytesPerFrame + 1
                let capacity = min(maxFrames, remaining) * atomCount * 3
                chunkPositions.reserveCapacity(capacity)
                if hasVelocities { chunkVelocities.reserveCapacity(capacity) }
            }
            for value in positions { chunkPositions.append(Float(value)) }
            for value in velocities { chunkVelocities.append(Float(value)) }
            times.append(header.time ?? Double(nextFrame))
            if let step = header.step { steps.append(step) } else { allSteps = false }
            if let box = header.box { boxes.append(box) } else { allBoxes = false }
            nextFrame += 1
        }
        guard !times.isEmpty else { return nil }
        return FrameChunk(atomCount: atomCount, firstFrame: first, positions: chunkPositions,
                          velocities: hasVelocities ? chunkVelocities : nil, times: times,
                          steps: allSteps ? steps : nil, boxes: allBoxes ? boxes : nil)
    }

    /// The next frame with every digit the file holds.
    public func readFrame() throws -> Frame? {
        try checkOpen()
        guard let header = try readFrameData(nextFrame) else { return nil }
        func triples(_ values: [Double]) -> [SIMD3<Double>] {
            (0 ..< atomCount).map { SIMD3(values[3 * $0], values[3 * $0 + 1], values[3 * $0 + 2]) }
        }
        let frame = Frame(positions: triples(positions), velocities: hasVelocities ? triples(velocities) : nil,
                          box: header.box, time: header.time ?? Double(nextFrame), step: header.step)
        nextFrame += 1
        return frame
    }

    public func close() {
        closed = true
        lines.close()
    }

    // MARK: - Frames

    /// Parses frame `frame` into `positions`/`velocities`; nil at the end of the file.
    private func readFrameData(_ frame: Int) throws -> (time: Double?, step: Int?, box: Box?)? {
        if frame >= frameStarts.count { try locateFrames(upTo: frame) }
        guard frame < frameStarts.count else { return nil }
        let start = frameStarts[frame]
        lines.seek(toOffset: start.offset, lineNumber: start.lineBefore)
        guard let title = try lines.nextLine() else { return endOfFile(at: frame) }
        let (time, step) = GROFormat.timeAndStep(title)
        guard let countLine = try lines.nextLine() else {
            if ColumnFields.isBlank(title, 0, title.count) { return endOfFile(at: frame) }
            throw truncated(frame, "the atom count line")
        }
        if ColumnFields.isBlank(title, 0, title.count) && ColumnFields.isBlank(countLine, 0, countLine.count) {
            return endOfFile(at: frame)
        }
        try checkCount(countLine, frame: frame)
        let width = fieldWidth
        let needed = GROFormat.coordinateStart + (hasVelocities ? 6 : 3) * width
        try positions.withUnsafeMutableBufferPointer { positions in
            try velocities.withUnsafeMutableBufferPointer { velocities in
                for atom in 0 ..< atomCount {
                    guard let line = try lines.nextLine() else {
                        throw truncated(frame, "atom line \(atom + 1) of \(atomCount)")
                    }
                    guard line.count >= needed else {
                        throw TrajectoryError(.malformed, path: path, frame: frame,
                                              "line \(lines.lineNumber): the atom line has \(line.count) columns; \(hasVelocities ? "positions and velocities need" : "positions need") \(needed)")
                    }
                    for axis in 0 ..< 3 {
                        positions[3 * atom + axis] = try field(line, axis, width, frame)
                        if hasVelocities { velocities[3 * atom + axis] = try field(line, axis + 3, width, frame) }
                    }
                }
            }
        }
        guard let boxLine = try lines.nextLine() else { throw truncated(frame, "the box line") }
        let box = try GROFormat.box(boxLine, path: path, lineNumber: lines.lineNumber, frame: frame)
        if frameStarts.count == frame + 1 {
            frameStarts.append((lines.nextLineOffset, lines.lineNumber))
        }
        return (time, step, box)
    }

    @inline(__always)
    private func field(_ line: LineBytes, _ index: Int, _ width: Int, _ frame: Int) throws -> Double {
        let from = GROFormat.coordinateStart + index * width
        if let value = ColumnFields.double(line, from, from + width), value.isFinite { return value }
        let what = ["x", "y", "z", "vx", "vy", "vz"][index]
        let columns = "columns \(from + 1)-\(from + width)"
        if ColumnFields.spellsNonFinite(line, from, from + width) {
            throw TrajectoryError(.nonFinite, path: path, frame: frame,
                                  "line \(lines.lineNumber): \(what) (\(columns)) is not finite")
        }
        throw TrajectoryError(.malformed, path: path, frame: frame,
                              "line \(lines.lineNumber): \(what) in \(columns) ('\(ColumnFields.rawText(line, from, from + width))') is not a number")
    }

    /// Walks frame boundaries without decoding numbers until frame `target` is located or the
    /// file ends.
    private func locateFrames(upTo target: Int) throws {
        while frameTotal == nil && frameStarts.count <= target {
            let frame = frameStarts.count - 1
            let start = frameStarts[frame]
            lines.seek(toOffset: start.offset, lineNumber: start.lineBefore)
            guard let title = try lines.nextLine() else { frameTotal = frame; frameStarts.removeLast(); return }
            let titleBlank = ColumnFields.isBlank(title, 0, title.count)
            guard let countLine = try lines.nextLine() else {
                if titleBlank { frameTotal = frame; frameStarts.removeLast(); return }
                throw truncated(frame, "the atom count line")
            }
            if titleBlank && ColumnFields.isBlank(countLine, 0, countLine.count) {
                frameTotal = frame
                frameStarts.removeLast()
                return
            }
            try checkCount(countLine, frame: frame)
            for atom in 0 ..< atomCount {
                if try lines.nextLine() == nil { throw truncated(frame, "atom line \(atom + 1) of \(atomCount)") }
            }
            guard try lines.nextLine() != nil else { throw truncated(frame, "the box line") }
            frameStarts.append((lines.nextLineOffset, lines.lineNumber))
        }
    }

    private func endOfFile(at frame: Int) -> (time: Double?, step: Int?, box: Box?)? {
        if frameTotal == nil {
            frameTotal = frame
            if frameStarts.count > frame { frameStarts.removeLast(frameStarts.count - frame) }
        }
        return nil
    }

    private func checkCount(_ line: LineBytes, frame: Int) throws {
        guard let count = ColumnFields.integer(line, 0, line.count) else {
            throw TrajectoryError(.malformed, path: path, frame: frame,
                                  "line \(lines.lineNumber): expected the atom count, found '\(ColumnFields.string(line))'")
        }
        guard count == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: frame,
                                  "line \(lines.lineNumber): the frame declares \(count) atoms; the first frame has \(atomCount)")
        }
    }

    private func truncated(_ frame: Int, _ missing: String) -> TrajectoryError {
        TrajectoryError(.malformed, path: path, frame: frame,
                        "the file ends at line \(lines.lineNumber) inside frame \(frame), before \(missing)")
    }

    private func checkOpen() throws {
        if closed { throw TrajectoryError(.io, path: path, "the reader was closed") }
    }
}

/// Convenience entry points for GRO files.
public enum GROFile {
    /// The topology of the first frame (with its box, if any).
    public static func readTopology(path: String) throws -> Topology {
        let reader = try GROReader(path: path)
        defer { reader.close() }
        guard let topology = reader.topology else { throw TrajectoryError(.malformed, path: path, "no topology") }
        return topology
    }
}
