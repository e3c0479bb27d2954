import LatentSimulator
import NeuralNet

/// One training epoch of each LSS network, in seconds (bench/lss/README.md, workloads 1-3). Each
/// epoch is the library's own step, written out here without the trainers' validation passes,
/// early stopping and restarts, so that exactly the same work is timed as in
/// bench/pytorch/lss_bench.py. With `quick` a fifth of the data is used and the time is scaled
/// to the full epoch.
enum LSSTrainingBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) throws {
        try report(BenchResult(bench: "lss-srv", metric: "epoch", value: srvEpoch(settings), unit: "s"))
        try report(BenchResult(bench: "lss-mdn", metric: "epoch", value: mdnEpoch(settings), unit: "s"))
        try report(BenchResult(bench: "lss-gan", metric: "epoch", value: ganEpoch(settings), unit: "s"))
    }

    /// SRV 45→100→100→4 (tanh, identity output), reversible VAMP-2 (`Graph.vamp2Score`, ε = 1e-6),
    /// Adam 1e-3, 100,000 pairs in shuffled batches of 1,000: both members of a batch's pairs go
    /// through the network as one 2,000-row batch, as `SRVTrainer` does.
    static func srvEpoch(_ settings: BenchSettings) throws -> Double {
        let pairs = settings.quick ? 20_000 : 100_000, batch = 1000, d = LSSBenchData.features
        var generator = RandomGenerator(seed: 11)
        let frames = LSSBenchData.featureTrajectory(pairs: pairs, generator: &generator)
        let network = MLP.make(sizes: [d, 100, 100, 4], hidden: .tanh, output: .identity, generator: &generator)
        let adam = Adam(parameters: network.parameters, learningRate: 1e-3)
        let graph = Graph()
        let input = Matrix(rows: 2 * batch, cols: d)
        var failure: Error?
        func epoch() {
            let order = generator.permutation(pairs)
            for b in 0..<(pairs / batch) where failure == nil {
                for (k, pair) in order[(b * batch)..<((b + 1) * batch)].enumerated() {
                    (input.pointer + k * d).update(from: frames.pointer + pair * d, count: d)
                    (input.pointer + (batch + k) * d).update(from: frames.pointer + (pair + 1) * d, count: d)
                }
                let output = network(graph.constant(input), training: true)
                do {
                    let score = try graph.vamp2Score(graph.slice(output, rows: 0..<batch),
                                                     graph.slice(output, rows: batch..<(2 * batch)),
                                                     variant: .reversible, epsilon: 1e-6)
                    adam.step(gradients: graph.gradients(of: graph.scale(score, by: -1),
                                                         withRespectTo: network.parameters))
                } catch {
                    failure = error
                }
                graph.reset()
            }
        }
        let seconds = Timing.median(repeats: settings.repeats, warmup: 1, epoch)
        if let failure { throw failure }
        return seconds * 100_000 / Double(pairs)
    }

    /// MDN 3→100→100→168 (`MDNPropagator`: 24 components, sigmoid means, ELU + 1 + ε scales),
    /// its negative log-likelihood (`negativeLogLikelihood(on:scaledFrom:scaledTo:)`), Adam 1e-3,
    /// 100,000 pairs of a latent trajectory in shuffled batches of 1,000.
    static func mdnEpoch(_ settings: BenchSettings) throws -> Double {
        let pairs = settings.quick ? 20_000 : 100_000, batch = 1000, m = LSSBenchData.latent
        var generator = RandomGenerator(seed: 12)
        let states = LSSBenchData.latentProcess(frames: pairs + 1, generator: &generator)
        let propagator = try LSSBenchModels.propagator(generator: &generator, outputWeightScale: 1)
        let adam = Adam(parameters: propagator.parameters, learningRate: 1e-3)
        let graph = Graph()
        let from = Matrix(rows: batch, cols: m), to = Matrix(rows: batch, cols: m)
        func epoch() {
            let order = generator.permutation(pairs)
            for b in 0..<(pairs / batch) {
                let rows = order[(b * batch)..<((b + 1) * batch)]
                states.gatherRows(rows, into: from)
                states.gatherRows(rows.lazy.map { $0 + 1 }, into: to)
                let loss = propagator.negativeLogLikelihood(on: graph, scaledFrom: from, scaledTo: to)
                adam.step(gradients: graph.gradients(of: loss, withRespectTo: propagator.parameters))
                graph.reset()
            }
        }
        return Timing.median(repeats: settings.repeats, warmup: 1, epoch) * 100_000 / Double(pairs)
    }

    /// cWGAN-GP: the generator of a `CoordinateDecoder` (3 + 16)→100→100→60 (tanh hidden and output)
    /// against a critic (60 + 3)→100→100→1 (tanh, no batch norm), `WassersteinObjective` losses
    /// with gradient penalty λ = 10 (double backward), 5 critic steps per generator step, Adam
    /// 1e-4, β = (0, 0.9), batch 256, epoch = 20,000 frames (78 critic steps, 15-16 generator steps),
    /// the step schedule of `DecoderTrainer`.
    static func ganEpoch(_ settings: BenchSettings) throws -> Double {
        let frames = settings.quick ? 4000 : 20_000, batch = 256, m = LSSBenchData.latent
        let k = LSSBenchData.noise, d = 3 * LSSBenchData.atoms
        var generator = RandomGenerator(seed: 13)
        let conditions = Matrix.randomNormal(rows: frames, cols: m, generator: &generator)
        let coordinates = Matrix.randomUniform(rows: frames, cols: d, low: -0.9, high: 0.9, generator: &generator)
        let decoder = try LSSBenchModels.decoder(seed: 14)
        let critic = MLP.make(sizes: [d + m, 100, 100, 1], hidden: .tanh, output: .identity, generator: &generator)
        critic.name(prefix: "critic.")
        let criticAdam = Adam(parameters: critic.parameters, learningRate: 1e-4, beta1: 0, beta2: 0.9)
        let generatorAdam = Adam(parameters: decoder.parameters, learningRate: 1e-4, beta1: 0, beta2: 0.9)
        let graph = Graph()
        let real = Matrix(rows: batch, cols: d), condition = Matrix(rows: batch, cols: m)
        let mixing = Matrix(rows: batch, cols: 1), input = Matrix(rows: batch, cols: m + k)

        /// G(ψ ⊕ z) for the condition batch, on the graph.
        func generated(recording: Bool) -> Tensor {
            for r in 0..<batch {
                (input.pointer + r * (m + k)).update(from: condition.pointer + r * m, count: m)
                generator.fillNormal(input.pointer + r * (m + k) + m, count: k)
            }
            if recording { return decoder.network(graph.constant(input), training: true) }
            return graph.withoutRecording { decoder.network(graph.constant(input), training: true) }
        }
        var criticSteps = 0
        func epoch() {
            let order = generator.permutation(frames)
            for b in 0..<(frames / batch) {
                let rows = order[(b * batch)..<((b + 1) * batch)]
                coordinates.gatherRows(rows, into: real)
                conditions.gatherRows(rows, into: condition)
                graph.reset()
                let fake = generated(recording: false).value
                generator.fillUniform(mixing.pointer, count: batch)
                let terms = WassersteinObjective.criticLoss(graph: graph, critic: critic, real: real, fake: fake,
                                                           condition: condition, mixing: mixing, penaltyWeight: 10)
                criticAdam.step(gradients: graph.gradients(of: terms.loss, withRespectTo: critic.parameters))
                criticSteps += 1
                if criticSteps % 5 == 0 {
                    graph.reset()
                    let loss = WassersteinObjective.generatorLoss(graph: graph, critic: critic,
                                                                  fake: generated(recording: true), condition: condition)
                    generatorAdam.step(gradients: graph.gradients(of: loss, withRespectTo: decoder.parameters))
                }
            }
            graph.reset()
        }
        return Timing.median(repeats: settings.repeats, warmup: 1, epoch) * 20_000 / Double(frames)
    }
}
