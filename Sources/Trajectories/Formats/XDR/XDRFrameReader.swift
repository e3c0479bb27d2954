/// What the XTC and TRR readers share: a position in the file (frame number and byte offset) and
/// the frame offsets found by one scan of the headers, used for counting, seeking and sizing chunks.
protocol XDRFrameReader: AnyObject {
    var path: String { get }
    var file: XDRInputFile { get }
    /// Offsets of every frame, once `index()` has scanned the headers.
    var frameOffsets: [Int64]? { get }
    var nextFrame: Int { get set }
    var nextOffset: Int64 { get set }
    /// The frame offsets, scanning the headers on the first call.
    func index() throws -> [Int64]
    /// The size in bytes of the frame at `offset`, from its header, or nil if it cannot be read.
    func frameSize(at offset: Int64, frame: Int) -> Int?
}

extension XDRFrameReader {
    func checkOpen() throws {
        guard !file.isClosed else { throw TrajectoryError(.io, path: path, "the reader was closed") }
    }

    /// Positions the reader at frame `index`; frame 0 needs no index, any other builds it once.
    func seekFrame(_ index: Int) throws {
        try checkOpen()
        guard index != nextFrame else { return }
        nextOffset = index == 0 ? 0 : try XDRInputFile.offset(ofFrame: index, offsets: self.index(),
                                                              fileSize: file.size, path: path)
        nextFrame = index
    }

    /// Frames left from the current position: exact with an index, otherwise estimated from the
    /// size of the next frame (so that a chunk's arrays are allocated once, not grown).
    func expectedFramesLeft() -> Int {
        if let frameOffsets { return max(0, frameOffsets.count - nextFrame) }
        guard nextOffset < file.size, let size = frameSize(at: nextOffset, frame: nextFrame) else { return 1 }
        return Int(file.remaining(from: nextOffset) / Int64(max(size, 1))) + 1
    }
}
