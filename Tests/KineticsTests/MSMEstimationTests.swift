import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

/// MSM estimation against analytical results and the known chain that generated the data.
@Suite struct MSMEstimationTests {
    /// Two states with T = [[0.9, 0.1], [0.3, 0.7]]: counts proportional to π_i T_ij are symmetric, so
    /// the reversible MLE is exactly T, with π = (0.75, 0.25), λ₂ = 0.6, and the mean first passage
    /// time from 0 to 1 is τ / T₀₁ (a geometric waiting time).
    @Test func twoStateChainIsReproducedExactly() throws {
        let counts = TransitionCounts(lag: 5, states: [0, 1], matrix: DoubleMatrix([[675, 75], [75, 175]]))
        let model = try MarkovStateModel(counts: counts)
        #expect(model.transitionMatrix.maxAbsoluteDifference(DoubleMatrix([[0.9, 0.1], [0.3, 0.7]])) < 1e-12)
        #expect(abs(model.stationaryDistribution[0] - 0.75) < 1e-12)
        #expect(abs(try model.eigenvalues(count: 2)[1] - 0.6) < 1e-12)
        #expect(abs(try model.timescales(count: 1)[0] - (-5 / log(0.6))) < 1e-9)
        #expect(abs(try model.meanFirstPassageTime(from: [0], to: [1]) - 50) < 1e-9)
        #expect(abs(try model.meanFirstPassageTime(from: [1], to: [0]) - 5 / 0.3) < 1e-9)
    }

    /// A symmetric random walk 0 – 1 – 2 – 3 – 4 (stay ½, step ¼ each way, reflecting ends) has the
    /// committor q(i) = i/4 between {0} and {4}.
    @Test func committorOfARandomWalkIsLinear() throws {
        var matrix = DoubleMatrix(rows: 5, cols: 5)
        for i in 0..<5 {
            matrix[i, i] = 200
            if i > 0 { matrix[i, i - 1] = 100 } else { matrix[i, i] += 100 }
            if i < 4 { matrix[i, i + 1] = 100 } else { matrix[i, i] += 100 }
        }
        let model = try MarkovStateModel(counts: TransitionCounts(lag: 1, states: Array(0..<5), matrix: matrix))
        let q = try model.forwardCommittor(from: [0], to: [4])
        for i in 0..<5 { #expect(abs(q[i] - Double(i) / 4) < 1e-12, "q = \(q)") }
    }

    /// The spectrum's defining identities: T r_k = λ_k r_k, l_kᵀ T = λ_k l_kᵀ, l_kᵀ r_m = δ_km,
    /// l₁ = π, r₁ = 1.
    @Test func spectrumSatisfiesItsDefinition() throws {
        let trajectories = MSMTestData.sample(MSMTestData.metastableChain(), lengths: [30_000], seed: 3)
        let model = try MarkovStateModel.estimate(trajectories, lag: 2)
        let spectrum = try model.spectrum()
        let n = model.stateCount, t = model.transitionMatrix
        let tr = t * spectrum.rightEigenvectors
        let lt = t.multiplied(by: spectrum.leftEigenvectors, transposeSelf: true)
        for k in 0..<n {
            for i in 0..<n {
                #expect(abs(tr[i, k] - spectrum.eigenvalues[k] * spectrum.rightEigenvectors[i, k]) < 1e-10)
                #expect(abs(lt[i, k] - spectrum.eigenvalues[k] * spectrum.leftEigenvectors[i, k]) < 1e-10)
            }
        }
        let overlap = spectrum.leftEigenvectors.multiplied(by: spectrum.rightEigenvectors, transposeSelf: true)
        #expect(overlap.maxAbsoluteDifference(DoubleMatrix.identity(n)) < 1e-10)
        for i in 0..<n {
            #expect(abs(spectrum.leftEigenvectors[i, 0] - model.stationaryDistribution[i]) < 1e-12)
            #expect(abs(spectrum.rightEigenvectors[i, 0] - 1) < 1e-10)
        }
        #expect(zip(spectrum.eigenvalues, spectrum.eigenvalues.dropFirst()).allSatisfy { abs($0) >= abs($1) })
    }

    /// For data from a Markov chain the time scales do not depend on the lag: at lags 1, 2 and 4 the
    /// estimates lie within 4 bootstrap σ of the generating chain's exact time scales (NumPy's
    /// eigenvalues of the generating matrix), and the Chapman-Kolmogorov test passes for its three
    /// blocks as metastable sets.
    @Test func markovChainTimescalesAreLagIndependentWithinBootstrapErrors() throws {
        let chain = MSMTestData.metastableChain()
        let trajectories = MSMTestData.sample(chain, lengths: [Int](repeating: 5_000, count: 20), seed: 5)
        let workspace = try Workspace()
        let path = workspace.path("chain.json")
        try JSONSerialization.data(withJSONObject: (0..<chain.rows).map { i in (0..<chain.cols).map { chain[i, $0] } })
            .write(to: URL(fileURLWithPath: path))
        let exact = try decodeJSON([Double].self, from: runPython("""
        import json, sys, numpy as np
        T = np.array(json.load(open(sys.argv[1])))
        ev = np.sort(np.abs(np.linalg.eigvals(T)))[::-1]
        print(json.dumps((-1 / np.log(ev[1:3])).tolist()))
        """, [path]))
        let scan = try ImpliedTimescaleScan.estimate(trajectories, lags: [1, 2, 4], processes: 2,
                                                     errors: .bootstrap(samples: 40, seed: 9))
        let errors = try #require(scan.errors)
        #expect(scan.errorSamples == [40, 40, 40])
        for (l, lag) in scan.lags.enumerated() {
            for k in 0..<2 {
                let deviation = abs(scan.timescales[l][k] - exact[k])
                #expect(errors[l][k] > 0 && deviation < 4 * errors[l][k],
                        "lag \(lag) process \(k): \(scan.timescales[l][k]) ± \(errors[l][k]) vs exact \(exact[k])")
            }
        }
        let model = try MarkovStateModel.estimate(trajectories, lag: 1)
        let ck = try model.chapmanKolmogorovTest(trajectories, steps: 5, sets: .states([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]))
        #expect(ck.steps == [1, 2, 3, 4, 5])
        #expect(ck.largestDeviation < 0.02, "CK deviation \(ck.largestDeviation)")
        for step in ck.predicted { for row in step { #expect(abs(row.reduce(0, +) - 1) < 1e-9) } }
        // PCCA+ finds the three blocks.
        let sets = try model.pcca(sets: 3).sets.map { Set($0) }
        #expect(Set(sets) == Set([Set([0, 1, 2, 3]), Set([4, 5, 6, 7]), Set([8, 9, 10, 11])]), "\(sets)")
    }

    /// Block error bars cut the data into contiguous blocks: with 4 blocks of a chain and one
    /// trajectory, every block estimate succeeds.
    @Test func blockErrorsUseEveryBlock() throws {
        let trajectories = MSMTestData.sample(MSMTestData.metastableChain(), lengths: [40_000], seed: 8)
        let scan = try ImpliedTimescaleScan.estimate(trajectories, lags: [1], processes: 2, errors: .blocks(4))
        #expect(scan.errorSamples == [4])
        #expect(try #require(scan.errors)[0].allSatisfy { $0 > 0 && $0 < scan.timescales[0][0] })
    }

    @Test func modelRoundTripsThroughJSON() throws {
        let trajectories = MSMTestData.sample(MSMTestData.metastableChain(), lengths: [5_000], seed: 4)
        let model = try MarkovStateModel.estimate(trajectories, lag: 2)
        let decoded = try JSONDecoder().decode(MarkovStateModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
    }

    /// Iterative Tarjan on a 3000-state cycle (a recursive search would nest 3000 calls deep),
    /// plus one state that is only entered.
    @Test func longChainsAreOneStronglyConnectedSet() throws {
        let n = 3000
        var path = Array(0..<n)
        path.append(0)
        path.append(n)
        let counts = try TransitionCounts([path], lag: 1)
        let sets = counts.connectedSets()
        #expect(sets.first?.count == n)
        #expect(sets.count == 2 && sets[1] == [n])
        #expect(counts.connectedSets(directed: false).count == 1)
    }
}
