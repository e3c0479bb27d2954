import Foundation
import LatentSimulator
import NeuralNet
import TestSupport
import Testing
import Trajectories

/// Backbone populations with their error bars and caveats, and the decoder-alone F(φ, ψ), against
/// values worked out by hand from the definitions (DESIGN.md §9).
@Suite("Backbone estimates: populations, error bars, caveats, decoder alone")
struct BackboneEstimateTests {
    static let beta = (phi: -80.0, psi: 150.0), alpha = (phi: -65.0, psi: -40.0), left = (phi: 60.0, psi: 40.0)

    /// A series of (φ, ψ) from runs of (point, count).
    static func series(_ runs: [((phi: Double, psi: Double), Int)]) -> (phi: [Double], psi: [Double]) {
        let points = runs.flatMap { Array(repeating: $0.0, count: $0.1) }
        return (points.map(\.phi), points.map(\.psi))
    }

    /// MD: 100 frames, ten times 8 β then 2 αR: populations 0.8 / 0.2 / 0 in every fifth (block
    /// standard error 0), ten entries into β and αR, none into φ > 0.
    /// Model: member 0 has trajectories 0 (3 αR, 7 β) and 2 (1 αR, 9 β): αR 0.2, β 0.8; member 1
    /// has trajectory 1 (1 αR, 8 β, 1 φ > 0): αR 0.1, β 0.8, φ > 0 0.1.
    /// Decoded MD latents: 75 β, 25 αR: the decoder shifts αR and β by 0.05, φ > 0 by 0.
    /// So αR = 0.15 ± √(0.0707² + 0.05²) = 0.0866 (sample s.d. of 0.2, 0.1; decoder shift), which
    /// exceeds half of 0.15; β = 0.8 ± 0.05 without caveat; φ > 0 = 0.05 ± 0.0707, never entered in MD.
    @Test("populations: member spread and decoder shift combined; caveats by the stated rules")
    func populations() throws {
        let window = Self.series([(Self.beta, 8), (Self.alpha, 2)])
        let md = (phi: [Array(repeating: window.phi, count: 10).flatMap { $0 }],
                  psi: [Array(repeating: window.psi, count: 10).flatMap { $0 }])
        let trajectories = [Self.series([(Self.alpha, 3), (Self.beta, 7)]),
                            Self.series([(Self.alpha, 1), (Self.beta, 8), (Self.left, 1)]),
                            Self.series([(Self.beta, 9), (Self.alpha, 1)])]
        let model = (phi: trajectories.map(\.phi), psi: trajectories.map(\.psi))
        let decoded = Self.series([(Self.beta, 75), (Self.alpha, 25)])
        let results = BackboneEstimates.populations(md: md, model: model, memberOf: [0, 1, 0],
                                                    decodedMD: (phi: [decoded.phi], psi: [decoded.psi]))
        #expect(results.map(\.name) == RamachandranRegion.allCases.map { "population \($0.rawValue)" })
        let (beta, alpha, left) = (results[0], results[1], results[2])

        #expect(abs(alpha.md.value - 0.2) < 1e-12 && abs(alpha.md.error! - 0) < 1e-12)
        #expect(abs(alpha.model.value - 0.15) < 1e-12)
        #expect(abs(alpha.model.error! - (0.005 + 0.0025).squareRoot()) < 1e-12)
        #expect(alpha.withinTwoSigma == true)
        #expect(alpha.caveat?.contains("exceeds half the value") == true)
        #expect(alpha.caveat?.contains("enters this region") == false)

        #expect(abs(beta.md.value - 0.8) < 1e-12)
        #expect(abs(beta.model.value - 0.8) < 1e-12 && abs(beta.model.error! - 0.05) < 1e-12)
        #expect(beta.caveat == nil)

        #expect(left.md.value == 0)
        #expect(abs(left.model.value - 0.05) < 1e-12 && abs(left.model.error! - 0.005.squareRoot()) < 1e-12)
        #expect(left.caveat?.contains("the MD enters this region 0 times") == true)

        // One member: no spread to report, and the decoder shift is not folded into a missing bar.
        let single = BackboneEstimates.populations(md: md, model: model, memberOf: [0, 0, 0],
                                                   decodedMD: (phi: [decoded.phi], psi: [decoded.psi]))
        #expect(single[1].model.error == nil)
        #expect(abs(single[1].model.value - 5.0 / 30) < 1e-12)
        #expect(single[1].caveat?.contains("one ensemble member gives no spread") == true)
    }

    @Test("entries count each move from outside to inside, a start inside once")
    func entries() {
        #expect(BackboneEstimates.entryCount([false, true, true, false, true]) == 2)
        #expect(BackboneEstimates.entryCount([true, false, true]) == 2)
        #expect(BackboneEstimates.entryCount([true, true]) == 1)
        #expect(BackboneEstimates.entryCount([]) == 0)
    }

    /// Region boundaries: αR is φ < 0 with −125 < ψ ≤ 25; β the rest of φ < 0.
    @Test("Ramachandran regions at their boundaries")
    func regions() {
        #expect(RamachandranRegion.alphaR.contains(phi: -1, psi: 25))
        #expect(RamachandranRegion.beta.contains(phi: -1, psi: 25.001))
        #expect(RamachandranRegion.beta.contains(phi: -90, psi: -125))
        #expect(RamachandranRegion.alphaR.contains(phi: -90, psi: -124.999))
        #expect(RamachandranRegion.positivePhi.contains(phi: 0, psi: -40))
        #expect(!RamachandranRegion.alphaR.contains(phi: 0, psi: -40))
    }

    /// A torsion that forgets itself every frame decorrelates within a frame, far below five MDN
    /// steps of 2 ps: the caveat names the decoder's frame-to-frame noise.
    @Test("a decorrelation time under five MDN steps carries the caveat")
    func fastDecorrelation() {
        var random = RandomGenerator(seed: 5)
        let noise = { (n: Int) in (0..<n).map { _ in Double(random.uniform()) * 360 - 180 } }
        let md = (0..<2).map { _ in noise(5_000) }, model = (0..<2).map { _ in noise(5_000) }
        let result = BackboneEstimates.decorrelation(name: "φ", md: md, model: model, memberOf: [0, 1],
                                                     frameInterval: 1, step: 2)
        #expect(result.caveat?.contains("fewer than five MDN steps") == true)
    }

    /// Decoder alone: with MD's own frames as the "decoded MD" its F(φ, ψ) RMSE is exactly 0 while
    /// the model's is not; with the model's frames it equals the model's F(φ, ψ) RMSE.
    @Test("decoder-alone F(φ, ψ): zero for MD itself, the model's value for the model's frames")
    func decoderAlone() throws {
        let (topology, _, _) = try AlanineDipeptide.load()
        let reader = try PDBReader(path: Repository.alanineDipeptidePDB)
        defer { reader.close() }
        let reference = try #require(try reader.read(maxFrames: 1)).positions
        let all = Array(topology.atoms.indices)
        var random = RandomGenerator(seed: 8)
        let jittered = { (frames: Int, sigma: Float) -> Matrix in
            let m = Matrix(rows: frames, cols: reference.count)
            for f in 0..<frames {
                for i in 0..<reference.count { m.pointer[f * reference.count + i] = reference[i] + sigma * random.normal() }
            }
            return m
        }
        let md = [jittered(3_000, 0.02), jittered(3_000, 0.02)]
        let model = [jittered(3_000, 0.03), jittered(3_000, 0.03)]
        let check = StructureCheck(topology: topology, atomIndices: all, reference: reference)
        let compare = { (decoded: [Matrix]) in
            try StructuralComparison.compare(md: md, model: model, memberOf: [0, 1], decodedMD: decoded, topology: topology,
                                             reference: reference, check: check, frameInterval: 1, step: 2)
        }
        let itself = try compare(md)
        let modelF = try #require(itself.dihedralFreeEnergy).rmse
        #expect(try #require(itself.decoderOnlyDihedralFreeEnergy).rmse < 1e-12)
        #expect(modelF > 0.05)
        let asModel = try compare(model)
        #expect(abs(try #require(asModel.decoderOnlyDihedralFreeEnergy).rmse - modelF) < 1e-12)
    }
}
