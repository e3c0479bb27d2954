import Foundation
import LatentSimulator
import NeuralNet
import Testing

/// Decoding throughput for a 20-Cα output with the default (paper-sized: three hidden layers of
/// 100, 32 noise inputs) generator, batched 10,000 rows. The rate is printed, not asserted (no
/// timed assertions in tests); what is asserted is that batched decoding is finite and that
/// splitting a batch does not change its result.
@Suite("Decoder throughput", .serialized)
struct DecoderSpeedTests {
    /// The default generator for 20 Cα (2 latent + 32 noise → 3 × 100 ELU → 60) and the shape of
    /// lssbench's generator benchmark (3 latent + 50 noise → 3 × 200 swish → 60).
    @Test("frames per second for 20 Cα, batches of 10,000", arguments: [(2, 32, 100, Activation.elu), (3, 50, 200, .swish)])
    func throughput(_ shape: (latent: Int, noise: Int, width: Int, activation: Activation)) throws {
        let atoms = 20
        let scaling = CoordinateScaling(reference: (0..<(3 * atoms)).map { Float($0 % 7) * 0.1 }, atomIndices: Array(0..<atoms),
                                        scale: 2)
        let configuration = CoordinateDecoder.Configuration(
            latentDimension: shape.latent, noiseDimension: shape.noise, hidden: Array(repeating: shape.width, count: 3),
            activation: shape.activation, latentMean: Array(repeating: 0, count: shape.latent),
            latentDeviation: Array(repeating: 1, count: shape.latent), scaling: scaling)
        let decoder = try CoordinateDecoder(configuration: configuration, seed: 1)
        var random = RandomGenerator(seed: 2)
        let latent = Matrix.randomNormal(rows: 10_000, cols: shape.latent, generator: &random)
        let output = Matrix(rows: 10_000, cols: 3 * atoms)
        decoder.generate(latent: latent, into: output, generator: &random)   // warm-up: buffers
        let repeats = 30
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { decoder.generate(latent: latent, into: output, generator: &random) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("decoder throughput \(shape): \(Int(Double(repeats * latent.rows) / seconds)) frames/s (20 Cα, batch 10,000)")
        #expect(output.values.allSatisfy { $0.isFinite })
        var whole = RandomGenerator(seed: 5), halves = RandomGenerator(seed: 5)
        let all = decoder.generate(latent: latent, generator: &whole)
        let first = decoder.generate(latent: latent.rows(0..<5_000), generator: &halves)
        let second = decoder.generate(latent: latent.rows(5_000..<10_000), generator: &halves)
        #expect(all.rows(0..<5_000).maxAbsoluteDifference(first) < 1e-5)
        #expect(all.rows(5_000..<10_000).maxAbsoluteDifference(second) < 1e-5)
    }
}
