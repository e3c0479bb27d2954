import NeuralNet

/// Training steps of a 300→100→100→3 tanh MLP (MSE loss, Adam) through the graph, the same code
/// path the SRV and MDN train on: samples per second at batch 10,000 and 200,000, the effective
/// FLOP rate, and that rate as a fraction of sgemm's on the layer-1 forward shape in the same run.
enum MLPBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) {
        for batch in settings.quick ? [10_000, 20_000] : [10_000, 200_000] {
            var generator = RandomGenerator(seed: 3)
            let model = MLP.make(sizes: [300, 100, 100, 3], hidden: .tanh, generator: &generator)
            let adam = Adam(parameters: model.parameters, learningRate: 1e-3)
            let x = Matrix.randomUniform(rows: batch, cols: 300, low: -1, high: 1, generator: &generator)
            let target = Matrix.randomUniform(rows: batch, cols: 3, low: -1, high: 1, generator: &generator)
            let graph = Graph()
            func step() {
                let prediction = model(graph.constant(x), training: true)
                let loss = graph.mean(graph.square(graph.subtract(prediction, graph.constant(target))))
                adam.step(gradients: graph.gradients(of: loss, withRespectTo: adam.parameters))
                graph.reset()
            }
            let steps = batch >= 100_000 ? 1 : 5
            let seconds = Timing.median(repeats: settings.repeats, warmup: 2) {
                for _ in 0..<steps { step() }
            } / Double(steps)
            let allocationsBefore = graph.pool.freshAllocations
            step()
            let samplesPerSecond = Double(batch) / seconds
            // Multiply-adds per sample: forward 300·100 + 100·100 + 100·3; the backward pass
            // repeats them for the weight gradients and adds the input gradients of layers 2-3.
            let forward = 300.0 * 100 + 100 * 100 + 100 * 3
            let flopsPerSample = 2 * (2 * forward + (100 * 100 + 100 * 3))
            let rate = samplesPerSecond * flopsPerSample * 1e-9
            let sgemm = BLASBench.measure(transA: false, transB: false, m: batch, k: 300, n: 100, threads: nil,
                                          repeats: settings.repeats)
            let label = "batch=\(batch)"
            report(BenchResult(bench: "mlp", metric: "train \(label)", value: samplesPerSecond, unit: "samples/s"))
            report(BenchResult(bench: "mlp", metric: "train \(label) effective", value: rate, unit: "GFLOP/s"))
            report(BenchResult(bench: "mlp", metric: "train \(label) fraction of sgemm", value: rate / sgemm, unit: "ratio"))
            report(BenchResult(bench: "mlp", metric: "train \(label) fresh buffers per step",
                               value: Double(graph.pool.freshAllocations - allocationsBefore), unit: "count"))
        }
    }
}
