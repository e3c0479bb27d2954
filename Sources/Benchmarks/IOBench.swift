import Foundation
import Trajectories

/// Trajectory reading speed and memory (bench/io): frames/s and MB/s streaming each file through
/// the registry in chunks, and how far the resident set grows while doing it. bench/io/compare.py
/// runs MDTraj on the same files in the same session for the ratio.
enum IOBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) throws {
        var files = settings.files
        var scratch: URL?
        if files.isEmpty {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lss-bench-io-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            scratch = directory
            files = try writeSampleFiles(in: directory.path, frames: settings.quick ? 100 : 2000, atoms: 2000)
        }
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        for file in files {
            let format = try TrajectoryFile.format(of: file)
            let bytes = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
            let baseline = residentMegabytes()
            var frames = 0
            let seconds = try timedMedian(repeats: settings.repeats) {
                frames = try streamAll(file, chunkFrames: settings.chunkFrames)
            }
            let name = format.rawValue
            report(BenchResult(bench: "io", metric: "read \(name) frames/s", value: Double(frames) / seconds, unit: "frames/s"))
            report(BenchResult(bench: "io", metric: "read \(name) MB/s", value: bytes / 1e6 / seconds, unit: "MB/s"))
            report(BenchResult(bench: "io", metric: "read \(name) frames", value: Double(frames), unit: "count"))
            report(BenchResult(bench: "io", metric: "read \(name) peak RSS growth", value: max(0, peakMegabytes() - baseline), unit: "MB"))
        }
    }

    /// Streams every frame of `path`; returns the number of frames.
    static func streamAll(_ path: String, chunkFrames: Int) throws -> Int {
        let reader = try TrajectoryFile.openReader(path)
        defer { reader.close() }
        var frames = 0
        var checksum: Float = 0
        while let chunk = try reader.read(maxFrames: chunkFrames) {
            frames += chunk.frameCount
            checksum += chunk.positions.last ?? 0
        }
        // Keeps the reads observable so that nothing can be optimized away.
        if checksum.isNaN { print("io bench: NaN read from \(path)") }
        return frames
    }

    /// The same random system (coordinates in a 5 nm box, slowly drifting) in XTC, DCD, AMBER
    /// NetCDF and MDTraj HDF5, written by lss.
    static func writeSampleFiles(in directory: String, frames: Int, atoms: Int) throws -> [String] {
        let names = ["sample.xtc", "sample.dcd", "sample.nc", "sample.h5"].map { directory + "/" + $0 }
        let topology = Topology(
            chains: [.init(id: "A")],
            residues: (0 ..< atoms).map { .init(name: "AR", number: $0 + 1, chainIndex: 0) },
            atoms: (0 ..< atoms).map { .init(name: "AR", element: Element(symbol: "Ar"), residueIndex: $0) })
        var state: UInt64 = 12345
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24)
        }
        var positions = (0 ..< atoms * 3).map { _ in uniform() * 5 }
        let writers = try names.map { try TrajectoryFile.makeWriter($0, atomCount: atoms, topology: topology) }
        let box = Box(rectangular: 5, 5, 5)
        for start in stride(from: 0, to: frames, by: 100) {
            let count = min(100, frames - start)
            var frames = [Float]()
            frames.reserveCapacity(count * atoms * 3)
            for _ in 0 ..< count {
                for k in positions.indices { positions[k] += (uniform() - 0.5) * 0.02 }
                frames += positions
            }
            let chunk = FrameChunk(atomCount: atoms, firstFrame: start, positions: frames,
                                   times: (start ..< start + count).map { Double($0) }, boxes: Array(repeating: box, count: count))
            for writer in writers { try writer.write(chunk) }
        }
        for writer in writers { try writer.close() }
        return names
    }

    static func timedMedian(repeats: Int, _ body: () throws -> Void) throws -> Double {
        try body()  // warm-up: page cache and codec set-up
        var samples = [Double]()
        for _ in 0 ..< max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return samples.sorted()[samples.count / 2]
    }

    /// Current resident set in MB (VmRSS in /proc/self/status).
    static func residentMegabytes() -> Double { statusField("VmRSS:") }

    /// The process's peak resident set so far in MB (VmHWM in /proc/self/status). Not getrusage:
    /// its ru_maxrss survives fork and exec, so a child would report its parent's peak.
    static func peakMegabytes() -> Double { statusField("VmHWM:") }

    private static func statusField(_ name: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kilobytes = Double(line.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
                  .split(separator: " ").first ?? "") else { return 0 }
        return kilobytes / 1e3
    }
}
