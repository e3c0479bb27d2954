import Foundation

/// One benchmark figure, printed as a table row or as one JSON line
/// {"bench": ..., "metric": ..., "value": ..., "unit": ...}.
public struct BenchResult: Codable, Sendable {
    public var bench: String
    public var metric: String
    public var value: Double
    public var unit: String
}

/// Wall-clock timing with warm-up and medians (these machines vary by ±30%, so one run means little).
enum Timing {
    /// Seconds for one call of `body`, the median over `repeats` calls after `warmup` untimed ones.
    static func median(repeats: Int, warmup: Int = 1, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var samples: [Double] = []
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return samples.sorted()[samples.count / 2]
    }
}

/// How long and how wide a benchmark run is.
public struct BenchSettings: Sendable {
    /// Timed repeats per figure (the median is reported).
    public var repeats: Int
    /// OpenBLAS threads for the fixed-thread figures (sgemm) and the maximum for the others.
    public var threads: Int
    /// Smaller workloads, for a smoke run.
    public var quick: Bool

    /// Trajectory files for the `io` benchmark; empty means it writes its own.
    public var files: [String]
    /// Frames per chunk when the `io` benchmark streams a file.
    public var chunkFrames: Int
    /// The topology of `files[0]` for the `kinetics` benchmark.
    public var topology: String?

    public init(repeats: Int = 5, threads: Int = 2, quick: Bool = false, files: [String] = [],
                chunkFrames: Int = 100, topology: String? = nil) {
        self.topology = topology
        self.repeats = repeats
        self.threads = threads
        self.quick = quick
        self.files = files
        self.chunkFrames = chunkFrames
    }
}
