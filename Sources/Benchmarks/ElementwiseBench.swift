import NeuralNet

/// tanh, exp and swish over 409,600 floats (1.6 MB, stays in cache), ns per element, and
/// y = 1.5 x + 0.5 over the same data as the hardware's reference: a pass that only moves memory.
enum ElementwiseBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) {
        let n = 409_600, passes = settings.quick ? 5 : 50
        var generator = RandomGenerator(seed: 1)
        let x = Matrix.randomUniform(rows: 1, cols: n, low: -4, high: 4, generator: &generator)
        let y = Matrix(rows: 1, cols: n)
        let kernels: [(String, Activation?)] = [("tanh", .tanh), ("exp", nil), ("swish", .swish), ("axpy", .identity)]
        for (name, activation) in kernels {
            let seconds = Timing.median(repeats: settings.repeats) {
                for _ in 0..<passes {
                    let input = x.pointer, output = y.pointer
                    switch activation {
                    case nil: for i in 0..<n { output[i] = fastExp(input[i]) }
                    case .identity: for i in 0..<n { output[i] = madd(input[i], 1.5, 0.5) }
                    case let f?: f.apply(input, output, count: n)
                    }
                }
            }
            report(BenchResult(bench: "elementwise", metric: name, value: seconds / Double(passes * n) * 1e9,
                               unit: "ns/element"))
        }
    }
}
