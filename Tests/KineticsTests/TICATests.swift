import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

@Suite struct TICATests {
    typealias Data = CovarianceTestData

    /// A mixed AR(1) process has TICA eigenvalues λ_i^τ exactly. With 2·10⁵ frames the Bartlett
    /// standard error of a lag-5 autocorrelation is ≤ 0.004 for these λ, so 0.015 (≈ 4σ) is the bound;
    /// the slowest implied time scale (−1/ln 0.99 ≈ 99.5 frames) is held to 5 %.
    @Test func recoversTheEigenvaluesOfALinearProcess() throws {
        let lambdas = [0.99, 0.95, 0.8, 0.5]
        let mixing = DoubleMatrix([[1, 0.5, 0.2, 0], [0.3, 1, 0, 0.4], [0, 0.2, 1, 0.3], [0.5, 0, 0.1, 1]])
        let x = Data.mixedAR1(frames: 200_000, eigenvalues: lambdas, mixing: mixing, seed: 11)
        let model = try TICA.fit([x], lag: 5)
        #expect(model.rank == 4)
        for (estimated, exact) in zip(model.eigenvalues, lambdas.map { pow($0, 5) }) {
            #expect(abs(estimated - exact) < 0.015, "λ^5 = \(exact), TICA \(estimated)")
        }
        let slowest = model.timescales()[0]
        #expect(abs(slowest - (-1 / log(0.99))) < 0.05 * 99.5)
        #expect(abs(model.timescales(frameInterval: 2)[0] - 2 * slowest) < 1e-9)
    }

    /// deeptime 0.4.5 `TICA(lagtime=3, epsilon=1e-6, scaling=...)` on the same three trajectories:
    /// eigenvalues, time scales, cumulative kinetic variance, the mean and the projection of the first
    /// trajectory with each scaling, and the dimension from `var_cutoff=0.9`. Both solve the same
    /// small symmetric problems in Float64 (deeptime with a QR eigensolver, lss with dsyevd), so 1e-9.
    @Test func matchesDeeptime() throws {
        let trajectories = [Data.trajectory(frames: 400, features: 5, seed: 21), Data.trajectory(frames: 250, features: 5, seed: 22),
                            Data.trajectory(frames: 60, features: 5, seed: 23)]
        let workspace = try Workspace()
        let lengths = try Data.writeRaw(trajectories, to: workspace.path("x.f64"))
        let script = Data.pythonLoader + """
        from deeptime.decomposition import TICA
        out = {}
        for scaling in [None, 'kinetic_map', 'commute_map']:
            m = TICA(lagtime=3, epsilon=1e-6, scaling=scaling).fit(trajs).fetch_model()
            out[str(scaling)] = {'eigenvalues': m.singular_values.tolist(), 'timescales': m.timescales().tolist(),
                        'cumvar': m.cumulative_kinetic_variance.tolist(), 'mean': m.mean_0.tolist(),
                        'projection': m.transform(trajs[0]).tolist()}
        out['dim90'] = int(TICA(lagtime=3, var_cutoff=0.9).fit(trajs).fetch_model().output_dimension)
        print(json.dumps(out))
        """
        struct Reference: Decodable {
            var eigenvalues: [Double], timescales: [Double], cumvar: [Double], mean: [Double], projection: [[Double]]
        }
        struct Output: Decodable {
            var None: Reference, kinetic_map: Reference, commute_map: Reference, dim90: Int
        }
        let output = try decodeJSON(Output.self, from: runPython(script, [workspace.path("x.f64"), lengths, "5"]))
        for (key, scaling, reference) in [("None", TICAScaling.none, output.None), ("kinetic_map", .kineticMap, output.kinetic_map),
                                          ("commute_map", .commuteMap, output.commute_map)] {
            let model = try TICA.fit(trajectories, lag: 3, options: TICAOptions(scaling: scaling))
            #expect(model.eigenvalues.count == reference.eigenvalues.count)
            #expect(zip(model.eigenvalues, reference.eigenvalues).allSatisfy { abs($0 - $1) < 1e-9 })
            #expect(zip(model.timescales(), reference.timescales).allSatisfy { abs($0 - $1) < 1e-7 * max(1, abs($1)) })
            #expect(zip(model.cumulativeKineticVariance, reference.cumvar).allSatisfy { abs($0 - $1) < 1e-9 })
            #expect(zip(model.mean, reference.mean).allSatisfy { abs($0 - $1) < 1e-12 })
            let projected = try model.transform(trajectories[0])
            let expected = DoubleMatrix(reference.projection)
            #expect(projected.maxAbsoluteDifference(expected) < 1e-8, "scaling \(key)")
        }
        let cut = try TICA.fit(trajectories, lag: 3, options: TICAOptions(components: .kineticVariance(0.9)))
        #expect(cut.dimension == output.dim90)
    }

    /// A constant feature makes C0 singular: truncation drops that direction (rank d − 1, as deeptime);
    /// regularization keeps all d directions and gives the other eigenvalues nearly unchanged.
    @Test func constantFeaturesAreTruncatedOrRegularized() throws {
        var x = Data.trajectory(frames: 500, features: 4, seed: 31)
        for t in 0..<x.rows { x[t, 2] = 7 }
        let truncated = try TICA.fit([x], lag: 2)
        #expect(truncated.rank == 3)
        let regularized = try TICA.fit([x], lag: 2, options: TICAOptions(epsilon: 1e-8, mode: .regularize))
        #expect(regularized.rank == 4)
        for (a, b) in zip(truncated.eigenvalues, regularized.eigenvalues) { #expect(abs(a - b) < 1e-5) }
        #expect(try regularized.transform(x).values.allSatisfy(\.isFinite))
        // Every feature constant: nothing is left, and the error says so.
        let flat = DoubleMatrix(rows: 50, cols: 2, repeating: 3)
        #expect(throws: KineticsError.self) { try TICA.fit([flat], lag: 2) }
    }

    /// Projecting chunk by chunk gives the rows of projecting everything; the model survives JSON.
    @Test func transformStreamsAndTheModelRoundTrips() throws {
        let x = Data.trajectory(frames: 120, features: 3, seed: 41)
        let model = try TICA.fit([x], lag: 4, options: TICAOptions(components: .count(2)))
        let whole = try model.transform(x)
        #expect(whole.cols == 2)
        let firstHalf = DoubleMatrix(rows: 50, cols: 3, values: Array(x.values[0..<150]))
        let part = try model.transform(firstHalf)
        #expect(part.values == Array(whole.values[0..<100]))
        let decoded = try JSONDecoder().decode(TICAModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
        #expect(try decoded.transform(x) == whole)
        #expect(throws: KineticsError.self) { try model.transform(DoubleMatrix(rows: 2, cols: 4)) }
        #expect(throws: KineticsError.self) { try TICA.fit([x], lag: 4, options: TICAOptions(components: .kineticVariance(1.5))) }
    }
}
