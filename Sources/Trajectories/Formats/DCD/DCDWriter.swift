/// Writes little-endian CHARMM-flavour DCD files (version 24, as OpenMM and MDTraj write them),
/// with a unit-cell record in every frame when the frames have boxes.
///
/// The header is rewritten after every chunk, so the frame count (NSET) always matches the frames
/// on disk and a writer that is stopped leaves a readable file.
///
/// DCD cannot store arbitrary times: frame i's time is (ISTART + i·NSAVC) × DELTA. The writer takes
/// ISTART and NSAVC from the frames' steps when they have them (DELTA = Δt / Δstep), and otherwise
/// uses NSAVC = 1, DELTA = the time between the first two frames and ISTART = t₀ / DELTA rounded.
/// Evenly spaced times whose first time is a multiple of the spacing (what MD engines write) read
/// back as written, to DELTA's 32-bit precision.
public final class DCDWriter: TrajectoryWriter {
    public let path: String
    public let atomCount: Int
    private let file: PositionalFile
    private let title: String
    private var framesWritten = 0
    private var writesBoxes: Bool?
    private var firstFrame: (time: Double, step: Int?)?
    private var secondFrame: (time: Double, step: Int?)?
    private var isClosed = false
    private var buffer: [UInt8] = []

    /// `title` goes into the header's first title line (80 characters at most).
    public init(path: String, atomCount: Int, topology: Topology? = nil, title: String = "Created by lss") throws {
        self.path = path
        guard atomCount > 0, atomCount <= Int(Int32.max) / 4 else {
            throw TrajectoryError(.unsupported, path: path, "a DCD file holds 1 to \(Int(Int32.max) / 4) atoms, not \(atomCount)")
        }
        if let topology, topology.atoms.count != atomCount {
            throw TrajectoryError(.mismatch, path: path, "the topology has \(topology.atoms.count) atoms, the writer \(atomCount)")
        }
        self.atomCount = atomCount
        self.title = title
        file = try PositionalFile(path: path, mode: .create)
        try file.write(headerBytes(), at: 0)
    }

    public func write(_ chunk: FrameChunk) throws {
        guard !isClosed else { throw TrajectoryError(.io, path: path, "the writer is closed") }
        guard chunk.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: framesWritten,
                                  "the chunk has \(chunk.atomCount) atoms, the file \(atomCount)")
        }
        guard chunk.frameCount > 0 else { return }
        if let first = chunk.firstNonFinite() {
            throw TrajectoryError(.nonFinite, path: path, frame: framesWritten + first.frame,
                                  "atom \(first.atom) has a non-finite coordinate; DCD cannot store it")
        }
        let hasBoxes = chunk.boxes != nil
        if let writesBoxes, writesBoxes != hasBoxes {
            throw TrajectoryError(.mismatch, path: path, frame: framesWritten,
                                  hasBoxes ? "this frame has a box but the file was started without unit cells"
                                           : "this frame has no box but the file was started with unit cells")
        }
        if framesWritten + chunk.frameCount > Int(Int32.max) {
            throw TrajectoryError(.unsupported, path: path, frame: framesWritten, "a DCD file holds at most \(Int32.max) frames")
        }
        writesBoxes = hasBoxes
        for index in 0 ..< min(chunk.frameCount, 2) where framesWritten + index < 2 {
            let entry = (time: chunk.times[index], step: chunk.steps?[index])
            if framesWritten + index == 0 { firstFrame = entry } else { secondFrame = entry }
        }

        let frameSize = (hasBoxes ? DCDFormat.unitCellRecordLength + 8 : 0) + 3 * (8 + 4 * atomCount)
        let offset = try file.size()
        encode(chunk, frameSize: frameSize)
        try buffer.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[0 ..< frameSize * chunk.frameCount]), at: offset) }
        framesWritten += chunk.frameCount
        try file.write(headerBytes(), at: 0)
    }

    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        try file.write(headerBytes(), at: 0)
        file.close()
    }

    deinit { if !isClosed { try? close() } }

    // MARK: - Encoding

    /// Fills `buffer` with the frames of `chunk`.
    private func encode(_ chunk: FrameChunk, frameSize: Int) {
        let total = frameSize * chunk.frameCount
        if buffer.count < total { buffer = [UInt8](repeating: 0, count: total) }
        let recordLength = UInt32(4 * atomCount).littleEndian
        buffer.withUnsafeMutableBytes { bytes in
            chunk.positions.withUnsafeBufferPointer { positions in
                var cursor = 0
                func put32(_ value: UInt32) { bytes.storeBytes(of: value.littleEndian, toByteOffset: cursor, as: UInt32.self); cursor += 4 }
                for frame in 0 ..< chunk.frameCount {
                    if let box = chunk.boxes?[frame] {
                        put32(UInt32(DCDFormat.unitCellRecordLength))
                        for value in DCDUnitCell.encode(box) {
                            bytes.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: cursor, as: UInt64.self)
                            cursor += 8
                        }
                        put32(UInt32(DCDFormat.unitCellRecordLength))
                    }
                    let base = frame * atomCount * 3
                    for axis in 0 ..< 3 {
                        bytes.storeBytes(of: recordLength, toByteOffset: cursor, as: UInt32.self)
                        cursor += 4
                        for atom in 0 ..< atomCount {
                            let angstrom = positions[base + 3 * atom + axis] * 10
                            bytes.storeBytes(of: angstrom.bitPattern.littleEndian, toByteOffset: cursor, as: UInt32.self)
                            cursor += 4
                        }
                        bytes.storeBytes(of: recordLength, toByteOffset: cursor, as: UInt32.self)
                        cursor += 4
                    }
                }
            }
        }
    }

    /// ISTART, NSAVC and DELTA (AKMA) that reproduce the times of the first two frames.
    private func timing() -> (firstStep: Int, stepsBetweenFrames: Int, timeStepAKMA: Double) {
        let akma = DCDFormat.akmaTimeInPicoseconds
        guard let first = firstFrame else { return (0, 1, 1) }
        func clamp(_ value: Int) -> Int { max(Int(Int32.min), min(Int(Int32.max), value)) }
        if let firstStep = first.step {
            if let second = secondFrame, let secondStep = second.step, secondStep > firstStep {
                let between = secondStep - firstStep
                return (clamp(firstStep), clamp(between), (second.time - first.time) / Double(between) / akma)
            }
            if secondFrame == nil, firstStep > 0 { return (clamp(firstStep), 1, first.time / Double(firstStep) / akma) }
        }
        guard let second = secondFrame, second.time > first.time else {
            // One frame (or times that do not grow): step 1 of a time step equal to its time.
            return first.time > 0 && first.time.isFinite ? (1, 1, first.time / akma) : (0, 1, 1)
        }
        let spacing = second.time - first.time
        let start = (first.time / spacing).rounded()
        return (start.isFinite ? clamp(Int(start)) : 0, 1, spacing / akma)
    }

    /// The three (four) header records with the current frame count and timing.
    private func headerBytes() -> [UInt8] {
        let (firstStep, between, delta) = timing()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(276)
        func int32(_ value: Int) { withUnsafeBytes(of: Int32(truncatingIfNeeded: value).littleEndian) { bytes += $0 } }
        int32(DCDFormat.headerRecordLength)
        bytes += Array("CORD".utf8)
        var control = [Int](repeating: 0, count: 20)
        control[0] = framesWritten
        control[1] = firstStep
        control[2] = between
        control[3] = firstStep + max(framesWritten - 1, 0) * between
        control[10] = (writesBoxes ?? false) ? 1 : 0
        control[19] = 24
        for (index, value) in control.enumerated() {
            if index == 9 {
                withUnsafeBytes(of: Float(delta).bitPattern.littleEndian) { bytes += $0 }
            } else {
                int32(value)
            }
        }
        int32(DCDFormat.headerRecordLength)
        let titles = [title, "REMARKS written by the lss DCDWriter"]
        int32(4 + 80 * titles.count)
        int32(titles.count)
        for line in titles {
            let text = Array(line.utf8.prefix(80))
            bytes += text + [UInt8](repeating: 0x20, count: 80 - text.count)
        }
        int32(4 + 80 * titles.count)
        int32(4); int32(atomCount); int32(4)
        return bytes
    }
}
