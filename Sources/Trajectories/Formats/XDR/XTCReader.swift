/// Reads GROMACS XTC trajectories: compressed positions (nm), time (ps), step and box per frame.
///
/// Frames are decoded straight from a read-ahead window of the file. `countFrames()` and
/// `seek(toFrame:)` build an index of frame offsets by one scan over the frame headers, jumping over
/// each compressed payload by its byte count without decoding it. Every size in a header is checked
/// against what is left of the file before it is used.
///
/// Boxes: GROMACS writes an all-zero box when there is no periodic cell; such frames have no box.
/// A chunk carries boxes for all its frames or for none, so a chunk ends early where a file switches
/// between frames with and without a box.
public final class XTCReader: TrajectoryReader, XDRFrameReader {
    public let path: String
    public let atomCount: Int
    /// The precision of the first frame (1000 means 0.001 nm), or nil when frames hold ≤ 9 atoms,
    /// which XTC stores uncompressed in full Float32.
    public let precision: Float?

    let file: XDRInputFile
    /// File offset of every frame, built on first need.
    var frameOffsets: [Int64]?
    var nextFrame = 0
    var nextOffset: Int64 = 0

    public init(path: String) throws {
        self.path = path
        file = try XDRInputFile(path: path)
        guard file.size > 0 else { throw TrajectoryError(.malformed, path: path, "the file is empty: no XTC frame") }
        let first = try XTCReader.header(in: file, at: 0, frame: 0)
        atomCount = first.atomCount
        precision = first.compressed?.precision
    }

    public func countFrames() throws -> Int { try index().count }

    public func seek(toFrame index: Int) throws { try seekFrame(index) }

    public func read(maxFrames: Int) throws -> FrameChunk? {
        try checkOpen()
        guard nextOffset < file.size else { return nil }
        var chunk = FrameChunk(atomCount: atomCount, firstFrame: nextFrame)
        guard maxFrames > 0 else { return chunk }
        let width = atomCount * 3
        var positions = [Float]()
        positions.reserveCapacity(min(maxFrames, expectedFramesLeft()) * width)
        var times = [Double](), steps = [Int](), boxes = [Box]()
        var chunkHasBox: Bool?
        while times.count < maxFrames, nextOffset < file.size {
            do {
                let header = try XTCReader.header(in: file, at: nextOffset, frame: nextFrame)
                try checkAtomCount(header)
                if let chunkHasBox, chunkHasBox != header.hasBox { break }
                chunkHasBox = header.hasBox
                let frameBytes = try file.bytes(at: nextOffset, count: header.frameSize)
                let start = positions.count
                positions.append(contentsOf: repeatElement(0, count: width))
                try positions.withUnsafeMutableBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    try decodeCoordinates(header, frameBytes, into: base + start)
                }
                times.append(Double(header.time))
                steps.append(Int(header.step))
                if header.hasBox { boxes.append(header.box) }
                nextOffset += Int64(header.frameSize)
                nextFrame += 1
            } catch {
                // Deliver the good frames first; the next read starts at the bad frame and throws.
                guard times.isEmpty else {
                    positions.removeLast(positions.count - times.count * width)
                    break
                }
                throw error
            }
        }
        chunk = FrameChunk(atomCount: atomCount, firstFrame: chunk.firstFrame, positions: positions,
                           times: times, steps: steps, boxes: chunkHasBox == true ? boxes : nil)
        return chunk
    }

    public func close() { file.closeFile() }

    // MARK: - Internals

    private func checkAtomCount(_ header: XTCFrameHeader) throws {
        guard header.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: nextFrame,
                                  "the frame has \(header.atomCount) atoms, the first frame has \(atomCount)")
        }
    }

    private func decodeCoordinates(_ header: XTCFrameHeader, _ frameBytes: UnsafeRawPointer,
                                   into output: UnsafeMutablePointer<Float>) throws {
        let coordinates = frameBytes + header.coordinateOffset
        guard let compressed = header.compressed else {
            if let bad = XDRArrays.readFloats(coordinates, count: atomCount * 3, into: output) {
                throw TrajectoryError(.nonFinite, path: path, frame: nextFrame,
                                      "atom \(bad / 3) has a non-finite coordinate")
            }
            return
        }
        do {
            try XTCCompression.decode(coordinates, header: compressed, atomCount: atomCount, into: output)
        } catch {
            switch error {
            case .malformed(let text):
                throw TrajectoryError(.malformed, path: path, frame: nextFrame, "corrupt compressed coordinates: \(text)")
            case .nonFinite, .outOfRange, .spanTooLarge:
                throw TrajectoryError(.malformed, path: path, frame: nextFrame, "corrupt compressed coordinates")
            }
        }
    }

    func scanHeader(at offset: Int64, frame: Int, readAhead: Int) throws -> (size: Int, isFrame: Bool) {
        let header = try XTCReader.header(in: file, at: offset, frame: frame, readAhead: readAhead)
        guard header.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: frame,
                                  "the frame has \(header.atomCount) atoms, the first frame has \(atomCount)")
        }
        return (header.frameSize, true)
    }

    static let maximumHeaderSize = XTCFrameHeader.maximumSize

    private static func header(in file: XDRInputFile, at offset: Int64, frame: Int,
                               readAhead: Int = XDRInputFile.defaultReadAhead) throws -> XTCFrameHeader {
        let remaining = file.remaining(from: offset)
        let available = Int(min(remaining, Int64(XTCFrameHeader.maximumSize)))
        let bytes = try file.bytes(at: offset, count: available, readAhead: readAhead)
        do {
            return try XTCFrameHeader.parse(bytes, available: available, fileRemaining: remaining)
        } catch {
            throw error.error(path: file.path, frame: frame)
        }
    }
}
