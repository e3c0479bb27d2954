/// Writes GROMACS TRR trajectories: positions always, velocities, forces and box when the chunk or
/// frame has them; time, step (32-bit) and lambda 0. Single precision by default; with
/// `doublePrecision` the reals are Float64, and `write(_ frame: Frame)` keeps every digit of the
/// frame (what a restart-grade seed needs). A chunk without steps gets the frame index. Each write
/// goes to disk before it returns; a chunk with a NaN writes none of its frames.
public final class TRRWriter: TrajectoryWriter {
    public let path: String
    public let atomCount: Int
    public let isDoublePrecision: Bool

    private let file: XDROutputFile
    private var output = XDREncoder()
    private var framesWritten = 0

    public init(path: String, atomCount: Int, topology: Topology? = nil, doublePrecision: Bool = false) throws {
        self.path = path
        self.atomCount = atomCount
        isDoublePrecision = doublePrecision
        // The largest block (natoms × 3 × 8 bytes) must fit the 32-bit size fields.
        guard atomCount >= 0, atomCount * 3 * (doublePrecision ? 8 : 4) <= Int(Int32.max) else {
            throw TrajectoryError(.unsupported, path: path, "TRR cannot store \(atomCount) atoms")
        }
        file = try XDROutputFile(path: path)
    }

    public func write(_ chunk: FrameChunk) throws {
        try checkWritable(atomCount: chunk.atomCount)
        output.removeAll()
        let width = atomCount * 3
        for index in 0 ..< chunk.frameCount {
            let frame = framesWritten + index
            let range = (index * width) ..< ((index + 1) * width)
            let blocks = [chunk.positions[range], chunk.velocities?[range], chunk.forces?[range]]
            for (name, block) in zip(["position", "velocity", "force"], blocks) {
                if let block, let bad = block.firstIndex(where: { !$0.isFinite }) {
                    throw TrajectoryError(.nonFinite, path: path, frame: frame,
                                          "atom \((bad - range.lowerBound) / 3) has a non-finite \(name)")
                }
            }
            try writeHeader(time: chunk.times[index], step: chunk.steps?[index] ?? frame, box: chunk.boxes?[index],
                            velocities: chunk.velocities != nil, forces: chunk.forces != nil, frame: frame)
            for block in blocks {
                guard let block else { continue }
                block.withUnsafeBufferPointer { values in
                    if isDoublePrecision { output.doubles(values) } else { output.floats(values) }
                }
            }
        }
        try file.write(output.bytes)
        output.removeAll()
        framesWritten += chunk.frameCount
    }

    /// Writes one frame; in a double-precision file every Float64 digit is kept.
    public func write(_ frame: Frame) throws {
        try checkWritable(atomCount: frame.atomCount)
        for (name, block) in [("position", frame.positions), ("velocity", frame.velocities),
                              ("force", frame.forces)] {
            if let block, let bad = block.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
                throw TrajectoryError(.nonFinite, path: path, frame: framesWritten, "atom \(bad) has a non-finite \(name)")
            }
            guard block == nil || block?.count == atomCount else {
                throw TrajectoryError(.mismatch, path: path, frame: framesWritten,
                                      "the frame has \(block?.count ?? 0) \(name)s for \(atomCount) atoms")
            }
        }
        output.removeAll()
        try writeHeader(time: frame.time ?? Double(framesWritten), step: frame.step ?? framesWritten, box: frame.box,
                        velocities: frame.velocities != nil, forces: frame.forces != nil, frame: framesWritten)
        for block in [frame.positions, frame.velocities, frame.forces] {
            guard let block else { continue }
            for vector in block {
                writeReal(vector.x)
                writeReal(vector.y)
                writeReal(vector.z)
            }
        }
        try file.write(output.bytes)
        output.removeAll()
        framesWritten += 1
    }

    public func close() throws { try file.close() }

    private func checkWritable(atomCount count: Int) throws {
        guard !file.isClosed else { throw TrajectoryError(.io, path: path, "the writer was closed") }
        guard count == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: framesWritten,
                                  "the data have \(count) atoms, the file \(atomCount)")
        }
    }

    private func writeHeader(time: Double, step: Int, box: Box?, velocities: Bool, forces: Bool, frame: Int) throws {
        guard let step32 = Int32(exactly: step) else {
            throw TrajectoryError(.unsupported, path: path, frame: frame, "step \(step) does not fit TRR's 32-bit step field")
        }
        guard time.isFinite else { throw TrajectoryError(.nonFinite, path: path, frame: frame, "the time is not finite") }
        let vectors = box.map { [$0.a, $0.b, $0.c] }
        if let vectors, !vectors.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) {
            throw TrajectoryError(.nonFinite, path: path, frame: frame, "the box has a non-finite component")
        }
        let real = isDoublePrecision ? 8 : 4
        let vectorBlock = Int32(atomCount * 3 * real)
        output.int32(TRRFrameHeader.magic)
        output.int32(Int32(TRRFrameHeader.version.utf8.count + 1))
        output.string(TRRFrameHeader.version)
        let sizes: [Int32] = [0, 0, vectors == nil ? 0 : Int32(9 * real), 0, 0, 0, 0,
                              vectorBlock, velocities ? vectorBlock : 0, forces ? vectorBlock : 0]
        for size in sizes { output.int32(size) }
        output.int32(Int32(atomCount))
        output.int32(step32)
        output.int32(0) // nre
        writeReal(time)
        writeReal(0) // lambda
        for vector in vectors ?? [] {
            writeReal(vector.x)
            writeReal(vector.y)
            writeReal(vector.z)
        }
    }

    private func writeReal(_ value: Double) {
        if isDoublePrecision { output.double(value) } else { output.float(Float(value)) }
    }
}
