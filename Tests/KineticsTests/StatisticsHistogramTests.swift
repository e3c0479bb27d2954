import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

/// Histograms against NumPy on the same data, the weighting and the out-of-range accounting.
@Suite struct StatisticsHistogramTests {
    struct NumPyHistograms: Decodable {
        var weighted1D: [Double]
        var spanning1D: [Double]
        var periodic2D: [[Double]]
        var plain2D: [[Double]]
        var plain2DInRange: Double
    }

    /// Every count agrees with numpy.histogram / histogram2d: exactly for unweighted counts
    /// (integers), to 1e-9 relative for weighted sums (only the summation order differs).
    @Test func countsMatchNumPy() throws {
        let workspace = try Workspace()
        var x = StatisticsTestData.gaussians(20_000, sd: 1.2, seed: 1)
        var y = StatisticsTestData.gaussians(20_000, mean: 0.3, seed: 2)
        let explicit = try HistogramAxis(lower: -2.5, upper: 3, bins: 37)
        // Values on bin edges exercise NumPy's half-open rule and its closed last bin.
        x += explicit.edges + [3, -2.5, 3.0000001, -2.5000001]
        y += Array(repeating: 0.1, count: explicit.bins + 5)
        var rng = SplitMix64(seed: 3)
        let weights = x.map { _ in rng.uniform() * 2 }
        // Degrees for the periodic surface: spread past ±180° so that wrapping matters.
        let phi = x.map { $0 * 120 }, psi = y.map { $0 * 150 - 20 }
        try StatisticsTestData.writeFloat64(x, to: workspace.path("x.f64"))
        try StatisticsTestData.writeFloat64(y, to: workspace.path("y.f64"))
        try StatisticsTestData.writeFloat64(weights, to: workspace.path("w.f64"))
        try StatisticsTestData.writeFloat64(phi, to: workspace.path("phi.f64"))
        try StatisticsTestData.writeFloat64(psi, to: workspace.path("psi.f64"))
        let script = """
        import json, sys, numpy as np
        d = sys.argv[1]
        ld = lambda n: np.fromfile(f'{d}/{n}.f64', dtype='<f8')
        x, y, w, phi, psi = ld('x'), ld('y'), ld('w'), ld('phi'), ld('psi')
        wrap = lambda a: (a + 180.0) % 360.0 - 180.0
        weighted, _ = np.histogram(x, bins=37, range=(-2.5, 3.0), weights=w)
        spanning, _ = np.histogram(x, bins=100)
        periodic, _, _ = np.histogram2d(wrap(phi), wrap(psi), bins=[36, 36], range=[[-180, 180], [-180, 180]], weights=w)
        plain, _, _ = np.histogram2d(x, y, bins=[20, 15], range=[[-2, 2], [-1.5, 2.5]])
        print(json.dumps({'weighted1D': weighted.tolist(), 'spanning1D': spanning.tolist(),
                          'periodic2D': periodic.tolist(), 'plain2D': plain.tolist(),
                          'plain2DInRange': float(plain.sum())}))
        """
        let numpy = try decodeJSON(NumPyHistograms.self, from: runPython(script, [workspace.url.path]))

        let weighted = try Histogram1D([x], axis: explicit, weights: [weights])
        expectClose(weighted.counts, numpy.weighted1D, relative: 1e-9, "weighted 1-D")
        let outside = x.indices.filter { x[$0] < -2.5 || x[$0] > 3 }
        #expect(weighted.outOfRange.count == outside.count && outside.count >= 2)
        #expect(abs(weighted.outOfRange.weight - outside.reduce(0) { $0 + weights[$1] }) < 1e-9)

        let spanning = try Histogram1D([x], axis: HistogramAxis.spanning([x]))
        #expect(spanning.counts == numpy.spanning1D)
        #expect(spanning.outOfRange.count == 0 && spanning.axis.bins == 100)

        let dihedral = try HistogramAxis.dihedralDegrees()
        let periodic = try Histogram2D(x: [phi], y: [psi], xAxis: dihedral, yAxis: dihedral, weights: [weights])
        expectClose(periodic.counts, numpy.periodic2D.flatMap { $0 }, relative: 1e-9, "periodic 2-D")
        #expect(periodic.outOfRange.count == 0)

        let plain = try Histogram2D(x: [x], y: [y], xAxis: HistogramAxis(lower: -2, upper: 2, bins: 20),
                                    yAxis: HistogramAxis(lower: -1.5, upper: 2.5, bins: 15))
        #expect(plain.counts == numpy.plain2D.flatMap { $0 })
        #expect(plain.outOfRange.count == x.count - Int(numpy.plain2DInRange))
        #expect(plain[3, 4] == numpy.plain2D[3][4])
    }

    /// Periodic wrapping: 180° is −180°, 540° is 180° is −180°, −181° is 179°.
    @Test func periodicAxisWrapsWholePeriods() throws {
        let axis = try HistogramAxis.dihedralDegrees()
        #expect(axis.binIndex(of: 180) == 0 && axis.binIndex(of: -180) == 0 && axis.binIndex(of: 540) == 0)
        #expect(axis.binIndex(of: -181) == 35 && axis.binIndex(of: 179.9) == 35 && axis.binIndex(of: 5) == 18)
        let plain = try HistogramAxis(lower: 0, upper: 1, bins: 4)
        #expect(plain.binIndex(of: -0.1) == -1 && plain.binIndex(of: 1.1) == 4 && plain.binIndex(of: 1) == 3)
    }

    /// Weights of 1 give exactly the unweighted histogram; doubling every weight doubles the counts
    /// and leaves the probabilities unchanged.
    @Test func unitWeightsEqualNoWeights() throws {
        let a = StatisticsTestData.gaussians(3_000, seed: 5), b = StatisticsTestData.gaussians(1_000, seed: 6)
        let axis = try HistogramAxis(lower: -2, upper: 2, bins: 25)
        let plain = try Histogram1D([a, b], axis: axis)
        let ones = try Histogram1D([a, b], axis: axis, weights: [a.map { _ in 1 }, b.map { _ in 1 }])
        #expect(plain == ones)
        let twos = try Histogram1D([a, b], axis: axis, weights: [a.map { _ in 2 }, b.map { _ in 2 }])
        #expect(twos.counts == plain.counts.map { 2 * $0 })
        #expect(try twos.probabilities() == plain.probabilities())
        #expect(plain.sampleCount == 4_000)
        #expect(plain.inRangeWeight + Double(plain.outOfRange.count) == 4_000)
        #expect(plain.outOfRange.count > 0)
    }

    @Test func badInputIsRefused() throws {
        let axis = try HistogramAxis(lower: 0, upper: 1, bins: 10)
        expectStatisticsError(.invalidArgument, "zero bins") { _ = try HistogramAxis(lower: 0, upper: 1, bins: 0) }
        expectStatisticsError(.invalidArgument, "empty range") { _ = try HistogramAxis(lower: 1, upper: 1, bins: 3) }
        expectStatisticsError(.invalidArgument, "NaN bound") { _ = try HistogramAxis(lower: .nan, upper: 1, bins: 3) }
        expectStatisticsError(.emptySelection, "no trajectories") { _ = try Histogram1D([], axis: axis) }
        expectStatisticsError(.insufficientData, "empty trajectories") { _ = try Histogram1D([[], []], axis: axis) }
        expectStatisticsError(.invalidArgument, "NaN sample") { _ = try Histogram1D([[0.1, .nan]], axis: axis) }
        expectStatisticsError(.invalidArgument, "infinite sample") { _ = try Histogram1D([[.infinity]], axis: axis) }
        expectStatisticsError(.mismatch, "weights per frame") {
            _ = try Histogram1D([[0.1, 0.2]], axis: axis, weights: [[1]])
        }
        expectStatisticsError(.mismatch, "weight trajectories") {
            _ = try Histogram1D([[0.1]], axis: axis, weights: [[1], [1]])
        }
        expectStatisticsError(.invalidArgument, "negative weight") {
            _ = try Histogram1D([[0.1]], axis: axis, weights: [[-1]])
        }
        expectStatisticsError(.insufficientData, "zero weights") {
            _ = try Histogram1D([[0.1]], axis: axis, weights: [[0]])
        }
        expectStatisticsError(.mismatch, "unpaired 2-D") {
            _ = try Histogram2D(x: [[0.1, 0.2]], y: [[0.1]], xAxis: axis, yAxis: axis)
        }
        expectStatisticsError(.invalidArgument, "constant reference") { _ = try HistogramAxis.spanning([[2, 2, 2]]) }
        expectStatisticsError(.insufficientData, "all out of range") {
            _ = try Histogram1D([[5, 6]], axis: axis).probabilities()
        }
        expectStatisticsError(.invalidArgument, "missing column") {
            _ = try TrajectorySeries.column(3, of: [DoubleMatrix(rows: 2, cols: 2)])
        }
    }

    @Test func columnsOfFeatureMatricesBecomeSeries() throws {
        let m = DoubleMatrix([[1, 2], [3, 4], [5, 6]])
        #expect(try TrajectorySeries.column(1, of: [m, m]) == [[2, 4, 6], [2, 4, 6]])
    }
}

func expectClose(_ a: [Double], _ b: [Double], relative: Double, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values", sourceLocation: sourceLocation)
    let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    #expect(worst <= relative, "\(what): worst relative difference \(worst)", sourceLocation: sourceLocation)
}
