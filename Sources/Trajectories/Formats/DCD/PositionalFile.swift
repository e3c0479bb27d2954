#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read and written at explicit byte offsets (pread/pwrite), without a hidden stream
/// position or buffer: the DCD and LAMMPS readers keep their own reusable buffers and seek by
/// arithmetic, so a buffered stream would only add a copy. Errors come back as `TrajectoryError`s
/// naming the path.
final class PositionalFile {
    let path: String
    private var descriptor: Int32

    enum Mode { case read, create, update }

    init(path: String, mode: Mode) throws {
        self.path = path
        let flags: Int32
        switch mode {
        case .read: flags = O_RDONLY
        case .create: flags = O_RDWR | O_CREAT | O_TRUNC
        case .update: flags = O_RDWR
        }
        descriptor = open(path, flags | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw TrajectoryError(.io, path: path, mode == .create ? "cannot create: \(reason)" : "cannot open: \(reason)")
        }
    }

    deinit { close() }

    var isOpen: Bool { descriptor >= 0 }

    func close() {
        if descriptor >= 0 { closeDescriptor(descriptor) }
        descriptor = -1
    }

    /// Current size of the file in bytes.
    func size() throws -> Int {
        try requireOpen()
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw TrajectoryError(.io, path: path, "cannot stat: \(String(cString: strerror(errno)))")
        }
        return Int(status.st_size)
    }

    /// Reads up to `count` bytes at `offset` into `buffer` (from its start); returns how many were
    /// read, which is less than `count` only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, count: Int, at offset: Int) throws -> Int {
        try requireOpen()
        precondition(count <= buffer.count, "PositionalFile.read: buffer too small")
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < count {
            let got = pread(descriptor, base + done, count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw TrajectoryError(.io, path: path, "read failed at byte \(offset + done): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// Reads exactly `count` bytes at `offset` into `buffer`, or returns false at a short read.
    func readExactly(into buffer: inout [UInt8], count: Int, at offset: Int) throws -> Bool {
        if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
        let got = try buffer.withUnsafeMutableBytes { try read(into: $0, count: count, at: offset) }
        return got == count
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        try requireOpen()
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let put = pwrite(descriptor, base + done, bytes.count - done, off_t(offset + done))
            if put < 0 {
                if errno == EINTR { continue }
                throw TrajectoryError(.io, path: path, "write failed at byte \(offset + done): \(String(cString: strerror(errno)))")
            }
            done += put
        }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    private func requireOpen() throws {
        guard descriptor >= 0 else { throw TrajectoryError(.io, path: path, "the file is closed") }
    }
}

/// The C library's close(2), which the method `close()` above hides by name.
private func closeDescriptor(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}
