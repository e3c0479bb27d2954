/// Reads frames from one trajectory file in chunks (DESIGN.md §4, trajectory reader contract).
///
/// A reader holds at most one chunk in memory: `read(maxFrames:)` returns consecutive frames from
/// the current position, so streaming a file of any size costs memory proportional to the chunk.
/// Every malformed input throws a `TrajectoryError` naming the file and, where one is involved,
/// the frame; no input traps.
public protocol TrajectoryReader: AnyObject {
    /// The file being read.
    var path: String { get }
    /// Atoms in every frame.
    var atomCount: Int { get }
    /// The topology the file itself carries (PDB, GRO, MDTraj HDF5), or nil.
    var topology: Topology? { get }
    /// Number of frames in the file. Formats without a frame count in their header (XTC, LAMMPS
    /// dumps, multi-model PDB, multi-frame GRO) scan the file once on the first call.
    func countFrames() throws -> Int
    /// Up to `maxFrames` frames from the current position, or nil at the end of the file.
    func read(maxFrames: Int) throws -> FrameChunk?
    /// Positions the reader so that the next `read` starts at frame `index` (0 ≤ index ≤ count).
    func seek(toFrame index: Int) throws
    /// The frame at the current position in the file's full precision (Float64 formats keep it),
    /// or nil at the end of the file.
    func readFrame() throws -> Frame?
    /// Releases the file. Reading after `close` throws.
    func close()
}

extension TrajectoryReader {
    public var topology: Topology? { nil }

    public func readFrame() throws -> Frame? {
        guard let chunk = try read(maxFrames: 1), chunk.frameCount == 1 else { return nil }
        return chunk.frame(0)
    }

    /// Every remaining frame in one chunk. For small files and tests; stream large ones.
    /// Velocities, forces, steps or boxes are kept only when every frame has them (a TRR may carry
    /// velocities in some frames only; readers end a chunk where that changes).
    public func readAll(chunkSize: Int = 1024) throws -> FrameChunk {
        var chunks = [FrameChunk]()
        while let chunk = try read(maxFrames: chunkSize) { chunks.append(chunk) }
        guard let first = chunks.first else { return FrameChunk(atomCount: atomCount) }
        func joined<T>(_ field: (FrameChunk) -> [T]?) -> [T]? {
            var all = [T]()
            for chunk in chunks {
                guard let values = field(chunk) else { return nil }
                all += values
            }
            return all
        }
        return FrameChunk(atomCount: first.atomCount, firstFrame: first.firstFrame,
                          positions: joined(\.positions) ?? [], velocities: joined(\.velocities),
                          forces: joined(\.forces), times: joined(\.times) ?? [], steps: joined(\.steps),
                          boxes: joined(\.boxes))
    }
}

/// Writes frames to one trajectory file. Frames go to disk as they are written; `close` finishes
/// the file (headers that hold a frame count are updated) and must be called.
public protocol TrajectoryWriter: AnyObject {
    var path: String { get }
    /// Appends the frames of `chunk`.
    func write(_ chunk: FrameChunk) throws
    /// Appends one full-precision frame; formats that store Float64 keep every digit.
    func write(_ frame: Frame) throws
    /// Completes the file. Further writes throw.
    func close() throws
}

extension TrajectoryWriter {
    public func write(_ frame: Frame) throws {
        try write(frame.chunk())
    }
}
