import Foundation
import LatentSimulator
import NeuralNet
import TestSupport
import Testing

/// A decoder holding several generators (independently trained members) decodes row r of a batch
/// with generator r mod K: its frames must be exactly those each generator makes on its own for
/// the same noise, in one thread or split among workers, and survive an archive round trip.
@Suite("Decoder of several generators: frames interleaved by generator")
struct DecoderMixtureTests {
    static func configuration(generators: Int?, output: Activation? = nil) -> CoordinateDecoder.Configuration {
        let atoms = 6
        let scaling = CoordinateScaling(reference: (0..<(3 * atoms)).map { Float($0 % 5) * 0.1 }, atomIndices: Array(0..<atoms),
                                        scale: 0.8)
        return CoordinateDecoder.Configuration(latentDimension: 2, noiseDimension: 4, hidden: [16, 16], activation: .elu,
                                               latentMean: [0.5, -1], latentDeviation: [2, 0.5], scaling: scaling,
                                               generators: generators, outputActivation: output)
    }

    /// Single-generator decoders carrying the weights of each of `mixed`'s generators.
    static func members(of mixed: CoordinateDecoder) throws -> [CoordinateDecoder] {
        try mixed.networks.map { network in
            let single = try CoordinateDecoder(configuration: configuration(generators: nil), seed: 99)
            single.parameters.restore(network.parameters.snapshot())
            return single
        }
    }

    @Test("row r comes from generator r mod K with the noise a single generator would draw for it", arguments: [7, 1_001, 9_001])
    func interleaving(rows: Int) throws {
        let mixed = try CoordinateDecoder(configuration: Self.configuration(generators: 3), seed: 3)
        #expect(mixed.generatorCount == 3)
        #expect(mixed.parameters.count == 3 * mixed.network.parameters.count)
        #expect(Set(mixed.parameters.map(\.name)).count == mixed.parameters.count)   // archive keys are unique
        let members = try Self.members(of: mixed)
        var random = RandomGenerator(seed: 4)
        let latent = Matrix.randomNormal(rows: rows, cols: 2, generator: &random)
        var noise = RandomGenerator(seed: 9)
        let decoded = mixed.generate(latent: latent, generator: &noise)
        for (g, member) in members.enumerated() {
            var same = RandomGenerator(seed: 9)
            let alone = member.generate(latent: latent, generator: &same)
            let mine = Array(stride(from: g, to: rows, by: 3))
            #expect(decoded.rows(mine).maxAbsoluteDifference(alone.rows(mine)) < 1e-5, "generator \(g), \(rows) rows")
        }
        // The generators differ, so interleaving is visible: another generator's rows do not match.
        var other = RandomGenerator(seed: 9)
        let first = members[0].generate(latent: latent, generator: &other)
        let odd = Array(stride(from: 1, to: rows, by: 3))
        #expect(decoded.rows(odd).maxAbsoluteDifference(first.rows(odd)) > 1e-3)
    }

    @Test("a linear output layer gives tanh's frames before the tanh; it survives an archive; old bundles keep tanh")
    func outputActivation() throws {
        let bounded = try CoordinateDecoder(configuration: Self.configuration(generators: 2), seed: 3)
        let linear = try CoordinateDecoder(configuration: Self.configuration(generators: 2, output: .identity), seed: 3)
        var random = RandomGenerator(seed: 4)
        let latent = Matrix.randomNormal(rows: 300, cols: 2, generator: &random)
        var first = RandomGenerator(seed: 5), second = RandomGenerator(seed: 5)
        let a = bounded.generate(latent: latent, generator: &first), b = linear.generate(latent: latent, generator: &second)
        let scale = Double(bounded.scaling.scale)
        let worst = (0..<a.count).map { abs(Double(a.pointer[$0]) / scale - Foundation.tanh(Double(b.pointer[$0]) / scale)) }.max() ?? 1
        #expect(worst < 1e-5, "largest difference from tanh of the linear output: \(worst)")

        let workspace = try Workspace()
        try ModelArchive.save(linear, name: "decoder", in: workspace.url)
        let loaded = try ModelArchive.load(CoordinateDecoder.self, name: "decoder", from: workspace.url)
        #expect(loaded.configuration.outputActivation == .identity)
        var third = RandomGenerator(seed: 5)
        #expect(loaded.generate(latent: latent, generator: &third).maxAbsoluteDifference(b) == 0)

        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.configuration(generators: 2))) as! [String: Any]
        #expect(old["outputActivation"] == nil)
        old.removeValue(forKey: "outputActivation")
        let reloaded = try JSONDecoder().decode(CoordinateDecoder.Configuration.self, from: JSONSerialization.data(withJSONObject: old))
        var fourth = RandomGenerator(seed: 5)
        #expect(try CoordinateDecoder(configuration: reloaded, seed: 3).generate(latent: latent, generator: &fourth)
            .maxAbsoluteDifference(a) == 0)
    }

    @Test("several generators survive an archive round trip; old and damaged counts are handled")
    func archive() throws {
        let mixed = try CoordinateDecoder(configuration: Self.configuration(generators: 4), seed: 5)
        let workspace = try Workspace()
        try ModelArchive.save(mixed, name: "decoder", in: workspace.url)
        let loaded = try ModelArchive.load(CoordinateDecoder.self, name: "decoder", from: workspace.url)
        #expect(loaded.generatorCount == 4)
        var random = RandomGenerator(seed: 6)
        let latent = Matrix.randomNormal(rows: 50, cols: 2, generator: &random)
        var first = RandomGenerator(seed: 7), second = RandomGenerator(seed: 7)
        #expect(mixed.generate(latent: latent, generator: &first)
            .maxAbsoluteDifference(loaded.generate(latent: latent, generator: &second)) == 0)

        // A configuration written before decoders held several generators has one.
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.configuration(generators: nil))) as! [String: Any]
        old.removeValue(forKey: "generators")
        let reloaded = try JSONDecoder().decode(CoordinateDecoder.Configuration.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(try CoordinateDecoder(configuration: reloaded).generatorCount == 1)
        for bad in [0, -1, CoordinateDecoder.Configuration.maximumGenerators + 1] {
            #expect(throws: LatentSimulatorError.self) { try CoordinateDecoder(configuration: Self.configuration(generators: bad)) }
        }
        var settings = DecoderSettings()
        settings.members = 0
        let (latentRows, positions) = DecoderToy.data(frames: 40, seed: 1)
        #expect(throws: LatentSimulatorError.self) {
            try DecoderTrainer.train(latent: latentRows, positions: positions, reference: DecoderToy.reference,
                                     atomIndices: [0, 1, 2, 3], structure: nil, settings: settings)
        }
    }
}
