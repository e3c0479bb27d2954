import NeuralNet

/// A single-row recurrent sampler: a 3→100→100→168 tanh MLP whose outputs parameterize a
/// 24-component 3-D Gaussian mixture (24 logits, 72 means, 72 log-scales); each step draws a
/// point and feeds it back. This is the inner loop of an MDN propagator's synthetic trajectory.
enum SamplerBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) {
        var generator = RandomGenerator(seed: 5)
        let components = 24, dimension = 3
        let model = MLP.make(sizes: [3, 100, 100, components * (1 + 2 * dimension)], hidden: .tanh,
                             generator: &generator)
        // Small output weights keep the fed-back trajectory bounded, as a trained MDN's would be.
        let last = model.parameters[model.parameters.count - 2].value
        for i in 0..<last.count { last.pointer[i] *= 0.1 }
        let predictor = Predictor(model)
        let steps = settings.quick ? 10_000 : 100_000
        var state: [Float] = [0, 0, 0]
        let seconds = Timing.median(repeats: settings.repeats) {
            state.withUnsafeMutableBufferPointer { s in
                for _ in 0..<steps {
                    let out = predictor.predictRow(s.baseAddress!)
                    DiagonalGaussianMixture.sample(
                        logits: out, means: out + components, logScales: out + components * (1 + dimension),
                        components: components, dimension: dimension, generator: &generator, into: s.baseAddress!)
                }
            }
        }
        report(BenchResult(bench: "sampler", metric: "step", value: seconds / Double(steps) * 1e6, unit: "us"))
    }
}
