/// Writes GROMACS XTC trajectories with GROMACS's coordinate compression.
///
/// Positions are rounded to 1/precision nm (default precision 1000: 0.001 nm); frames of ≤ 9 atoms
/// are stored uncompressed, as GROMACS does. Time (ps, Float32), step (32-bit) and box come from the
/// chunk; a chunk without boxes gets the all-zero box GROMACS writes for a system without a cell,
/// and a chunk without steps gets the frame index. Velocities and forces are not part of XTC and are
/// dropped. Each `write` goes to disk before it returns; a chunk that fails (NaN, a coordinate
/// beyond ±2^31/precision nm) writes none of its frames.
public final class XTCWriter: TrajectoryWriter {
    public let path: String
    public let atomCount: Int
    /// Coordinates are stored as integers of 1/precision nm.
    public let precision: Float

    private let file: XDROutputFile
    private let encoder = XTCEncoder()
    private var output = XDREncoder()
    private var framesWritten = 0

    public init(path: String, atomCount: Int, topology: Topology? = nil, precision: Float = 1000) throws {
        self.path = path
        self.atomCount = atomCount
        self.precision = precision
        guard atomCount >= 0, atomCount <= Int(Int32.max) else {
            throw TrajectoryError(.unsupported, path: path, "XTC cannot store \(atomCount) atoms")
        }
        guard precision.isFinite, precision > 0 else {
            throw TrajectoryError(.unsupported, path: path, "the XTC precision must be a positive number, not \(precision)")
        }
        file = try XDROutputFile(path: path)
    }

    public func write(_ chunk: FrameChunk) throws {
        guard !file.isClosed else { throw TrajectoryError(.io, path: path, "the writer was closed") }
        guard chunk.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: framesWritten,
                                  "the chunk has \(chunk.atomCount) atoms, the file \(atomCount)")
        }
        output.removeAll()
        let width = atomCount * 3
        try chunk.positions.withUnsafeBufferPointer { positions in
            for index in 0 ..< chunk.frameCount {
                let frame = framesWritten + index
                let coordinates = UnsafeBufferPointer(rebasing: positions[(index * width) ..< ((index + 1) * width)])
                try encodeFrame(coordinates, time: chunk.times[index], step: chunk.steps?[index] ?? frame,
                                box: chunk.boxes?[index], frame: frame)
            }
        }
        try file.write(output.bytes)
        output.removeAll()
        framesWritten += chunk.frameCount
    }

    public func close() throws { try file.close() }

    private func encodeFrame(_ coordinates: UnsafeBufferPointer<Float>, time: Double, step: Int, box: Box?,
                             frame: Int) throws {
        guard let step32 = Int32(exactly: step) else {
            throw TrajectoryError(.unsupported, path: path, frame: frame, "step \(step) does not fit XTC's 32-bit step field")
        }
        let vectors = box.map { [$0.a, $0.b, $0.c] } ?? [.zero, .zero, .zero]
        guard vectors.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }), time.isFinite else {
            throw TrajectoryError(.nonFinite, path: path, frame: frame, "the box or the time is not finite")
        }
        let large = atomCount > XTCFrameHeader.largeSystemAtoms
        output.int32(large ? XTCFrameHeader.largeMagic : XTCFrameHeader.magic)
        output.int32(Int32(atomCount))
        output.int32(step32)
        output.float(Float(time))
        for vector in vectors {
            output.float(Float(vector.x))
            output.float(Float(vector.y))
            output.float(Float(vector.z))
        }
        output.int32(Int32(atomCount))
        if atomCount <= XTCFrameHeader.uncompressedAtomLimit {
            if let bad = coordinates.firstIndex(where: { !$0.isFinite }) {
                throw TrajectoryError(.nonFinite, path: path, frame: frame, "atom \(bad / 3) has a non-finite coordinate")
            }
            output.floats(coordinates)
            return
        }
        guard let base = coordinates.baseAddress else { return }
        let header: XTCCompressedHeader
        do {
            header = try encoder.encode(base, atomCount: atomCount, precision: precision)
        } catch {
            switch error {
            case .nonFinite(let atom):
                throw TrajectoryError(.nonFinite, path: path, frame: frame, "atom \(atom) has a non-finite coordinate")
            case .outOfRange(let atom, let value):
                throw TrajectoryError(.unsupported, path: path, frame: frame,
                                      "atom \(atom): coordinate \(value) nm × precision \(precision) exceeds the 32-bit integers of XTC")
            case .spanTooLarge:
                throw TrajectoryError(.unsupported, path: path, frame: frame,
                                      "the coordinates span more than 2^31 units of 1/\(precision) nm")
            case .malformed(let text):
                throw TrajectoryError(.unsupported, path: path, frame: frame, text)
            }
        }
        output.float(header.precision)
        for axis in 0 ..< 3 { output.int32(header.minimum[axis]) }
        for axis in 0 ..< 3 { output.int32(header.maximum[axis]) }
        output.int32(header.smallIndex)
        if large { output.int64(Int64(header.byteCount)) } else { output.int32(Int32(header.byteCount)) }
        output.opaque(UnsafeBufferPointer(start: encoder.payload, count: header.byteCount))
    }
}
