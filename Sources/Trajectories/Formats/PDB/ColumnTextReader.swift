#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line through one reusable buffer, for the fixed-column text formats
/// (PDB, GRO, prmtop, PSF). Lines are handed out as byte views into the buffer, valid until the
/// next call, so that decoding a coordinate line allocates nothing. Reads go through `pread` at
/// tracked offsets, which makes seeking to a remembered line start free.
final class ColumnTextReader {
    let path: String
    let fileSize: Int64
    private var descriptor: Int32
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Unread bytes are storage[start ..< end]; storage[0] is at file offset `storageOffset`.
    private var start = 0
    private var end = 0
    private var storageOffset: Int64 = 0
    private var reachedEnd = false
    /// One-based number of the line last returned by `nextLine` (0 before the first).
    private(set) var lineNumber = 0
    /// File offset of the first byte of the line last returned.
    private(set) var lineOffset: Int64 = 0

    /// Lines longer than this are refused rather than buffered without bound.
    static let maximumLineLength = 1 << 28

    init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw TrajectoryError(.io, path: path, "cannot open the file for reading (\(String(cString: strerror(errno))))")
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            closeDescriptor(fd)
            throw TrajectoryError(.io, path: path, "cannot read the file's size")
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            closeDescriptor(fd)
            throw TrajectoryError(.io, path: path, "is a directory, not a file")
        }
        descriptor = fd
        fileSize = Int64(status.st_size)
        capacity = max(4096, bufferSize)
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
        if descriptor >= 0 { closeDescriptor(descriptor) }
    }

    var isClosed: Bool { descriptor < 0 }

    func close() {
        if descriptor >= 0 { closeDescriptor(descriptor) }
        descriptor = -1
    }

    /// File offset where the next line starts.
    var nextLineOffset: Int64 { storageOffset + Int64(start) }

    /// Continues reading at `offset`, which must be a line start; `lineNumber` is the number of
    /// the line before it (so the next line returned is numbered `lineNumber + 1`).
    func seek(toOffset offset: Int64, lineNumber: Int) {
        self.lineNumber = lineNumber
        // Sequential reading seeks to where it stopped, or nearby: reuse the bytes already read.
        if offset >= storageOffset && offset <= storageOffset + Int64(end) {
            start = Int(offset - storageOffset)
            return
        }
        storageOffset = offset
        start = 0
        end = 0
        reachedEnd = false
    }

    /// The next line without its line terminator ("\n" or "\r\n"), or nil at the end of the file.
    func nextLine() throws -> UnsafeBufferPointer<UInt8>? {
        while true {
            if start < end, let newline = memchr(storage + start, 0x0A, end - start) {
                let lineEnd = storage.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                return takeLine(until: lineEnd, consuming: lineEnd + 1)
            }
            if reachedEnd {
                guard start < end else { return nil }
                return takeLine(until: end, consuming: end)
            }
            try refill()
        }
    }

    private func takeLine(until lineEnd: Int, consuming next: Int) -> UnsafeBufferPointer<UInt8> {
        let lineStart = start
        var stop = lineEnd
        if stop > lineStart && storage[stop - 1] == 0x0D { stop -= 1 }
        start = next
        lineNumber += 1
        lineOffset = storageOffset + Int64(lineStart)
        return UnsafeBufferPointer(start: storage + lineStart, count: stop - lineStart)
    }

    private func refill() throws {
        guard descriptor >= 0 else { throw TrajectoryError(.io, path: path, "the file was closed") }
        if start > 0 {
            if end > start { memmove(storage, storage + start, end - start) }
            storageOffset += Int64(start)
            end -= start
            start = 0
        }
        if end == capacity {
            guard capacity < Self.maximumLineLength else {
                throw TrajectoryError(.malformed, path: path,
                                      "line \(lineNumber + 1) is longer than \(Self.maximumLineLength) bytes; this is not a text topology or trajectory")
            }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: storage, count: end)
            storage.deallocate()
            storage = larger
            capacity *= 2
        }
        let count = pread(descriptor, storage + end, capacity - end, off_t(storageOffset + Int64(end)))
        if count < 0 {
            throw TrajectoryError(.io, path: path, "read failed (\(String(cString: strerror(errno))))")
        }
        if count == 0 { reachedEnd = true } else { end += count }
    }
}

/// `close` under a name that does not clash with the method of the same name.
@inline(__always) private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
