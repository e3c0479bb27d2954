import Foundation
import Kinetics
import Testing
import TestSupport

@Suite struct DivergenceTests {
    /// By hand: p = (½, ½), q = (1, 0), m = (¾, ¼): KL(p‖m) = ½ ln(4/3), KL(q‖m) = ln(4/3), so
    /// JSD = ¾ ln(4/3); TV = ½. Disjoint supports: JSD = ln 2, TV = 1. Inputs are normalized first.
    @Test func handComputedValues() throws {
        #expect(abs(try DistributionDistance.jensenShannon([0.5, 0.5], [1, 0]) - 0.75 * log(4.0 / 3)) < 1e-15)
        #expect(abs(try DistributionDistance.jensenShannon([2, 2], [3, 0]) - 0.75 * log(4.0 / 3)) < 1e-15)
        #expect(abs(try DistributionDistance.jensenShannon([1, 0, 0], [0, 0, 5]) - log(2.0)) < 1e-15)
        #expect(try DistributionDistance.totalVariation([0.5, 0.5], [1, 0]) == 0.5)
        #expect(try DistributionDistance.totalVariation([1, 0], [0, 1]) == 1)
    }

    /// Against SciPy (jensenshannon returns √JSD, natural log by default) on random distributions with
    /// empty bins; JSD symmetric, 0 for identical inputs, within [0, ln 2].
    @Test func matchesSciPyAndItsProperties() throws {
        var rng = SplitMix64(seed: 7)
        var ps = [[Double]](), qs = [[Double]]()
        for _ in 0..<20 {
            ps.append((0..<12).map { _ in rng.uniform() < 0.2 ? 0 : rng.uniform() })
            qs.append((0..<12).map { _ in rng.uniform() < 0.2 ? 0 : rng.uniform() })
        }
        let json = String(decoding: try JSONEncoder().encode([ps, qs]), as: UTF8.self)
        let script = """
        import json, sys, numpy as np
        from scipy.spatial.distance import jensenshannon
        ps, qs = json.loads(sys.stdin.read())
        print(json.dumps([float(jensenshannon(np.array(p), np.array(q)) ** 2) for p, q in zip(ps, qs)]))
        """
        let scipy = try decodeJSON([Double].self, from: runProgram("python3", ["-c", script], input: json))
        for k in ps.indices {
            let forward = try DistributionDistance.jensenShannon(ps[k], qs[k])
            let backward = try DistributionDistance.jensenShannon(qs[k], ps[k])
            #expect(abs(forward - scipy[k]) < 1e-12, "pair \(k): \(forward) vs SciPy \(scipy[k])")
            #expect(forward == backward || abs(forward - backward) < 1e-15)
            #expect(forward >= 0 && forward <= log(2.0))
            #expect(try DistributionDistance.jensenShannon(ps[k], ps[k]) == 0)
            #expect(try DistributionDistance.totalVariation(ps[k], ps[k]) == 0)
        }
    }

    @Test func histogramsMustShareBins() throws {
        let a = StatisticsTestData.gaussians(1_000, seed: 8), b = StatisticsTestData.gaussians(1_000, mean: 0.5, seed: 9)
        let axis = try HistogramAxis.spanning([a], bins: 20)
        let ha = try Histogram1D([a], axis: axis), hb = try Histogram1D([b], axis: axis)
        #expect(try DistributionDistance.jensenShannon(ha, hb) == DistributionDistance.jensenShannon(ha.counts, hb.counts))
        #expect(try DistributionDistance.totalVariation(ha, hb) > 0.1)
        let other = try Histogram1D([b], axis: HistogramAxis(lower: -3, upper: 3, bins: 20))
        expectStatisticsError(.mismatch, "different axes") { _ = try DistributionDistance.jensenShannon(ha, other) }
        let square = try HistogramAxis(lower: -3, upper: 3, bins: 6)
        let h2a = try Histogram2D(x: [a], y: [b], xAxis: square, yAxis: square)
        let h2b = try Histogram2D(x: [b], y: [a], xAxis: square, yAxis: square)
        #expect(try DistributionDistance.jensenShannon(h2a, h2b) > 0)
        expectStatisticsError(.mismatch, "different bin counts") { _ = try DistributionDistance.jensenShannon([1, 2], [1]) }
        expectStatisticsError(.invalidArgument, "negative weight") { _ = try DistributionDistance.totalVariation([1, -1], [1, 1]) }
        expectStatisticsError(.invalidArgument, "NaN weight") { _ = try DistributionDistance.jensenShannon([.nan], [1]) }
        expectStatisticsError(.insufficientData, "empty distribution") { _ = try DistributionDistance.jensenShannon([0, 0], [1, 1]) }
        expectStatisticsError(.invalidArgument, "no bins") { _ = try DistributionDistance.jensenShannon([], []) }
    }
}
