/// What the XTC and TRR readers share: a position in the file (frame number and byte offset) and
/// the frame offsets found by one scan of the headers, used for counting, seeking and sizing chunks.
protocol XDRFrameReader: AnyObject {
    var path: String { get }
    var file: XDRInputFile { get }
    /// Offsets of every frame, once `index()` has scanned the headers.
    var frameOffsets: [Int64]? { get set }
    var nextFrame: Int { get set }
    var nextOffset: Int64 { get set }
    /// Bytes that always hold a whole frame header.
    static var maximumHeaderSize: Int { get }
    /// Reads and checks the header of the record at `offset` (the `frame`-th frame): its size in
    /// bytes, and whether it is a frame (TRR records without positions are not).
    func scanHeader(at offset: Int64, frame: Int, readAhead: Int) throws -> (size: Int, isFrame: Bool)
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

    /// The frame offsets, scanning the headers once, jumping over each frame's data by its size.
    func index() throws -> [Int64] {
        if let frameOffsets { return frameOffsets }
        try checkOpen()
        var offsets = [Int64]()
        var offset: Int64 = 0
        // Small frames: read ahead a block that holds many headers; large frames: only the header.
        var readAhead = XDRInputFile.defaultReadAhead
        while offset < file.size {
            let (size, isFrame) = try scanHeader(at: offset, frame: offsets.count, readAhead: readAhead)
            if isFrame { offsets.append(offset) }
            offset += Int64(size)
            readAhead = size < 16 << 10 ? 1 << 20 : Self.maximumHeaderSize
        }
        frameOffsets = offsets
        return offsets
    }

    /// Frames left from the current position: exact with an index, otherwise estimated from the
    /// size of the next frame (so that a chunk's arrays are allocated once, not grown).
    func expectedFramesLeft() -> Int {
        if let frameOffsets { return max(0, frameOffsets.count - nextFrame) }
        guard nextOffset < file.size,
              let size = try? scanHeader(at: nextOffset, frame: nextFrame, readAhead: XDRInputFile.defaultReadAhead).size
        else { return 1 }
        return Int(file.remaining(from: nextOffset) / Int64(max(size, 1))) + 1
    }
}
