import ArgumentParser
import Benchmarks
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Microbenchmarks of the numeric core (see bench/README.md).",
        discussion: "WHAT is one of: all, \(BenchSuite.names.joined(separator: ", ")). "
            + "Each figure is the median of --repeats timed runs.")

    @Argument(help: "Which benchmarks to run.")
    var what: [String] = ["all"]

    @Flag(help: "Print one JSON object per line: bench, metric, value, unit.")
    var json = false

    @Option(help: "OpenBLAS threads (the peer comparison uses 2).")
    var threads = 2

    @Option(help: "Timed repeats per figure.")
    var repeats = 5

    @Flag(help: "Smaller workloads, for a quick check.")
    var quick = false

    @Option(name: .customLong("file"), help: "A trajectory for the io benchmark (repeatable) or the kinetics benchmark (with --topology); without one they make their own data.")
    var files: [String] = []

    @Option(help: "Frames per chunk when the io benchmark streams a file.")
    var chunk = 100

    @Option(help: "The topology of --file for the kinetics benchmark.")
    var topology: String?

    func validate() throws {
        for name in what where name != "all" && !BenchSuite.names.contains(name) {
            throw ValidationError("unknown benchmark '\(name)'; choose from all, \(BenchSuite.names.joined(separator: ", "))")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard chunk >= 1 else { throw ValidationError("--chunk must be at least 1") }
    }

    func run() throws {
        let settings = BenchSettings(repeats: repeats, threads: threads, quick: quick, files: files,
                                     chunkFrames: chunk, topology: topology)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if !json {
            FileHandle.standardOutput.write(Data((pad("bench", 12) + pad("metric", 44) + pad("value", 14) + "unit\n").utf8))
        }
        for name in what {
            try BenchSuite.run(name, settings: settings) { result in
                let line = json
                    ? (try? encoder.encode(result)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
                    : pad(result.bench, 12) + pad(result.metric, 44) + pad(format(result.value), 14) + result.unit
                // Written unbuffered, so a long run shows each figure as it is measured.
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        }
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    private func format(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1e5 { return String(format: "%.4g", v) }
        return String(format: abs(v) >= 100 ? "%.0f" : "%.3g", v)
    }
}
