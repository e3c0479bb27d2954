import NeuralNet

/// tanh, exp and swish over 409,600 floats (1.6 MB, stays in cache), ns per element.
enum ElementwiseBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) {
        let n = 409_600, passes = settings.quick ? 5 : 50
        var generator = RandomGenerator(seed: 1)
        let x = Matrix.randomUniform(rows: 1, cols: n, low: -4, high: 4, generator: &generator)
        let y = Matrix(rows: 1, cols: n)
        let kernels: [(String, Activation?)] = [("tanh", .tanh), ("exp", nil), ("swish", .swish)]
        for (name, activation) in kernels {
            let seconds = Timing.median(repeats: settings.repeats) {
                for _ in 0..<passes {
                    if let activation {
                        activation.apply(x.pointer, y.pointer, count: n)
                    } else {
                        for i in 0..<n { y.pointer[i] = fastExp(x.pointer[i]) }
                    }
                }
            }
            report(BenchResult(bench: "elementwise", metric: name, value: seconds / Double(passes * n) * 1e9,
                               unit: "ns/element"))
        }
    }
}
