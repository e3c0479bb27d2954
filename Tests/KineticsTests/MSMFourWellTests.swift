import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

/// MSMs of Brownian dynamics in the four-well potential (D = kT = 1, dt = 10⁻³, Euler-Maruyama,
/// `BrownianDynamics1D`) against the exact answers of `SmoluchowskiReference`.
///
/// The simulations take 10⁷ and 3·10⁶ steps (about 1 s in a release build, ~30 s in a debug one), so
/// these tests run in optimized builds only (CI runs `swift test -c release`).
@Suite(.enabled(if: BuildConfiguration.isOptimized, "simulation-heavy: run with swift test -c release"))
struct MSMFourWellTests {
    static let timeStep = 1e-3
    /// 100 bins on [-1.1, 1.1] (DESIGN.md §9's 1-D histogram); exp(-V) at ±1.1 is below 10⁻³ of its
    /// peak, so the range holds all but a negligible part of the density.
    static func grid() throws -> RegularGrid { try RegularGrid(lower: -1.1, upper: 1.1, bins: 100) }
    static var edges: [Double] { (0...100).map { -1.1 + 2.2 * Double($0) / 100 } }
    /// The minima of the four wells.
    static let wellMinima = [-0.739, -0.224, 0.269, 0.673]

    static func discretize(_ positions: [Double]) throws -> [Int] {
        try grid().assign([DoubleMatrix(rows: positions.count, cols: 1, values: positions)])[0]
    }

    static func totalVariation(_ p: [Double], _ q: [Double]) -> Double {
        0.5 * zip(p, q).reduce(0) { $0 + abs($1.0 - $1.1) }
    }

    static func reference() throws -> SmoluchowskiReference {
        try SmoluchowskiReference(potential: FourWellPotential(), range: -1.3...1.3, points: 500)
    }

    /// The required test: one 10⁷-step trajectory (a frame every 5 steps), an MSM on the
    /// 100-bin grid at lag 100 steps, against the exact density and the exact time scales of the
    /// Euler-Maruyama chain (about 844, 125.5 and 64.3 steps; 834, 127 and 65 in continuous time).
    ///
    /// Tolerances: the run holds ~1.2·10⁴ slowest relaxation times, so the statistical error of the
    /// slowest time scale is about √(2·844/10⁷) ≈ 1.3 % (the five-block estimate gives 0.8 %), smaller
    /// for the faster two; the fine grid at a lag of 100 steps adds a discretization bias below 1 %.
    /// 5 % is therefore ≳ 3σ plus the bias for each. The density: the well populations fluctuate by
    /// about 1 % each for the same reason, so the total-variation distance over 100 bins is ~0.015
    /// (measured 0.016); 0.04 is the bound.
    @Test func equilibriumTrajectoryGivesTheExactDensityAndTimescales() throws {
        let dynamics = BrownianDynamics1D(potential: FourWellPotential(), timeStep: Self.timeStep)
        let saveEvery = 5, lagFrames = 20
        let positions = dynamics.simulate(from: 0.75, frames: 2_000_000, saveEvery: saveEvery, seed: 2024)
        let dtraj = try Self.discretize(positions)
        let model = try MarkovStateModel.estimate([dtraj], lag: lagFrames, stateCount: 100)
        #expect(model.stateCount == 100 && model.converged)

        let reference = try Self.reference()
        let exactSteps = try reference.eulerMaruyamaTimescales(timeStep: Self.timeStep, count: 3)
        let estimatedSteps = try model.timescales(count: 3).map { $0 * Double(saveEvery) }
        for (estimated, exact) in zip(estimatedSteps, exactSteps) {
            #expect(abs(estimated - exact) / exact < 0.05, "MSM \(estimatedSteps) vs exact \(exactSteps) steps")
        }
        let exactProbabilities = try reference.stationaryProbabilities(edges: Self.edges)
        let tv = Self.totalVariation(model.fullStationaryDistribution, exactProbabilities)
        #expect(tv < 0.04, "TV distance of the MSM's π to exp(-V)/Z: \(tv)")

        // Five-block error bars cover the exact slowest time scale within 4σ.
        let scan = try ImpliedTimescaleScan.estimate([dtraj], lags: [lagFrames], processes: 3, stateCount: 100,
                                                     errors: .blocks(5))
        let sigma = try #require(scan.errors?.first?.first) * Double(saveEvery)
        #expect(scan.timescales[0][0] == (try model.timescales(count: 1))[0])
        #expect(sigma > 0 && abs(estimatedSteps[0] - exactSteps[0]) < 4 * sigma, "σ = \(sigma) steps")

        // PCCA+ puts each well's minimum in its own set, and the 4-set model passes the
        // Chapman-Kolmogorov test (predictions within 0.02 of the re-estimates up to 4τ; measured 0.004).
        let pcca = try model.pcca(sets: 4)
        let setOfMinimum = try Self.wellMinima.map { x in
            try #require(model.position(ofState: try Self.grid().state(of: [x])).map { pcca.assignments[$0] })
        }
        #expect(Set(setOfMinimum).count == 4, "sets of the well minima: \(setOfMinimum)")
        let ck = try model.chapmanKolmogorovTest([dtraj], steps: 4, sets: .pcca(4))
        #expect(ck.largestDeviation < 0.02, "CK deviation \(ck.largestDeviation)")
        // A lumping that is not Markovian (both outer wells in one state, both inner in the other) at
        // a 5-step lag fails it clearly (measured 0.14).
        let lumped = positions.map { abs($0) > 0.5 ? 0 : 1 }
        let lumpedCK = try MarkovStateModel.estimate([lumped], lag: 1)
            .chapmanKolmogorovTest([lumped], steps: 20, sets: .states([[0], [1]]))
        #expect(lumpedCK.largestDeviation > 0.05, "CK deviation of the bad lumping \(lumpedCK.largestDeviation)")
    }

    /// DESIGN.md §4, "Adaptive data are not equilibrium data": 1000 trajectories of 3000 steps, all
    /// started at the bottom of the leftmost well. Their raw histogram is far from equilibrium (TV
    /// distance 0.20 to the exact bin probabilities), while the reversible MLE MSM's stationary
    /// distribution recovers the exact one (measured 0.016): the transition probabilities out of each
    /// bin do not depend on where trajectories started. Bound 0.04, for the same statistical reason
    /// as above (3·10⁶ steps, but each well visited from both sides by many trajectories).
    @Test func reversibleEstimateReweightsShortTrajectoriesFromOneWell() throws {
        let dynamics = BrownianDynamics1D(potential: FourWellPotential(), timeStep: Self.timeStep)
        let saveEvery = 5, lagFrames = 20
        var trajectories = [[Int]]()
        for k in 0..<1000 {
            let positions = dynamics.simulate(from: -0.75, frames: 600, saveEvery: saveEvery, seed: 100 + UInt64(k))
            trajectories.append(try Self.discretize(positions))
        }
        var histogram = [Double](repeating: 0, count: 100)
        for trajectory in trajectories { for state in trajectory { histogram[state] += 1 } }
        let total = histogram.reduce(0, +)
        histogram = histogram.map { $0 / total }
        let exact = try Self.reference().stationaryProbabilities(edges: Self.edges)
        let raw = Self.totalVariation(histogram, exact)
        #expect(raw > 0.1, "the raw histogram should be biased toward the starting well (TV \(raw))")

        let model = try MarkovStateModel.estimate(trajectories, lag: lagFrames, stateCount: 100)
        let reweighted = Self.totalVariation(model.fullStationaryDistribution, exact)
        #expect(reweighted < 0.04, "TV distance of the MSM's π: \(reweighted) (raw histogram \(raw))")
    }
}
