import LatentSimulator
import NeuralNet
import Testing

/// A decoder set by hand whose noise is known to be too narrow: atom 3 sits at height
/// h = 0.2 + 0.002 ψ + σ z above the fixed triangle of atoms 0-2, decoded with σ_G = 0.01 nm, while
/// MD's σ is 0.0115 nm. Every pair distance is a monotone function of h, so at scale s = 1.15 the
/// decoded conditional distribution of every distance given ψ is MD's (analytically), and a
/// proper scoring rule (the CRPS) is smallest there in expectation.
@Suite("Decoding noise scale chosen per model on its training data")
struct NoiseScaleChoiceTests {
    static let generatedSpread: Float = 0.01
    static let base: [Float] = [0, 0, 0, 0.15, 0, 0, 0, 0.15, 0, 0.05, 0.05, 0.2]

    static func handSetDecoder() throws -> CoordinateDecoder {
        let scaling = CoordinateScaling(reference: base, atomIndices: [0, 1, 2, 3], scale: 1)
        let configuration = CoordinateDecoder.Configuration(
            latentDimension: 1, noiseDimension: 1, hidden: [], activation: .identity, latentMean: [0],
            latentDeviation: [1], scaling: scaling, outputActivation: .identity)
        let decoder = try CoordinateDecoder(configuration: configuration)
        let weight = decoder.network.parameters[0].value, bias = decoder.network.parameters[1].value
        for i in 0..<weight.count { weight.pointer[i] = 0 }
        for (i, value) in base.enumerated() { bias[0, i] = value }
        // ψ moves atom 3 a little (the score is conditional on ψ, so this only keeps the toy simple).
        weight[0, 11] = 0.002
        weight[1, 11] = generatedSpread       // the noise moves it too, too little
        return decoder
    }

    /// n frames with ψ uniform in [-1, 1] and atom 3's height spread by `spread`, and their latents.
    static func md(frames n: Int, spread: Float, seed: UInt64) -> (latent: Matrix, positions: Matrix) {
        var random = RandomGenerator(seed: seed)
        let latent = Matrix(rows: n, cols: 1), positions = Matrix(rows: n, cols: 12)
        for f in 0..<n {
            let psi = random.uniform() * 2 - 1
            latent[f, 0] = psi
            for i in 0..<12 { positions[f, i] = base[i] }
            positions[f, 11] = 0.2 + 0.002 * psi + spread * random.normal()
        }
        return (latent, positions)
    }

    @Test("the scale whose decoded distances are distributed as MD's is chosen, and the decoder is left as it was")
    func recoversKnownScale() throws {
        let decoder = try Self.handSetDecoder()
        let (latent, positions) = Self.md(frames: 20_000, spread: 1.15 * Self.generatedSpread, seed: 5)
        let choice = try #require(NoiseScaleChoice.choose(decoder: decoder, latent: latent, positions: positions,
                                                          check: nil, seed: 1))
        print("CRPS per scale:", zip(choice.scales, choice.pairDistanceCRPS).map { "\($0): \($1)" })
        #expect(choice.chosen == 1.15)
        #expect(choice.pairCount == 6 && choice.frameCount == 20_000)
        // Away from the optimum the score grows on both sides.
        let at = { (s: Float) in choice.pairDistanceCRPS[choice.scales.firstIndex(of: s)!] }
        #expect(at(0.9) > at(1) && at(1) > at(1.1) && at(1.1) > at(1.15) && at(1.3) > at(1.2) && at(1.2) > at(1.15))
        #expect((decoder.configuration.noiseScale ?? 1) == 1)
        // MD that is no wider than the generator keeps decoding as trained.
        let (_, narrow) = Self.md(frames: 20_000, spread: Self.generatedSpread, seed: 6)
        let same = try #require(NoiseScaleChoice.choose(decoder: decoder, latent: latent, positions: narrow,
                                                        check: nil, seed: 1))
        #expect(same.chosen == 1)
    }

    /// Distances cannot see defects, so a wider scale that makes more clashes (here: atom 3 closer
    /// than 0.2 nm to atom 0, the low tail of h) is refused even though its distances fit better.
    @Test("a scale that adds clashes or mirror images beyond the tolerance is not admissible")
    func defectsVeto() throws {
        let decoder = try Self.handSetDecoder()
        let (latent, positions) = Self.md(frames: 20_000, spread: 1.15 * Self.generatedSpread, seed: 7)
        var check = DecoderTrainingTests.toyCheck()
        check.bonds = []
        check.referenceBondLengths = []
        check.chiralCentres = []
        check.pseudoDihedrals = []
        check.referencePseudoDihedralSines = []
        check.clashPairs = [AtomPair(0, 3)]
        // h < 0.2 − 0.002 − 0.01 counts as a clash: about Φ(−1.2) = 11.5 % of frames at scale 1
        // and Φ(−1.2/1.1) = 13.8 % at 1.1, far more than the tolerance apart.
        let h = Float(0.2 - 0.002 - 0.01)
        check.clashDistance = Double((0.05 * 0.05 * 2 + h * h).squareRoot())
        let choice = try #require(NoiseScaleChoice.choose(decoder: decoder, latent: latent, positions: positions,
                                                          check: check, seed: 1))
        print("defects per scale:", zip(choice.scales, choice.defectFraction).map { "\($0): \($1)" })
        let at = { (s: Float) in choice.defectFraction[choice.scales.firstIndex(of: s)!] }
        #expect(at(1.1) > at(1) + NoiseScaleChoice.tolerance)
        #expect(choice.chosen == 1)
        // Without the check the same data choose 1.15, as above.
        let free = try #require(NoiseScaleChoice.choose(decoder: decoder, latent: latent, positions: positions,
                                                        check: nil, seed: 1))
        #expect(free.chosen == 1.15)
    }
}
