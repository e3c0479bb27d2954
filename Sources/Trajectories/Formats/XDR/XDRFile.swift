#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only file seen through one reusable window of bytes, filled with `pread`.
///
/// Readers ask for the bytes of one frame at a time; the window reads ahead (a few MiB) so that
/// sequential reading costs one system call per block, not per frame. The window keeps `slack`
/// spare bytes after the data it holds, so the XTC bit reader may load eight bytes at a time near the
/// end of a frame without reading memory it does not own.
final class XDRInputFile {
    let path: String
    let size: Int64
    private var descriptor: Int32
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var windowStart: Int64 = 0
    private var windowCount = 0

    static let slack = 512
    static let defaultReadAhead = 4 << 20

    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw TrajectoryError(.io, path: path, "cannot open the file for reading: \(XDRInputFile.errorText())")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = XDRInputFile.errorText()
            close(descriptor)
            throw TrajectoryError(.io, path: path, "cannot read the file's size: \(reason)")
        }
        self.descriptor = descriptor
        size = Int64(status.st_size)
        capacity = 64 << 10
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity + XDRInputFile.slack, alignment: 16)
    }

    deinit {
        storage.deallocate()
        if descriptor >= 0 { close(descriptor) }
    }

    var isClosed: Bool { descriptor < 0 }

    func closeFile() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    /// Bytes left in the file from `offset`.
    func remaining(from offset: Int64) -> Int64 { max(0, size - offset) }

    /// A pointer to `count` bytes at `offset`, valid until the next call. The caller has checked that
    /// the bytes lie inside the file. At least `slack` readable bytes follow them. `readAhead` is how
    /// much to load when the window must be refilled (at least `count`).
    func bytes(at offset: Int64, count: Int, readAhead: Int = XDRInputFile.defaultReadAhead) throws
        -> UnsafeRawPointer {
        guard descriptor >= 0 else { throw TrajectoryError(.io, path: path, "the file was closed") }
        guard offset >= 0, count >= 0, Int64(count) <= size - offset else {
            throw TrajectoryError(.malformed, path: path,
                                  "a read of \(count) bytes at offset \(offset) passes the end of the file (\(size) bytes)")
        }
        if offset >= windowStart, offset + Int64(count) <= windowStart + Int64(windowCount) {
            return UnsafeRawPointer(storage + Int(offset - windowStart))
        }
        let wanted = Int(min(Int64(max(count, readAhead)), size - offset))
        if wanted > capacity {
            storage.deallocate()
            capacity = wanted
            storage = UnsafeMutableRawPointer.allocate(byteCount: capacity + XDRInputFile.slack, alignment: 16)
        }
        windowStart = offset
        windowCount = 0
        var filled = 0
        while filled < wanted {
            let got = pread(descriptor, storage + filled, wanted - filled, off_t(offset + Int64(filled)))
            if got < 0 {
                if errno == EINTR { continue }
                throw TrajectoryError(.io, path: path, "read failed at offset \(offset): \(XDRInputFile.errorText())")
            }
            if got == 0 { break }
            filled += got
        }
        windowCount = filled
        (storage + filled).initializeMemory(as: UInt8.self, repeating: 0, count: XDRInputFile.slack)
        guard filled >= count else {
            throw TrajectoryError(.io, path: path, "the file became shorter while it was being read (offset \(offset))")
        }
        return UnsafeRawPointer(storage)
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}

/// A file written in large blocks: encoders fill a byte array, `write` hands it to the kernel.
final class XDROutputFile {
    let path: String
    private var descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw TrajectoryError(.io, path: path, "cannot create the file: \(XDRInputFile.errorText())")
        }
    }

    deinit { if descriptor >= 0 { _ = closeDescriptor(descriptor) } }

    var isClosed: Bool { descriptor < 0 }

    func write(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else { throw TrajectoryError(.io, path: path, "the file was already closed") }
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var written = 0
            while written < raw.count {
                let result = posixWrite(descriptor, base + written, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw TrajectoryError(.io, path: path, "write failed: \(XDRInputFile.errorText())")
                }
                written += result
            }
        }
    }

    func close() throws {
        guard descriptor >= 0 else { return }
        let result = closeDescriptor(descriptor)
        descriptor = -1
        guard result == 0 else {
            throw TrajectoryError(.io, path: path, "closing the file failed: \(XDRInputFile.errorText())")
        }
    }
}

// The POSIX functions under names that do not collide with the methods above.
@inline(__always)
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

@inline(__always)
private func closeDescriptor(_ descriptor: Int32) -> Int32 { close(descriptor) }

extension XDRInputFile {
    /// Where frame `index` starts, from the frame offsets a reader found by scanning its headers;
    /// one past the last frame is the end of the file.
    static func offset(ofFrame index: Int, offsets: [Int64], fileSize: Int64, path: String) throws -> Int64 {
        guard index >= 0, index <= offsets.count else {
            throw TrajectoryError(.mismatch, path: path, frame: index,
                                  "cannot seek to frame \(index): the file has \(offsets.count) frames")
        }
        return index < offsets.count ? offsets[index] : fileSize
    }
}
