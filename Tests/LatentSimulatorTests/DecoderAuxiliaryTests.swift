import Foundation
import LatentSimulator
import NeuralNet
import Testing

/// The decoder's two training aids: frames drawn towards rare latent regions, and the generator's
/// distance-moment term. Checked against closed forms and finite differences.
@Suite("Decoder training aids: latent-balanced sampling and distance moments")
struct DecoderAuxiliaryTests {
    /// 9,000 frames in the lowest of ten latent bins and 1,000 in the highest: frame i is drawn
    /// with probability ∝ c(bin)^(−power), so the rare bin gets 1000^(1−p) / (9000^(1−p) + 1000^(1−p))
    /// of the draws: 0.1 at p = 0, 0.25 at p = ½, 0.5 at p = 1.
    @Test("draw frequencies follow c^(1−power) per bin", arguments: [0.0, 0.5, 1.0])
    func balancedFrequencies(power: Double) {
        let latent = Matrix(rows: 10_000, cols: 1)
        var random = RandomGenerator(seed: 3)
        for r in 0..<10_000 { latent.pointer[r] = r < 9_000 ? 0.05 * random.uniform() : 0.95 + 0.05 * random.uniform() }
        let sampler = LatentBalancedSampler(latent: latent, power: power)
        let draws = 100_000
        let rare = sampler.draw(draws, using: &random).count { $0 >= 9_000 }
        let expected = pow(1000, 1 - power) / (pow(9000, 1 - power) + pow(1000, 1 - power))
        // Binomial standard deviation √(n p (1 − p)) ≤ 160 draws: 5σ is a failure, not noise.
        let sigma = (Double(draws) * expected * (1 - expected)).squareRoot()
        #expect(abs(Double(rare) - expected * Double(draws)) < 5 * sigma,
                "power \(power): \(rare) rare draws, expected \(expected * Double(draws))")
    }

    /// The decoder's default epochs: 50 million frame presentations, at most 2,000 epochs, never fewer
    /// than the data regime's (100 above 20,000 frames).
    @Test("default decoder epochs follow the presentation budget")
    func defaultEpochs() {
        #expect(DecoderSettings.defaultEpochs(frames: 100_000) == 500)
        #expect(DecoderSettings.defaultEpochs(frames: 30_000) == 1_667)
        #expect(DecoderSettings.defaultEpochs(frames: 10_000) == 2_000)
        #expect(DecoderSettings.defaultEpochs(frames: 1_000_000) == 100)
        #expect(DecoderSettings().resolved(frames: 100_000, atoms: 10).epochs == 500)
    }

    /// Three atoms, all three pairs; a batch of six frames.
    static func batch(seed: UInt64, jitter: Float) -> Matrix {
        var random = RandomGenerator(seed: seed)
        let m = Matrix(rows: 6, cols: 9)
        let base: [Float] = [0, 0, 0, 0.3, 0, 0, 0.3, 0.3, 0]
        for r in 0..<6 { for c in 0..<9 { m[r, c] = base[c] + jitter * random.normal() } }
        return m
    }

    @Test("the loss equals its closed form in Float64, vanishes for identical batches, and its gradient matches finite differences")
    func lossAndGradient() throws {
        let features = DistanceFeatures(atomCount: 3)
        let training = Self.batch(seed: 1, jitter: 0.05)
        let term = DistanceMomentMatch(frames: training, features: features, weight: 0.7)
        let real = Self.batch(seed: 2, jitter: 0.05), fake = Self.batch(seed: 3, jitter: 0.08)

        func distances(_ m: Matrix) -> [[Double]] {
            (0..<m.rows).map { r in features.pairs.map { p in
                let a = (0..<3).map { Double(m[r, 3 * p.first + $0]) }, b = (0..<3).map { Double(m[r, 3 * p.second + $0]) }
                return zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            } }
        }
        func moments(_ d: [[Double]], _ k: Int) -> (Double, Double) {
            let column = d.map { $0[k] }, mean = column.reduce(0, +) / Double(column.count)
            return (mean, (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot())
        }
        func closedForm(_ fake: Matrix) -> Double {
            let t = distances(training), f = distances(fake), r = distances(real)
            // σ floored at a tenth of the median σ over pairs (here the middle of three).
            let median = (0..<features.count).map { moments(t, $0).1 }.sorted()[1]
            let floor = max(Double(DistanceMomentMatch.smallestRelativeDeviation) * median,
                            Double(DistanceMomentMatch.smallestDeviation))
            var total = 0.0
            for k in 0..<features.count {
                let (fm, fs) = moments(f, k), (rm, rs) = moments(r, k)
                let sigma = max(moments(t, k).1, floor)
                total += ((fm - rm) * (fm - rm) + (fs - rs) * (fs - rs)) / (sigma * sigma)
            }
            return 0.7 * total / Double(features.count)
        }

        let graph = Graph()
        let x = graph.variable(fake)
        let loss = term.loss(graph: graph, fake: x, real: real)
        let expected = closedForm(fake)
        #expect(abs(Double(loss.scalar) - expected) <= 1e-3 * expected, "loss \(loss.scalar) vs \(expected)")
        let gradient = graph.gradients(of: loss, withRespectTo: [x])[0].value.copy()

        graph.reset()
        let same = term.loss(graph: graph, fake: graph.constant(real), real: real).scalar
        #expect(abs(same) < 1e-4 * Float(expected), "identical batches give \(same)")

        // Central differences of the Float64 closed form.
        let h = 1e-3
        for i in stride(from: 0, to: fake.count, by: 5) {
            let plus = fake.copy(), minus = fake.copy()
            plus.pointer[i] += Float(h); minus.pointer[i] -= Float(h)
            let numeric = (closedForm(plus) - closedForm(minus)) / (2 * h)
            #expect(abs(Double(gradient.pointer[i]) - numeric) <= 0.02 * abs(numeric) + 1e-3 * expected,
                    "∂L/∂x[\(i)]: autodiff \(gradient.pointer[i]), finite differences \(numeric)")
        }
    }
}
