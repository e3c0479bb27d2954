import NeuralNet

/// Forward pass of a 53→200→200→200→60 swish network (the shape of a cWGAN-GP generator: latent
/// point plus noise in, aligned coordinates out), rows per second.
enum GeneratorBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) {
        var generator = RandomGenerator(seed: 4)
        let model = MLP.make(sizes: [53, 200, 200, 200, 60], hidden: .swish, generator: &generator)
        let predictor = Predictor(model)
        for batch in settings.quick ? [1000, 10_000] : [1000, 10_000, 100_000] {
            let x = Matrix.randomNormal(rows: batch, cols: 53, generator: &generator)
            let calls = max(1, 200_000 / batch)
            let seconds = Timing.median(repeats: settings.repeats) {
                for _ in 0..<calls { _ = predictor.predict(x) }
            } / Double(calls)
            report(BenchResult(bench: "generator", metric: "forward batch=\(batch)", value: Double(batch) / seconds,
                               unit: "rows/s"))
        }
    }
}
