import Foundation
import LatentSimulator
import NeuralNet
import TestSupport
import Testing
import Trajectories

@Suite("cWGAN-GP decoder: archive, divergence, the gradient penalty")
struct DecoderTrainingTests {
    static func quickSettings(epochs: Int = 2) -> DecoderSettings {
        var s = DecoderSettings(seed: 3)
        s.noiseDimension = 3
        s.generatorHidden = [16]
        s.criticHidden = [16]
        s.epochs = epochs
        s.batchSize = 32
        s.members = 1   // one generator unless a test asks for more: these tests read its weights
        return s
    }

    @Test("a saved and loaded decoder generates identical frames from the same seed")
    func archiveRoundTrip() throws {
        let (latent, positions) = DecoderToy.data(frames: 400, seed: 1)
        let (decoder, _) = try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                                    atomIndices: [4, 5, 6, 7], structure: nil, settings: Self.quickSettings())
        let workspace = try Workspace()
        try ModelArchive.save(decoder, name: "decoder", in: workspace.url)
        let loaded = try ModelArchive.load(CoordinateDecoder.self, name: "decoder", from: workspace.url)
        #expect(loaded.configuration == decoder.configuration)
        #expect(loaded.scaling.atomIndices == [4, 5, 6, 7])
        var first = RandomGenerator(seed: 42), second = RandomGenerator(seed: 42)
        let query = latent.rows(0..<300)
        let a = decoder.generate(latent: query, generator: &first), b = loaded.generate(latent: query, generator: &second)
        #expect(a.maxAbsoluteDifference(b) == 0)
        #expect(a.values.allSatisfy { $0.isFinite })
        // A different seed gives different frames (the noise is used).
        var third = RandomGenerator(seed: 43)
        #expect(decoder.generate(latent: query, generator: &third).maxAbsoluteDifference(a) > 0)
        // Batched generation equals row-by-row generation with the same noise stream.
        var whole = RandomGenerator(seed: 8), pieces = RandomGenerator(seed: 8)
        let batch = decoder.generate(latent: query.rows(0..<5), generator: &whole)
        for r in 0..<5 {
            let row = decoder.generate(latent: query.rows([r]), generator: &pieces)
            #expect(abs(row.values.enumerated().map { abs($0.element - batch[r, $0.offset]) }.max() ?? 1) < 1e-6)
        }
    }

    /// With identity activations the generator is affine, G(ψ, z) = Aψ + Bz + c, and so is the map
    /// to nm: a frame decoded with noise scale s is p + s q for fixed p, q (same seed, same draws).
    /// So f(2) − f(1) = 2 (f(1) − f(½)) exactly, and the scale is really applied: f(2) ≠ f(1).
    @Test("the decoding noise scale multiplies the generator's noise; training chooses one or keeps the given one")
    func noiseScale() throws {
        let (latent, positions) = DecoderToy.data(frames: 400, seed: 4)
        var settings = Self.quickSettings(epochs: 1)
        settings.activation = .identity
        settings.outputActivation = .identity
        let (decoder, report) = try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                                         atomIndices: [4, 5, 6, 7], structure: nil, settings: settings)
        // No scale given: one is chosen among the candidates, reported with every candidate's score.
        let choice = try #require(report.noiseScaleChoice)
        #expect(choice.scales == NoiseScaleChoice.candidates && choice.pairDistanceCRPS.count == choice.scales.count)
        #expect(decoder.configuration.noiseScale == choice.chosen && report.settings.decodingNoiseScale == nil)
        // A given scale is used as it is, and nothing is chosen.
        var fixed = settings
        fixed.decodingNoiseScale = 1.3
        let (given, givenReport) = try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                                            atomIndices: [4, 5, 6, 7], structure: nil, settings: fixed)
        #expect(given.configuration.noiseScale == 1.3 && givenReport.noiseScaleChoice == nil)
        let query = latent.rows(0..<50)
        func frames(_ scale: Float) -> Matrix {
            decoder.scaleNoise(scale)
            var random = RandomGenerator(seed: 77)
            return decoder.generate(latent: query, generator: &random)
        }
        let half = frames(0.5), one = frames(1), two = frames(2)
        var worst: Float = 0, change: Float = 0
        for i in 0..<one.count {
            worst = max(worst, abs((two.pointer[i] - one.pointer[i]) - 2 * (one.pointer[i] - half.pointer[i])))
            change = max(change, abs(two.pointer[i] - one.pointer[i]))
        }
        #expect(change > 1e-3 && worst < 1e-4 * max(1, change), "largest change \(change), affine error \(worst)")
        // A configuration from before the scale existed (nil) decodes as scale 1.
        var old = decoder.configuration
        old.noiseScale = nil
        let legacy = try CoordinateDecoder(configuration: old)
        legacy.network.parameters.restore(decoder.network.parameters.snapshot())
        var random = RandomGenerator(seed: 77)
        #expect(legacy.generate(latent: query, generator: &random).maxAbsoluteDifference(one) == 0)
        var bad = decoder.configuration
        bad.noiseScale = -1
        #expect(throws: LatentSimulatorError.self) { try CoordinateDecoder(configuration: bad) }
    }

    @Test("an absurd learning rate restarts or ends in .diverged, never in NaN; bad input is refused")
    func divergence() throws {
        let (latent, positions) = DecoderToy.data(frames: 400, seed: 2)
        var settings = Self.quickSettings(epochs: 5)
        settings.learningRate = 1e4
        settings.maximumRestarts = 1
        do {
            let (decoder, report) = try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                                             atomIndices: [0, 1, 2, 3], structure: nil, settings: settings)
            var random = RandomGenerator(seed: 1)
            #expect(decoder.generate(latent: latent, generator: &random).values.allSatisfy { $0.isFinite })
            #expect(report.wasserstein.allSatisfy { $0.isFinite } && report.criticLoss.allSatisfy { $0.isFinite })
            print("absurd learning rate: finished after \(report.restarts) restarts at \(report.learningRate)")
        } catch let error as LatentSimulatorError {
            #expect(error.kind == .diverged)
            #expect(error.problem.contains("learningRate"))
            print("absurd learning rate: \(error.problem)")
        }
        // A NaN in the positions, mismatched shapes and impossible settings are refused up front.
        let broken = positions.copy()
        broken[17, 2] = .nan
        #expect { try DecoderTrainer.train(latent: latent, positions: broken, reference: DecoderToy.reference,
                                            atomIndices: [0, 1, 2, 3], structure: nil, settings: Self.quickSettings()) }
            throws: { ($0 as? LatentSimulatorError)?.kind == .numerical && "\($0)".contains("frame 17") }
        #expect { try DecoderTrainer.train(latent: latent.rows(0..<399), positions: positions, reference: DecoderToy.reference,
                                            atomIndices: [0, 1, 2, 3], structure: nil, settings: Self.quickSettings()) }
            throws: { ($0 as? LatentSimulatorError)?.kind == .mismatch }
        var negative = Self.quickSettings()
        negative.criticSteps = 0
        #expect { try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                            atomIndices: [0, 1, 2, 3], structure: nil, settings: negative) }
            throws: { ($0 as? LatentSimulatorError)?.kind == .invalidSetting }
        for scale: Float in [0, -1, 5, .nan] {
            var noisy = Self.quickSettings()
            noisy.decodingNoiseScale = scale
            #expect { try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                                atomIndices: [0, 1, 2, 3], structure: nil, settings: noisy) }
                throws: { ($0 as? LatentSimulatorError)?.kind == .invalidSetting && "\($0)".contains("decodingNoiseScale") }
        }
    }

    final class Scores: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: Double] = [:]
        func record(_ epoch: Int, _ score: Double) { lock.lock(); values[epoch] = score; lock.unlock() }
        var all: [Int: Double] { lock.lock(); defer { lock.unlock() }; return values }
    }

    /// Structure checks of the toy's four carbons (bonds inferred from the reference, no CONECT).
    static func toyCheck() -> StructureCheck {
        var topology = Topology(chains: [Topology.Chain(id: "A")],
                                residues: [Topology.Residue(name: "TOY", number: 1, chainIndex: 0)])
        topology.atoms = (0..<4).map { Topology.Atom(name: "C\($0)", element: .carbon, residueIndex: 0) }
        return StructureCheck(topology: topology, atomIndices: [0, 1, 2, 3], reference: DecoderToy.reference)
    }

    @Test("with a structure check, the generator kept is the best-scoring of the second half, and it is the one reported")
    func structureSelection() throws {
        let check = Self.toyCheck()
        #expect(check.bonds == [AtomPair(0, 1), AtomPair(0, 2)])   // inferred: 0.15 nm apart; atom 3 is 0.21 nm from 0
        let (latent, positions) = DecoderToy.data(frames: 400, seed: 4)
        var settings = Self.quickSettings(epochs: 10)
        settings.structureSampleSize = 200
        let scores = Scores()
        let (_, report) = try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                                   atomIndices: [0, 1, 2, 3], structure: check, settings: settings) { p in
            if let bonds = p.monitors["bond-rmsd"], let clash = p.monitors["clash-fraction"], let mirror = p.monitors["mirror-fraction"] {
                scores.record(p.epoch, bonds + 0.1 * (clash + mirror))
            }
        }
        let structure = try #require(report.structure)
        #expect(structure.frameCount == 200)
        let selected = try #require(report.selectedEpoch)
        let secondHalf = scores.all.filter { 2 * ($0.key + 1) >= 10 }
        #expect(secondHalf.count == 6)   // every tenth of 10 epochs is every epoch; the second half is epochs 4...9
        #expect(selected == secondHalf.min { $0.value < $1.value }?.key)
        // The report's uncalibrated structure is that of the generator kept (same frames, same noise).
        let raw = try #require(report.uncalibratedStructure)
        #expect(raw.bondLengthDeviation + 0.1 * (raw.clashFraction + raw.mirrorFraction) == secondHalf[selected])
        // After the bond calibration, fitted on other noise draws, the bond means are MD's to well
        // within MD's fluctuation (sampling error ~ σ/√200); before it, after 10 epochs, they are not.
        let md = check.evaluate(positions)
        let shifts = structure.bondMeanShifts(relativeTo: md), rawShifts = raw.bondMeanShifts(relativeTo: md)
        #expect(shifts.allSatisfy { $0 < 0.5 }, "calibrated shifts \(shifts), uncalibrated \(rawShifts)")
        #expect(rawShifts.contains { $0 > 1 }, "uncalibrated shifts \(rawShifts)")

        // With the calibration turned off (`lss train --no-bond-calibration`) the same training keeps
        // the generator's own bonds: its report is the uncalibrated one above.
        var off = settings
        off.calibrateBonds = false
        let (plain, plainReport) = try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                                            atomIndices: [0, 1, 2, 3], structure: check, settings: off)
        #expect(plain.configuration.bondCalibration == nil)
        #expect(plainReport.uncalibratedStructure == nil)
        #expect(plainReport.structure == raw)
    }

    @Test("members are independent generators, the first the one a single-member training gives, mixed frame by frame")
    func members() throws {
        let check = Self.toyCheck()
        let (latent, positions) = DecoderToy.data(frames: 400, seed: 4)
        var settings = Self.quickSettings(epochs: 4)
        settings.structureSampleSize = 200
        settings.calibrateBonds = false
        let (single, singleReport) = try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                                              atomIndices: [0, 1, 2, 3], structure: check, settings: settings)
        settings.members = 3
        let names = Scores()
        let (mixed, report) = try DecoderTrainer.train(latent: latent, positions: positions, reference: DecoderToy.reference,
                                                       atomIndices: [0, 1, 2, 3], structure: check, settings: settings) { p in
            if p.epoch == 0, let member = Int(p.network.dropFirst("decoder ".count).prefix(1)) { names.record(member, 1) }
        }
        #expect(Set(names.all.keys) == [1, 2, 3])   // progress names "decoder 1/3" ... "decoder 3/3"
        #expect(single.generatorCount == 1 && mixed.generatorCount == 3)
        #expect(report.settings.members == 3)
        // The members run side by side, yet the first is exactly the single-member generator: each
        // member's arithmetic is its own, whatever the threads do.
        let weights = mixed.networks.map { $0.parameters.map(\.value) }
        for (a, b) in zip(weights[0], single.network.parameters.map(\.value)) { #expect(a.maxAbsoluteDifference(b) == 0) }
        #expect(weights[1][0].maxAbsoluteDifference(weights[0][0]) > 1e-3)
        #expect(weights[2][0].maxAbsoluteDifference(weights[1][0]) > 1e-3)
        let epochs = try #require(report.memberSelectedEpochs)
        #expect(epochs.count == 3 && epochs[0] == singleReport.selectedEpoch && report.selectedEpoch == epochs[0])
        #expect(epochs.allSatisfy { (2...3).contains($0) })   // second half of 4 epochs
    }

    static func batch(seed: UInt64) -> (real: Matrix, fake: Matrix, condition: Matrix, mixing: Matrix) {
        var random = RandomGenerator(seed: seed)
        return (Matrix.randomUniform(rows: 16, cols: 6, low: -1, high: 1, generator: &random),
                Matrix.randomUniform(rows: 16, cols: 6, low: -1, high: 1, generator: &random),
                Matrix.randomNormal(rows: 16, cols: 2, generator: &random),
                Matrix.randomUniform(rows: 16, cols: 1, generator: &random))
    }

    /// For a linear critic D(x ⊕ ψ) = w·x + v·ψ + b the gradient wrt x is w for every sample, so
    /// the penalty is exactly λ(‖w‖ − 1)², the Wasserstein estimate w·(x̄_real − x̄_fake), and the
    /// loss's gradient wrt w is (x̄_fake − x̄_real) + 2λ(‖w‖ − 1) w/‖w‖ (zero wrt v and b).
    @Test("linear critic: penalty, Wasserstein estimate and weight gradient equal their closed forms")
    func linearCritic() {
        let (real, fake, condition, mixing) = Self.batch(seed: 21)
        var random = RandomGenerator(seed: 22)
        let critic = MLP.make(sizes: [8, 1], hidden: .identity, generator: &random)
        let w = (0..<6).map { Double(critic.parameters[0].value[$0, 0]) }
        let norm = w.map { $0 * $0 }.reduce(0, +).squareRoot()
        let graph = Graph()
        let terms = WassersteinObjective.criticLoss(graph: graph, critic: critic, real: real, fake: fake,
                                                   condition: condition, mixing: mixing, penaltyWeight: 10)
        #expect(abs(Double(terms.penalty) - 10 * (norm - 1) * (norm - 1)) < 1e-5)
        #expect(abs(Double(terms.gradientNorm) - norm) < 1e-5)
        func columnMean(_ m: Matrix, _ j: Int) -> Double { (0..<m.rows).map { Double(m[$0, j]) }.reduce(0, +) / Double(m.rows) }
        let difference = (0..<6).map { columnMean(real, $0) - columnMean(fake, $0) }
        let wasserstein = zip(w, difference).map(*).reduce(0, +)
        #expect(abs(Double(terms.wasserstein) - wasserstein) < 1e-5)
        let gradients = graph.gradients(of: terms.loss, withRespectTo: critic.parameters)
        for j in 0..<6 {
            let expected = -difference[j] + 2 * 10 * (norm - 1) * w[j] / norm
            #expect(abs(Double(gradients[0][j, 0]) - expected) < 1e-4)
        }
        for j in 6..<8 { #expect(abs(gradients[0][j, 0]) < 1e-5) }
        #expect(abs(gradients[1][0, 0]) < 1e-5)
    }

    /// Through a nonlinear critic the penalty's gradient needs second derivatives; the assembled
    /// loss's analytic gradient wrt every critic weight against central differences of the loss.
    @Test("nonlinear critic: the loss gradient through the penalty matches finite differences",
          arguments: [Activation.tanh, .swish], [false, true])
    func finiteDifferences(_ activation: Activation, withDistances: Bool) {
        let (real, fake, condition, mixing) = Self.batch(seed: 31)
        var random = RandomGenerator(seed: 32)
        // With distance features the critic also sees the distance between the two "atoms" of a row.
        let distances: DistanceFeatures? = withDistances ? DistanceFeatures(atomCount: 2) : nil
        let critic = MLP.make(sizes: [8 + (distances?.count ?? 0), 6, 5, 1], hidden: activation, generator: &random)
        func loss() -> (Graph, WassersteinObjective.CriticTerms) {
            let graph = Graph()
            return (graph, WassersteinObjective.criticLoss(graph: graph, critic: critic, real: real, fake: fake,
                                                          condition: condition, mixing: mixing, penaltyWeight: 10,
                                                          distances: distances))
        }
        let (graph, terms) = loss()
        let analytic = graph.gradients(of: terms.loss, withRespectTo: critic.parameters).map { $0.copy() }
        #expect(terms.penalty > 0.1)   // far from the target, so the penalty's gradient matters
        let h: Float = 1e-2
        var worst = 0.0, checked = 0
        for (k, parameter) in critic.parameters.enumerated() {
            for i in 0..<parameter.value.count {
                let saved = parameter.value.pointer[i]
                parameter.value.pointer[i] = saved + h
                let plus = Double(loss().1.loss.scalar)
                parameter.value.pointer[i] = saved - h
                let minus = Double(loss().1.loss.scalar)
                parameter.value.pointer[i] = saved
                let numeric = (plus - minus) / (2 * Double(h))
                let exact = Double(analytic[k].pointer[i])
                // Float32 loss of size ~10 differenced over 2h = 0.02: rounding ~1e-4 absolute; the
                // O(h²) truncation is a few percent of the curvature terms.
                let error = abs(numeric - exact) / max(1, abs(exact))
                worst = max(worst, error)
                #expect(abs(numeric - exact) <= 3e-2 * abs(exact) + 3e-3, "parameter \(parameter.name)[\(i)]")
                checked += 1
            }
        }
        print("finite differences (\(activation), distances \(withDistances)): \(checked) weights, worst scaled error \(worst)")
    }
}

@Suite("Generator noise")
struct DecoderNoiseTests {
    /// The fast Box-Muller noise against the exact normal distribution: moments and the largest gap
    /// between the empirical and the exact CDF (Kolmogorov-Smirnov). With n = 400,000 the KS statistic
    /// of exact draws exceeds 1.63/√n = 0.0026 with probability 1 %; its 24-bit uniforms and
    /// polynomial log/sin/cos (errors < 1e-6) cannot be seen at that resolution.
    @Test("GaussianNoise draws are standard normal")
    func standardNormal() {
        let n = 400_000
        var random = RandomGenerator(seed: 12)
        var values = [Float](repeating: 0, count: n)
        values.withUnsafeMutableBufferPointer { GaussianNoise.fill($0.baseAddress!, count: n, generator: &random) }
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(n)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n - 1)
        let kurtosis = values.reduce(0.0) { $0 + pow(Double($1) - mean, 4) } / Double(n) / (variance * variance)
        #expect(abs(mean) < 0.01)          // standard error 0.0016
        #expect(abs(variance - 1) < 0.01)  // standard error 0.0022
        #expect(abs(kurtosis - 3) < 0.05)  // standard error ≈ 0.008
        let sorted = values.sorted()
        var ks = 0.0
        for (i, v) in sorted.enumerated() {
            let exact = 0.5 * (1 + erf(Double(v) / 2.0.squareRoot()))
            ks = max(ks, abs(exact - Double(i) / Double(n)), abs(exact - Double(i + 1) / Double(n)))
        }
        #expect(ks < 1.63 / Double(n).squareRoot(), "KS statistic \(ks)")
        // Odd counts and repeated fills continue the stream without gaps.
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 1)
        var one = [Float](repeating: 0, count: 4), two = [Float](repeating: 0, count: 4)
        one.withUnsafeMutableBufferPointer { GaussianNoise.fill($0.baseAddress!, count: 4, generator: &a) }
        two.withUnsafeMutableBufferPointer { p in
            GaussianNoise.fill(p.baseAddress!, count: 2, generator: &b)
            GaussianNoise.fill(p.baseAddress! + 2, count: 2, generator: &b)
        }
        #expect(one == two)
    }
}
