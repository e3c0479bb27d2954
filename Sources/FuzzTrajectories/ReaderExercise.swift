import Foundation
import Trajectories

/// Feeds arbitrary bytes to one trajectory reader the way a user's file would reach it: written to a
/// file with the format's extension, opened through the registry, counted, streamed in small chunks,
/// sought to a few frames and read at full precision. Any thrown TrajectoryError is a correct
/// outcome; a trap, a hang or a memory error is a bug.
enum ReaderExercise {
    /// The formats fuzzed; the first byte of an input chooses one.
    static let formats: [TrajectoryFormat] = [
        .dcd, .xtc, .trr, .amberNetCDF, .amberNetCDFRestart, .amberRestart, .mdtrajHDF5,
        .lammpsDump, .pdb, .gro, .openmmState,
    ]

    /// Runs one input; `scratch` is a directory for the temporary file (tmpfs keeps it fast).
    static func run(_ bytes: UnsafeRawBufferPointer, scratch: String) {
        guard let selector = bytes.first else { return }
        let format = formats[Int(selector) % formats.count]
        let path = "\(scratch)/lss-fuzz-\(getpid()).\(format.extensions[0])"
        let body = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
        guard FileManager.default.createFile(atPath: path, contents: Data(body)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        exercise(path: path, format: format)
    }

    static func exercise(path: String, format: TrajectoryFormat) {
        guard let reader = try? TrajectoryFile.openReader(path, format: format) else { return }
        defer { reader.close() }
        _ = reader.topology
        let count = (try? reader.countFrames()) ?? 0
        var frames = 0
        while frames < 10_000, let chunk = try? reader.read(maxFrames: 3) {
            frames += chunk.frameCount
            if chunk.frameCount == 0 { break }
        }
        for target in [0, count / 2, max(0, count - 1), count] {
            guard (try? reader.seek(toFrame: target)) != nil else { continue }
            _ = try? reader.readFrame()
        }
    }
}
