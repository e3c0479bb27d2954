/// Reads LAMMPS text dumps (`dump atom` and `dump custom`): frames of
///
///     ITEM: TIMESTEP / step
///     ITEM: NUMBER OF ATOMS / N
///     ITEM: BOX BOUNDS [xy xz yz] pp pp pp / three bound lines (see `LAMMPSBox`)
///     ITEM: ATOMS <column names> / N lines
///
/// optionally preceded by `ITEM: UNITS` and `ITEM: TIME` (dump_modify units/time yes). Positions
/// come from the columns `LAMMPSColumns` picks (scaled ones are converted with the frame's box,
/// tilts included), velocities and forces when present; atoms are put in id order.
///
/// Units: the `units` argument, else the dump's own ITEM: UNITS, else `real`. Time is ITEM: TIME
/// when the dump has it, else step × `timestep` (default: the unit style's default time step).
///
/// Frames have no fixed size, so the reader remembers where each frame it has passed starts;
/// `countFrames()` and a `seek` beyond the known frames scan ahead once (lines are found with
/// memchr, atom lines skipped unparsed).
public final class LAMMPSDumpReader: TrajectoryReader {
    public let path: String
    public let atomCount: Int
    public let units: LAMMPSUnits
    /// The MD time step in the unit style's time unit.
    public let timestep: Double

    private let file: PositionalFile
    private let scanner: LAMMPSLineScanner
    /// Start (byte offset, line number) of every frame passed so far, in order.
    private var frameStarts: [(offset: Int, line: Int)] = []
    private var indexComplete = false
    private var nextFrame = 0
    private var atomOrder: LAMMPSAtomOrder?
    /// The first frame's columns decide whether chunks carry velocities and forces.
    private var firstColumns: LAMMPSColumns?
    private var isClosed = false
    private var parsed = LAMMPSParsedFrame()

    public init(path: String, units: LAMMPSUnits? = nil, timestep: Double? = nil) throws {
        self.path = path
        file = try PositionalFile(path: path, mode: .read)
        scanner = LAMMPSLineScanner(file: file)
        guard let first = try LAMMPSFrameHeader.read(scanner: scanner, path: path, frame: 0) else {
            throw TrajectoryError(.malformed, path: path, "the file holds no LAMMPS dump frame (it is empty)")
        }
        atomCount = first.atomCount
        // Every atom line holds at least one character and a separator per column: a NUMBER OF
        // ATOMS beyond that is corrupt, and must not size the buffers.
        let fileSize = try file.size()
        guard atomCount <= fileSize / (2 * max(first.columns.roles.count, 1)) else {
            throw TrajectoryError(.malformed, path: path, frame: 0,
                                  "NUMBER OF ATOMS is \(atomCount), more atom lines than the \(fileSize)-byte file can hold")
        }
        let declared: LAMMPSUnits?
        if let name = first.units {
            guard let style = LAMMPSUnits(name: name) else {
                throw TrajectoryError(.unsupported, path: path, "LAMMPS units \"\(name)\" are not supported "
                    + "(real, metal, si, cgs, micro and nano are; lj and electron have no fixed scale here)")
            }
            declared = style
        } else {
            declared = nil
        }
        if let units, let declared, units != declared {
            throw TrajectoryError(.mismatch, path: path, "the dump declares units \(declared.rawValue), the reader was asked for \(units.rawValue)")
        }
        self.units = units ?? declared ?? .real
        self.timestep = timestep ?? self.units.defaultTimestep
        guard self.timestep.isFinite else { throw TrajectoryError(.mismatch, path: path, "the time step must be finite") }
        frameStarts = [(0, 1)]
        scanner.seek(to: 0, line: 1)
    }

    public func countFrames() throws -> Int {
        try requireOpen()
        try completeIndex()
        return frameStarts.count
    }

    public func seek(toFrame index: Int) throws {
        try requireOpen()
        guard index >= 0 else { throw TrajectoryError(.mismatch, path: path, frame: index, "cannot seek to a negative frame") }
        if index >= frameStarts.count { try completeIndex() }
        if index == frameStarts.count {
            // The end of the file: the next read returns nil.
            nextFrame = index
            scanner.seek(to: try file.size(), line: 0)
            return
        }
        guard index < frameStarts.count else {
            throw TrajectoryError(.mismatch, path: path, frame: index, "cannot seek to frame \(index): the file has \(frameStarts.count) frames")
        }
        nextFrame = index
        scanner.seek(to: frameStarts[index].offset, line: frameStarts[index].line)
    }

    public func read(maxFrames: Int) throws -> FrameChunk? {
        try requireOpen()
        var builder: LAMMPSChunkBuilder?
        while (builder?.frameCount ?? 0) < maxFrames {
            let start = (offset: scanner.offset, line: scanner.lineNumber)
            guard let header = try LAMMPSFrameHeader.read(scanner: scanner, path: path, frame: nextFrame) else {
                indexComplete = true
                break
            }
            if nextFrame == frameStarts.count { frameStarts.append(start) }
            try check(header, frame: nextFrame)
            try parseAtoms(header, frame: nextFrame)
            let columns = firstColumns ?? header.columns
            firstColumns = columns
            if builder == nil {
                builder = LAMMPSChunkBuilder(atomCount: atomCount, firstFrame: nextFrame, velocities: columns.hasVelocities,
                                             forces: columns.hasForces, capacity: min(max(maxFrames, 1), 4096))
            }
            if let builder { try append(header, to: builder) }
            nextFrame += 1
        }
        if let builder { return builder.chunk() }
        return maxFrames <= 0 && !indexComplete ? FrameChunk(atomCount: atomCount, firstFrame: nextFrame) : nil
    }

    public func close() {
        file.close()
        isClosed = true
    }

    private func requireOpen() throws {
        guard !isClosed else { throw TrajectoryError(.io, path: path, "the reader is closed") }
    }

    // MARK: - Frames

    /// Checks what every frame must share with the first.
    private func check(_ header: LAMMPSFrameHeader, frame: Int) throws {
        guard header.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: frame,
                                  "the frame has \(header.atomCount) atoms, the first frame \(atomCount)")
        }
        if let firstColumns {
            if firstColumns.hasVelocities && !header.columns.hasVelocities || firstColumns.hasForces && !header.columns.hasForces {
                throw TrajectoryError(.mismatch, path: path, frame: frame,
                                      "the frame lacks the velocity or force columns the first frame has")
            }
        }
    }

    /// Parses the atom lines of a frame into `parsed` (file order, dump units, positions Cartesian).
    private func parseAtoms(_ header: LAMMPSFrameHeader, frame: Int) throws {
        let columns = header.columns
        parsed.reset(atoms: atomCount, ids: columns.hasIDs)
        // The buffers leave `parsed` while they are written through pointers (no copy, no
        // exclusivity checks per value) and come back at the end.
        var values: [Double] = [], ids: [Int] = []
        swap(&values, &parsed.values)
        swap(&ids, &parsed.ids)
        defer {
            swap(&values, &parsed.values)
            swap(&ids, &parsed.ids)
        }
        // Per column: the slot among an atom's nine values, -1 to skip, -2 for the id.
        let targets = columns.roles.map { role in role == .id ? -2 : LAMMPSParsedFrame.slot(of: role) ?? -1 }
        try values.withUnsafeMutableBufferPointer { valueBuffer in
            try ids.withUnsafeMutableBufferPointer { idBuffer in
                try targets.withUnsafeBufferPointer { targetBuffer in
                    for atom in 0 ..< atomCount {
                        try parseAtomLine(atom, frame: frame, columns: columns, targets: targetBuffer,
                                          values: valueBuffer, ids: idBuffer)
                    }
                }
            }
        }
        if columns.scaledPositions { LAMMPSParsedFrame.unscale(&values, with: header.box) }
    }

    /// Parses the next line as atom `atom` of the frame.
    @inline(__always)
    private func parseAtomLine(_ atom: Int, frame: Int, columns: LAMMPSColumns, targets: UnsafeBufferPointer<Int>,
                               values: UnsafeMutableBufferPointer<Double>, ids: UnsafeMutableBufferPointer<Int>) throws {
        let lineNumber = scanner.lineNumber
        guard let line = try scanner.nextLine() else {
            throw TrajectoryError(.malformed, path: path, frame: frame,
                                  "the file ends after \(atom) of the frame's \(atomCount) atom lines (truncated)")
        }
        let bytes = UnsafePointer(scanner.bytes)
        var cursor = line.lowerBound
        let end = line.upperBound
        while cursor < end, bytes[cursor] == 0x20 { cursor += 1 }
        if cursor < end, bytes[cursor] == UInt8(ascii: "I") {
            try Self.checkNotItem(bytes, line, path: path, frame: frame, atom: atom, expected: atomCount)
        }
        let base = atom * LAMMPSParsedFrame.stride
        for column in 0 ..< targets.count {
            while cursor < end, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
            let tokenStart = cursor
            while cursor < end, bytes[cursor] != 0x20 && bytes[cursor] != 0x09 { cursor += 1 }
            guard cursor > tokenStart else {
                throw TrajectoryError(.malformed, path: path, frame: frame,
                                      "line \(lineNumber): \(column) values, the ATOMS line names \(targets.count) columns")
            }
            let target = targets[column]
            if target == -1 { continue }
            if target == -2 {
                guard let id = LAMMPSNumberParser.integer(bytes, tokenStart, cursor) else {
                    throw TrajectoryError(.malformed, path: path, frame: frame,
                                          "line \(lineNumber): the atom id \"\(Self.text(bytes, tokenStart ..< cursor))\" is not an integer")
                }
                ids[atom] = id
                continue
            }
            guard let value = LAMMPSNumberParser.double(bytes, tokenStart, cursor) else {
                throw TrajectoryError(.malformed, path: path, frame: frame,
                                      "line \(lineNumber): \"\(Self.text(bytes, tokenStart ..< cursor))\" in column "
                                      + "\(columns.names[column]) is not a number")
            }
            guard value.isFinite else {
                throw TrajectoryError(.nonFinite, path: path, frame: frame,
                                      "line \(lineNumber): column \(columns.names[column]) of atom line \(atom + 1) is "
                                      + Self.text(bytes, tokenStart ..< cursor))
            }
            values[base + target] = value
        }
        while cursor < end, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
        guard cursor == end else {
            throw TrajectoryError(.malformed, path: path, frame: frame,
                                  "line \(lineNumber): more values than the \(targets.count) columns the ATOMS line names")
        }
    }

    /// Converts the parsed frame to lss units, in id order, and appends it.
    private func append(_ header: LAMMPSFrameHeader, to builder: LAMMPSChunkBuilder) throws {
        let frame = nextFrame
        var slots: [Int]?
        if header.columns.hasIDs {
            if atomOrder == nil {
                guard let order = LAMMPSAtomOrder(ids: parsed.ids) else {
                    throw TrajectoryError(.malformed, path: path, frame: frame, "an atom id appears twice in the frame")
                }
                atomOrder = order
            }
            guard let order = atomOrder else { return }
            var seen = [Bool](repeating: false, count: atomCount)
            var mapping = [Int](repeating: 0, count: atomCount)
            for (line, id) in parsed.ids.enumerated() {
                guard let slot = order.slot(of: id) else {
                    throw TrajectoryError(.mismatch, path: path, frame: frame, "atom id \(id) is not among the ids of the first frame read")
                }
                guard !seen[slot] else { throw TrajectoryError(.malformed, path: path, frame: frame, "atom id \(id) appears twice") }
                seen[slot] = true
                mapping[line] = slot
            }
            slots = mapping
        }
        let time = header.time.map { $0 * units.time } ?? Double(header.step) * timestep * units.time
        builder.append(parsed, slots: slots, lengthScale: units.length, velocityScale: units.velocity, forceScale: units.force,
                       time: time, step: header.step, box: header.box.box(scale: units.length))
    }

    /// Finds every frame start from the last known one to the end of the file, validating the
    /// headers and atom counts but not parsing atom lines. The read position is kept.
    private func completeIndex() throws {
        guard !indexComplete else { return }
        let resume = (offset: scanner.offset, line: scanner.lineNumber)
        defer { scanner.seek(to: resume.offset, line: resume.line) }
        guard let last = frameStarts.last else { return }
        var frame = frameStarts.count - 1
        scanner.seek(to: last.offset, line: last.line)
        while true {
            let start = (offset: scanner.offset, line: scanner.lineNumber)
            guard let header = try LAMMPSFrameHeader.read(scanner: scanner, path: path, frame: frame) else { break }
            if frame == frameStarts.count { frameStarts.append(start) }
            try check(header, frame: frame)
            for atom in 0 ..< atomCount {
                guard let line = try scanner.nextLine() else {
                    throw TrajectoryError(.malformed, path: path, frame: frame,
                                          "the file ends after \(atom) of the frame's \(atomCount) atom lines (truncated)")
                }
                try Self.checkNotItem(UnsafePointer(scanner.bytes), line, path: path, frame: frame, atom: atom, expected: atomCount)
            }
            frame += 1
        }
        indexComplete = true
    }

    /// Throws when an atom line is really the next frame's "ITEM:" line (too few atom lines).
    private static func checkNotItem(_ bytes: UnsafePointer<UInt8>, _ line: Range<Int>, path: String, frame: Int, atom: Int,
                                     expected: Int) throws {
        var start = line.lowerBound
        while start < line.upperBound, bytes[start] == 0x20 { start += 1 }
        let prefix = Array("ITEM:".utf8)
        guard line.upperBound - start >= prefix.count else { return }
        for (offset, byte) in prefix.enumerated() where bytes[start + offset] != byte { return }
        throw TrajectoryError(.mismatch, path: path, frame: frame,
                              "the frame has \(atom) atom lines, its NUMBER OF ATOMS says \(expected)")
    }

    private static func text(_ bytes: UnsafePointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count), as: UTF8.self)
    }
}
