#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a text file through one growing byte buffer that is flushed with large `write` calls,
/// for the text writers (PDB, GRO).
final class ColumnTextWriter {
    let path: String
    private var descriptor: Int32
    /// Bytes waiting to be written; writers append to it and call `flushIfLarge`.
    var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 20

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw TrajectoryError(.io, path: path, "cannot create the file (\(String(cString: strerror(errno))))")
        }
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    deinit {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    var isClosed: Bool { descriptor < 0 }

    func append(_ text: String) { buffer.append(contentsOf: text.utf8) }

    func flushIfLarge() throws {
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    func flush() throws {
        guard descriptor >= 0 else { throw TrajectoryError(.io, path: path, "the file was closed") }
        var written = 0
        try buffer.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            while written < bytes.count {
                let count = write(descriptor, base + written, bytes.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw TrajectoryError(.io, path: path, "write failed (\(String(cString: strerror(errno))))")
                }
                written += count
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and closes the file.
    func finish() throws {
        defer {
            if descriptor >= 0 { _ = close(descriptor) }
            descriptor = -1
        }
        try flush()
    }
}
