/// Reads GROMACS TRR trajectories: positions (nm), velocities (nm/ps), forces (kJ/(mol nm)), box,
/// time (ps) and step, in single or double precision (told apart by the block sizes).
///
/// Each of box, positions, velocities and forces is optional per frame in TRR. lss handles that so:
/// - A TRR record without positions (written when nstvout or nstfout is not a multiple of nstxout)
///   is not a trajectory frame here: reading, counting and seeking skip it.
/// - A `FrameChunk` carries velocities, forces and boxes for all its frames or for none, so
///   `read(maxFrames:)` ends a chunk early where the next frame differs from the chunk's first frame
///   in which of them it has. Streaming code simply gets more, shorter chunks.
/// - An all-zero box (what MDTraj writes without a unit cell) counts as no box.
///
/// `read` narrows double-precision files to Float32 (the chunk type); `readFrame()` returns every
/// digit as Float64. `countFrames()` and `seek(toFrame:)` use an index of frame offsets built by one
/// scan over the headers. NaN or infinite values are an error naming the frame.
public final class TRRReader: TrajectoryReader, XDRFrameReader {
    public let path: String
    public let atomCount: Int
    /// True when the first frame stores Float64 reals (GROMACS double-precision builds).
    public let isDoublePrecision: Bool

    let file: XDRInputFile
    var frameOffsets: [Int64]?
    var nextFrame = 0
    var nextOffset: Int64 = 0

    public init(path: String) throws {
        self.path = path
        file = try XDRInputFile(path: path)
        guard file.size > 0 else { throw TrajectoryError(.malformed, path: path, "the file is empty: no TRR frame") }
        let first = try TRRReader.header(in: file, at: 0, frame: 0)
        atomCount = first.atomCount
        isDoublePrecision = first.isDoublePrecision
    }

    public func countFrames() throws -> Int { try index().count }

    public func seek(toFrame index: Int) throws { try seekFrame(index) }

    public func read(maxFrames: Int) throws -> FrameChunk? {
        try checkOpen()
        let firstFrame = nextFrame
        let width = atomCount * 3
        var positions = [Float](), velocities = [Float](), forces = [Float]()
        var times = [Double](), steps = [Int](), boxes = [Box]()
        positions.reserveCapacity(min(max(maxFrames, 0), expectedFramesLeft()) * width)
        var layout: (velocities: Bool, forces: Bool, box: Bool)?
        while times.count < maxFrames {
            do {
                guard let header = try nextFrameHeader() else { break }
                let bytes = try file.bytes(at: nextOffset, count: header.frameSize)
                let box = try boxOf(bytes, header)
                let frameLayout = (velocities: header.hasVelocities, forces: header.hasForces, box: box != nil)
                if let layout, layout != frameLayout { break }
                if layout == nil {
                    if frameLayout.velocities { velocities.reserveCapacity(positions.capacity) }
                    if frameLayout.forces { forces.reserveCapacity(positions.capacity) }
                }
                layout = frameLayout
                try append(bytes + header.positionOffset, header, to: &positions, block: "position")
                if header.hasVelocities {
                    try append(bytes + header.velocityOffset, header, to: &velocities, block: "velocity")
                }
                if header.hasForces { try append(bytes + header.forceOffset, header, to: &forces, block: "force") }
                if let box { boxes.append(box) }
                times.append(header.time)
                steps.append(Int(header.step))
                nextOffset += Int64(header.frameSize)
                nextFrame += 1
            } catch {
                // Deliver the good frames first; the next read starts at the bad frame and throws.
                guard times.isEmpty else {
                    let kept = times.count * width
                    positions.removeLast(positions.count - kept)
                    if velocities.count > kept { velocities.removeLast(velocities.count - kept) }
                    if forces.count > kept { forces.removeLast(forces.count - kept) }
                    break
                }
                throw error
            }
        }
        guard let layout else {
            return maxFrames > 0 || nextOffset >= file.size ? nil : FrameChunk(atomCount: atomCount, firstFrame: firstFrame)
        }
        return FrameChunk(atomCount: atomCount, firstFrame: firstFrame, positions: positions,
                          velocities: layout.velocities ? velocities : nil, forces: layout.forces ? forces : nil,
                          times: times, steps: steps, boxes: layout.box ? boxes : nil)
    }

    /// The next frame with every digit the file holds (Float64 for double-precision files).
    public func readFrame() throws -> Frame? {
        try checkOpen()
        guard let header = try nextFrameHeader() else { return nil }
        let bytes = try file.bytes(at: nextOffset, count: header.frameSize)
        let positions = try triples(bytes + header.positionOffset, header, block: "position")
        let velocities = header.hasVelocities ? try triples(bytes + header.velocityOffset, header, block: "velocity") : nil
        let forces = header.hasForces ? try triples(bytes + header.forceOffset, header, block: "force") : nil
        let frame = Frame(positions: positions, velocities: velocities, forces: forces, box: try boxOf(bytes, header),
                          time: header.time, step: Int(header.step))
        nextOffset += Int64(header.frameSize)
        nextFrame += 1
        return frame
    }

    public func close() { file.closeFile() }

    // MARK: - Internals

    /// The header of the next record that has positions, skipping records without; nil at the end.
    private func nextFrameHeader() throws -> TRRFrameHeader? {
        while nextOffset < file.size {
            let header = try TRRReader.header(in: file, at: nextOffset, frame: nextFrame)
            try checkAtomCount(header, frame: nextFrame)
            if header.hasPositions { return header }
            nextOffset += Int64(header.frameSize)
        }
        return nil
    }

    private func checkAtomCount(_ header: TRRFrameHeader, frame: Int) throws {
        guard header.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: frame,
                                  "the frame has \(header.atomCount) atoms, the first frame has \(atomCount)")
        }
    }

    /// The frame's box, nil when it has none or an all-zero one.
    private func boxOf(_ frameBytes: UnsafeRawPointer, _ header: TRRFrameHeader) throws -> Box? {
        guard header.hasBox else { return nil }
        let values = XDRArrays.readWide(frameBytes + header.boxOffset, count: 9, width: header.realSize)
        guard values.allSatisfy(\.isFinite) else {
            throw TrajectoryError(.nonFinite, path: path, frame: nextFrame, "the box has a non-finite component")
        }
        guard values.contains(where: { $0 != 0 }) else { return nil }
        return Box(a: SIMD3(values[0], values[1], values[2]), b: SIMD3(values[3], values[4], values[5]),
                   c: SIMD3(values[6], values[7], values[8]))
    }

    private func append(_ source: UnsafeRawPointer, _ header: TRRFrameHeader, to array: inout [Float],
                        block: String) throws {
        let count = atomCount * 3
        let start = array.count
        array.append(contentsOf: repeatElement(0, count: count))
        let bad = array.withUnsafeMutableBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            return header.isDoublePrecision
                ? XDRArrays.readDoubles(source, count: count, into: base + start)
                : XDRArrays.readFloats(source, count: count, into: base + start)
        }
        if let bad {
            throw TrajectoryError(.nonFinite, path: path, frame: nextFrame,
                                  "atom \(bad / 3) has a non-finite \(block)")
        }
    }

    private func triples(_ source: UnsafeRawPointer, _ header: TRRFrameHeader, block: String) throws
        -> [SIMD3<Double>] {
        let values = XDRArrays.readWide(source, count: atomCount * 3, width: header.realSize)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw TrajectoryError(.nonFinite, path: path, frame: nextFrame, "atom \(bad / 3) has a non-finite \(block)")
        }
        return (0 ..< atomCount).map { SIMD3(values[3 * $0], values[3 * $0 + 1], values[3 * $0 + 2]) }
    }

    /// Records without positions (GROMACS writes them when nstvout or nstfout is not a multiple of
    /// nstxout) are not frames.
    func scanHeader(at offset: Int64, frame: Int, readAhead: Int) throws -> (size: Int, isFrame: Bool) {
        let header = try TRRReader.header(in: file, at: offset, frame: frame, readAhead: readAhead)
        try checkAtomCount(header, frame: frame)
        return (header.frameSize, header.hasPositions)
    }

    static let maximumHeaderSize = TRRFrameHeader.maximumSize

    private static func header(in file: XDRInputFile, at offset: Int64, frame: Int,
                               readAhead: Int = XDRInputFile.defaultReadAhead) throws -> TRRFrameHeader {
        let remaining = file.remaining(from: offset)
        let available = Int(min(remaining, Int64(TRRFrameHeader.maximumSize)))
        let bytes = try file.bytes(at: offset, count: available, readAhead: readAhead)
        do {
            return try TRRFrameHeader.parse(bytes, available: available, fileRemaining: remaining)
        } catch {
            throw error.error(path: file.path, frame: frame)
        }
    }
}
