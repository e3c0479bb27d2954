#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands out the lines of a text file from a large reusable buffer, refilled with pread, so that
/// a dump of any size is read with bounded memory and no String per line. A line is returned as a
/// byte range into `bytes`, valid until the next call; the newline (and a carriage return before
/// it) is not included.
final class LAMMPSLineScanner {
    private let file: PositionalFile
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// File offset of bytes[0].
    private var bufferStart = 0
    /// Valid bytes in the buffer.
    private var filled = 0
    /// Index in the buffer where the next line starts.
    private var position = 0
    private var reachedEnd = false
    /// 1-based number of the line the next call returns.
    private(set) var lineNumber = 1

    static let longestLine = 64 << 20

    init(file: PositionalFile, capacity: Int = 1 << 20) {
        self.file = file
        self.capacity = max(capacity, 256)
        bytes = .allocate(capacity: self.capacity)
    }

    deinit { bytes.deallocate() }

    /// File offset of the next line.
    var offset: Int { bufferStart + position }

    /// Moves to `offset`, which must be the start of line `line`.
    func seek(to offset: Int, line: Int) {
        bufferStart = offset
        filled = 0
        position = 0
        reachedEnd = false
        lineNumber = line
    }

    /// The next line's byte range in `bytes`, or nil at the end of the file.
    func nextLine() throws -> Range<Int>? {
        while true {
            let available = filled - position
            if available > 0, let found = memchr(bytes + position, 0x0A, available) {
                let newline = bytes.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let line = position ..< trimCarriageReturn(newline)
                position = newline + 1
                lineNumber += 1
                return line
            }
            if reachedEnd {
                guard available > 0 else { return nil }
                // A last line without a newline.
                let line = position ..< trimCarriageReturn(filled)
                position = filled
                lineNumber += 1
                return line
            }
            try refill()
        }
    }

    private func trimCarriageReturn(_ end: Int) -> Int {
        end > position && bytes[end - 1] == 0x0D ? end - 1 : end
    }

    /// Keeps the unfinished line, growing the buffer when one line fills it, and reads more.
    private func refill() throws {
        let kept = filled - position
        if position > 0 {
            if kept > 0 { memmove(bytes, bytes + position, kept) }
            bufferStart += position
            position = 0
            filled = kept
        }
        if filled == capacity {
            // A text dump's lines are short; a "line" this long means the file is not text.
            guard capacity < Self.longestLine else {
                throw TrajectoryError(.malformed, path: file.path, "line \(lineNumber) is longer than \(Self.longestLine >> 20) MiB: not a text dump")
            }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: bytes, count: filled)
            bytes.deallocate()
            bytes = larger
            capacity *= 2
        }
        let requested = capacity - filled
        let got = try file.read(into: UnsafeMutableRawBufferPointer(start: bytes + filled, count: requested),
                                count: requested, at: bufferStart + filled)
        filled += got
        // PositionalFile.read comes back short only at the end of the file.
        reachedEnd = got < requested
    }
}
