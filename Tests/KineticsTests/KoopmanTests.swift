import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

@Suite struct KoopmanTests {
    typealias Data = CovarianceTestData

    /// Short trajectories of a mixed AR(1) process all started far from equilibrium, in the basis
    /// (x₁, x₂, x₁², x₁x₂): the weight function, the Koopman matrix and the reweighted TICA eigenvalues
    /// agree with deeptime 0.4.5 `KoopmanWeightingEstimator(lagtime=2, epsilon=1e-6)` and
    /// `TICA(lagtime=2).fit(trajs, weights=model)`. Same Float64 algebra, so 1e-8.
    @Test func matchesDeeptime() throws {
        let mixing = DoubleMatrix([[1, 0.3], [0.2, 1]])
        var trajectories: [DoubleMatrix] = []
        for seed in 0..<40 {
            var x = Data.mixedAR1(frames: 30, eigenvalues: [0.9, 0.6], mixing: mixing, seed: 900 + UInt64(seed))
            for t in 0..<x.rows { x[t, 0] += 2 * pow(0.9, Double(t)) }   // a relaxing start
            var basis = DoubleMatrix(rows: x.rows, cols: 4)
            for t in 0..<x.rows {
                basis[t, 0] = x[t, 0]; basis[t, 1] = x[t, 1]
                basis[t, 2] = x[t, 0] * x[t, 0]; basis[t, 3] = x[t, 0] * x[t, 1]
            }
            trajectories.append(basis)
        }
        let workspace = try Workspace()
        let lengths = try Data.writeRaw(trajectories, to: workspace.path("x.f64"))
        let script = Data.pythonLoader + """
        from deeptime.covariance import KoopmanWeightingEstimator
        from deeptime.decomposition import TICA
        m = KoopmanWeightingEstimator(lagtime=2, epsilon=1e-6).fit(trajs).fetch_model()
        tica = TICA(lagtime=2, epsilon=1e-6).fit(trajs, weights=m).fetch_model()
        print(json.dumps({'u': m.weights_input.tolist(), 'c': float(m.const_weight_input),
                          'K': m.koopman_operator.tolist(), 'w': m.weights(trajs[0]).tolist(),
                          'tica': tica.singular_values.tolist()}))
        """
        struct Reference: Decodable { var u: [Double], c: Double, K: [[Double]], w: [Double], tica: [Double] }
        let reference = try decodeJSON(Reference.self, from: runPython(script, [workspace.path("x.f64"), lengths, "4"]))
        let model = try KoopmanReweighting.estimate(trajectories, lag: 2)
        func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-8) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
        }
        #expect(close(model.coefficients, reference.u))
        #expect(abs(model.constant - reference.c) < 1e-8 * max(1, abs(reference.c)))
        #expect(model.koopmanMatrix.maxAbsoluteDifference(DoubleMatrix(reference.K)) < 1e-8)
        #expect(close(try model.weights(for: trajectories[0]), reference.w))
        let weights = try model.weights(for: trajectories)
        let tica = try TICA.fit(trajectories, lag: 2, weights: weights)
        #expect(close(tica.eigenvalues, reference.tica))
        // The reweighting did something: the unweighted eigenvalues differ.
        let plain = try TICA.fit(trajectories, lag: 2)
        #expect(!close(plain.eigenvalues, reference.tica, 1e-3))
    }

    /// A three-state Markov chain whose stationary distribution is known, sampled by 2000 trajectories
    /// of 15 steps all started in state 0; the basis is the three state indicators (their mean-free
    /// C00 is singular, so truncation is exercised). For indicators, Koopman reweighting is the
    /// stationary vector of the row-normalized count matrix, exact up to sampling noise: with ~2.8·10⁴
    /// transitions the standard error of each probability is below 0.01, so the bound is 0.03, while
    /// the raw histogram of pair starts is off by more than 0.1.
    @Test func recoversTheStationaryDistributionOfAMarkovChain() throws {
        let transition = [[0.90, 0.08, 0.02], [0.05, 0.90, 0.05], [0.02, 0.18, 0.80]]
        // π solves π P = π; for this P it is proportional to (0.3256, 0.5116, 0.1628) (checked below).
        var pi = [1.0, 1.0, 1.0]
        for _ in 0..<10_000 { pi = (0..<3).map { j in (0..<3).reduce(0) { $0 + pi[$1] * transition[$1][j] } } }
        let total = pi.reduce(0, +)
        pi = pi.map { $0 / total }
        var random = SplitMix64(seed: 77)
        var trajectories: [DoubleMatrix] = []
        for _ in 0..<2000 {
            var state = 0
            var basis = DoubleMatrix(rows: 15, cols: 3)
            for t in 0..<15 {
                basis[t, state] = 1
                let u = random.uniform()
                state = u < transition[state][0] ? 0 : (u < transition[state][0] + transition[state][1] ? 1 : 2)
            }
            trajectories.append(basis)
        }
        let model = try KoopmanReweighting.estimate(trajectories, lag: 1)
        #expect(model.rank == 2)
        var reweighted = [0.0, 0.0, 0.0], raw = [0.0, 0.0, 0.0]
        for x in trajectories {
            let w = try model.weights(for: x)
            for t in 0..<(x.rows - 1) { for s in 0..<3 where x[t, s] == 1 { reweighted[s] += w[t]; raw[s] += 1 } }
        }
        let wSum = reweighted.reduce(0, +), rawSum = raw.reduce(0, +)
        for s in 0..<3 {
            #expect(abs(reweighted[s] / wSum - pi[s]) < 0.03, "state \(s): \(reweighted[s] / wSum) vs \(pi[s])")
        }
        #expect((0..<3).map { abs(raw[$0] / rawSum - pi[$0]) }.max()! > 0.1)
    }

    @Test func badInputIsRefused() throws {
        let x = Data.trajectory(frames: 40, features: 3, seed: 5)
        let model = try KoopmanReweighting.estimate([x], lag: 2)
        #expect(throws: KineticsError.self) { try model.weights(for: DoubleMatrix(rows: 3, cols: 2)) }
        #expect(throws: KineticsError.self) { try KoopmanReweighting.estimate([x], lag: 40) }
        let decoded = try JSONDecoder().decode(KoopmanWeights.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
    }
}
