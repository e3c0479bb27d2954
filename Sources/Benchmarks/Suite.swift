import NeuralNet

/// The microbenchmarks behind `lss bench`. Each workload mirrors one in bench/pytorch/bench.py
/// under the same metric names, so bench/compare.py can put them side by side.
public enum BenchSuite {
    public static let names = ["elementwise", "blas", "mlp", "generator", "sampler", "io", "kinetics", "lss"]

    /// Runs one named benchmark ("all" runs every one), reporting each figure as it is measured.
    public static func run(_ name: String, settings: BenchSettings, report: (BenchResult) -> Void) throws {
        BLAS.maxThreads = settings.threads
        switch name {
        case "all": for n in names { try run(n, settings: settings, report: report) }
        case "elementwise": ElementwiseBench.run(settings, report)
        case "blas": BLASBench.run(settings, report)
        case "mlp": MLPBench.run(settings, report)
        case "generator": GeneratorBench.run(settings, report)
        case "sampler": SamplerBench.run(settings, report)
        case "io": try IOBench.run(settings, report)
        case "kinetics": try KineticsBench.run(settings, report)
        case "lss": try LSSBench.run(settings, report)
        default: throw UnknownBenchmark(name: name)
        }
    }
}

public struct UnknownBenchmark: Error, CustomStringConvertible {
    public let name: String
    public var description: String {
        "unknown benchmark '\(name)'; choose one of: all, " + BenchSuite.names.joined(separator: ", ")
    }
}
