/// Reads CHARMM, NAMD, OpenMM, MDTraj, LAMMPS and X-PLOR DCD files of either byte order
/// (see `DCDFormat` for the layout and `DCDUnitCell` for the cell record).
///
/// Positions come out in nm, boxes from the unit-cell record, steps as ISTART + i·NSAVC and times
/// as step × DELTA in ps (DELTA is in AKMA units of 48.88821 fs). Every frame after the first has
/// the same size, so `seek` is arithmetic.
///
/// LAMMPS (`dump dcd`, title "Written by LAMMPS") stores DELTA in its own time unit, not AKMA; the
/// reader takes it as fs (`units real`, the usual style for molecules) unless `timeStep` is given.
///
/// The frame count is the header's NSET. A header that claims more frames than the file holds is
/// an error; a header with NSET = 0 (a writer stopped before it updated the header) falls back to
/// the complete frames the file holds, ignoring a torn last frame.
public final class DCDReader: TrajectoryReader {
    public let path: String
    public let atomCount: Int
    /// The title lines of the header (e.g. "Created by OpenMM").
    public let titles: [String]
    /// True for a file written on a big-endian machine.
    public let isBigEndian: Bool
    /// The MD time step (DELTA) in ps.
    public let timeStep: Double
    /// True when LAMMPS wrote the file (its first title line says so).
    public let isLAMMPS: Bool

    private let header: DCDHeader
    private let file: PositionalFile
    private let frameCount: Int
    /// Whether frames carry a box: the unit-cell record exists and the first frame's is non-zero.
    private let hasBoxes: Bool
    /// With fixed atoms: frame 0 in nm, which supplies the fixed atoms of every later frame.
    private var fixedAtomFrame: [Float]?
    private var nextFrame = 0
    private var buffer: [UInt8] = []
    private var isClosed = false

    /// Bytes read per pread; large enough to amortise the call, small enough to stay in cache.
    private static let batchBytes = 8 << 20

    /// `timeStep` (ps) replaces the header's DELTA, for files whose DELTA is not in AKMA units.
    public init(path: String, timeStep: Double? = nil) throws {
        self.path = path
        file = try PositionalFile(path: path, mode: .read)
        header = try DCDHeader.read(from: file)
        atomCount = header.atomCount
        titles = header.titles
        isBigEndian = header.isBigEndian
        isLAMMPS = header.titles.first?.hasPrefix("Written by LAMMPS") ?? false
        let femtosecond = 0.001
        self.timeStep = timeStep ?? header.timeStepAKMA * (isLAMMPS ? femtosecond : DCDFormat.akmaTimeInPicoseconds)

        let complete = header.completeFrames(inFileOfSize: try file.size())
        if header.framesInHeader > 0 {
            guard header.framesInHeader <= complete else {
                throw TrajectoryError(.malformed, path: path, frame: complete,
                                      "the header says \(header.framesInHeader) frames but the file holds only "
                                      + "\(complete) complete frames; frame \(complete) is missing or truncated")
            }
            frameCount = header.framesInHeader
        } else {
            frameCount = complete
        }

        var firstBox: Box?
        if header.hasUnitCell && frameCount > 0 {
            guard try file.readExactly(into: &buffer, count: DCDFormat.unitCellRecordLength + 8,
                                       at: header.firstFrameOffset) else {
                throw TrajectoryError(.malformed, path: path, frame: 0, "the unit-cell record is truncated")
            }
            firstBox = try buffer.withUnsafeBytes { [header] in
                try Self.unitCell(in: $0, at: 0, frame: 0, header: header, path: path)
            }
        }
        hasBoxes = firstBox != nil

        if header.freeAtoms != nil && frameCount > 0 {
            // The fixed atoms' positions are stored once, in frame 0.
            fixedAtomFrame = try decode(frames: 0 ..< 1).positions
        }
    }

    public func countFrames() throws -> Int {
        try requireOpen()
        return frameCount
    }

    public func seek(toFrame index: Int) throws {
        try requireOpen()
        guard index >= 0 && index <= frameCount else {
            throw TrajectoryError(.mismatch, path: path, frame: index, "cannot seek to frame \(index): the file has \(frameCount) frames")
        }
        nextFrame = index
    }

    public func read(maxFrames: Int) throws -> FrameChunk? {
        try requireOpen()
        guard nextFrame < frameCount else { return nil }
        let count = min(max(maxFrames, 0), frameCount - nextFrame)
        let chunk = try decode(frames: nextFrame ..< nextFrame + count)
        nextFrame += count
        return chunk
    }

    public func close() {
        file.close()
        isClosed = true
    }

    private func requireOpen() throws {
        guard !isClosed else { throw TrajectoryError(.io, path: path, "the reader is closed") }
    }

    // MARK: - Decoding

    /// Decodes a run of frames, reading the file in batches of about `batchBytes`.
    private func decode(frames: Range<Int>) throws -> FrameChunk {
        let width = atomCount * 3
        // Every element is written by decodeFrame (or an error is thrown), so no zero-filling.
        let total = frames.count * width
        var positions = [Float](unsafeUninitializedCapacity: total) { _, initialized in initialized = total }
        var boxes: [Box] = []
        if hasBoxes { boxes.reserveCapacity(frames.count) }
        var frame = frames.lowerBound
        while frame < frames.upperBound {
            // At least one frame per batch, as many more as fit.
            var end = frame + 1
            while end < frames.upperBound,
                  header.offset(ofFrame: end + 1) - header.offset(ofFrame: frame) <= Self.batchBytes { end += 1 }
            let start = header.offset(ofFrame: frame)
            let length = header.offset(ofFrame: end) - start
            guard try file.readExactly(into: &buffer, count: length, at: start) else {
                throw TrajectoryError(.malformed, path: path, frame: frame, "the file ends inside this frame (truncated)")
            }
            try buffer.withUnsafeBytes { bytes in
                try positions.withUnsafeMutableBufferPointer { out in
                    var local = 0
                    for index in frame ..< end {
                        let start = (index - frames.lowerBound) * width
                        let destination = UnsafeMutableBufferPointer(rebasing: out[start ..< start + width])
                        local = try decodeFrame(index, from: bytes, at: local, into: destination, boxes: &boxes)
                    }
                }
            }
            frame = end
        }
        let steps = frames.map { header.firstStep + $0 * max(header.stepsBetweenFrames, 1) }
        let times = zip(frames, steps).map { index, step in
            timeStep.isFinite && timeStep > 0 ? Double(step) * timeStep : Double(index)
        }
        return FrameChunk(atomCount: atomCount, firstFrame: frames.lowerBound, positions: positions,
                          times: times, steps: steps, boxes: hasBoxes ? boxes : nil)
    }

    /// Decodes frame `index` from `bytes` at `offset` into `out` (x, y, z per atom, nm); returns
    /// the offset just past the frame.
    private func decodeFrame(_ index: Int, from bytes: UnsafeRawBufferPointer, at offset: Int,
                             into out: UnsafeMutableBufferPointer<Float>, boxes: inout [Box]) throws -> Int {
        let order = DCDByteOrder(isBigEndian: header.isBigEndian)
        var cursor = offset
        if header.hasUnitCell {
            let box = try Self.unitCell(in: bytes, at: cursor, frame: index, header: header, path: path)
            if hasBoxes { boxes.append(box ?? Box(a: .zero, b: .zero, c: .zero)) }
            cursor += DCDFormat.unitCellRecordLength + 8
        }
        let free = index == 0 ? nil : header.freeAtoms
        let stored = free?.count ?? atomCount
        let recordLength = 4 * stored
        var axisStart = [0, 0, 0]
        for axis in 0 ..< 3 {
            let opening = Int(order.int32(bytes, at: cursor)), closing = Int(order.int32(bytes, at: cursor + 4 + recordLength))
            guard opening == recordLength && closing == recordLength else {
                throw TrajectoryError(.malformed, path: path, frame: index,
                                      "the \(["x", "y", "z"][axis]) record's markers are \(opening)/\(closing), expected "
                                      + "\(recordLength) for \(stored) atoms (corrupt file)")
            }
            axisStart[axis] = cursor + 4
            cursor += recordLength + 8
        }
        let (xs, ys, zs) = (axisStart[0], axisStart[1], axisStart[2])
        let toNanometres: Float = 0.1
        // Non-finite values are flagged from the bit patterns (all exponent bits set) with
        // integer ORs, which keeps the loop free of branches.
        let exponentBits: UInt32 = 0x7F80_0000
        var flagged: UInt32 = 0
        @inline(__always) func load(_ offset: Int) -> UInt32 { order.uint32(bytes, at: offset) }
        if let free, let fixed = fixedAtomFrame {
            for i in 0 ..< out.count { out[i] = fixed[i] }
            for (slot, atom) in free.enumerated() {
                let x = load(xs + 4 * slot), y = load(ys + 4 * slot), z = load(zs + 4 * slot)
                flagged |= (x & exponentBits == exponentBits ? 1 : 0) | (y & exponentBits == exponentBits ? 1 : 0)
                    | (z & exponentBits == exponentBits ? 1 : 0)
                out[3 * atom] = Float(bitPattern: x) * toNanometres
                out[3 * atom + 1] = Float(bitPattern: y) * toNanometres
                out[3 * atom + 2] = Float(bitPattern: z) * toNanometres
            }
        } else if let base = bytes.baseAddress, !order.swap {
            // The common case (file in this machine's byte order): plain loads, no swaps.
            let xp = base + xs, yp = base + ys, zp = base + zs
            for atom in 0 ..< stored {
                let x = xp.loadUnaligned(fromByteOffset: 4 * atom, as: UInt32.self)
                let y = yp.loadUnaligned(fromByteOffset: 4 * atom, as: UInt32.self)
                let z = zp.loadUnaligned(fromByteOffset: 4 * atom, as: UInt32.self)
                flagged |= (x & exponentBits == exponentBits ? 1 : 0) | (y & exponentBits == exponentBits ? 1 : 0)
                    | (z & exponentBits == exponentBits ? 1 : 0)
                out[3 * atom] = Float(bitPattern: x) * toNanometres
                out[3 * atom + 1] = Float(bitPattern: y) * toNanometres
                out[3 * atom + 2] = Float(bitPattern: z) * toNanometres
            }
        } else {
            for atom in 0 ..< stored {
                let x = load(xs + 4 * atom), y = load(ys + 4 * atom), z = load(zs + 4 * atom)
                flagged |= (x & exponentBits == exponentBits ? 1 : 0) | (y & exponentBits == exponentBits ? 1 : 0)
                    | (z & exponentBits == exponentBits ? 1 : 0)
                out[3 * atom] = Float(bitPattern: x) * toNanometres
                out[3 * atom + 1] = Float(bitPattern: y) * toNanometres
                out[3 * atom + 2] = Float(bitPattern: z) * toNanometres
            }
        }
        let allFinite = flagged == 0
        if !allFinite {
            let atom = (0 ..< atomCount).first { !out[3 * $0].isFinite || !out[3 * $0 + 1].isFinite || !out[3 * $0 + 2].isFinite } ?? 0
            throw TrajectoryError(.nonFinite, path: path, frame: index, "atom \(atom) has a non-finite coordinate")
        }
        return cursor
    }

    /// The box in the unit-cell record at `offset`, checking its markers.
    private static func unitCell(in bytes: UnsafeRawBufferPointer, at offset: Int, frame: Int, header: DCDHeader,
                                 path: String) throws -> Box? {
        let order = DCDByteOrder(isBigEndian: header.isBigEndian)
        let length = DCDFormat.unitCellRecordLength
        let opening = Int(order.int32(bytes, at: offset)), closing = Int(order.int32(bytes, at: offset + 4 + length))
        guard opening == length && closing == length else {
            throw TrajectoryError(.malformed, path: path, frame: frame,
                                  "the unit-cell record's markers are \(opening)/\(closing), expected \(length) (corrupt file)")
        }
        let values = (0 ..< 6).map { order.float64(bytes, at: offset + 4 + 8 * $0) }
        guard values.allSatisfy(\.isFinite) else {
            throw TrajectoryError(.nonFinite, path: path, frame: frame, "the unit cell has a non-finite value")
        }
        return DCDUnitCell.decode(values)
    }
}
