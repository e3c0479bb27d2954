import Foundation
import Kinetics
import Testing
import TestSupport

/// Release-build timings against NumPy in the same run (debug builds are ~30x slower and skip it):
/// the ACF of 10⁶ frames to lag 1000 and a 2-D histogram of 10⁶ points. The results must agree with
/// NumPy's (ACF to 1e-9, histogram counts exactly). The timings are reported, not asserted (timed
/// assertions do not belong in tests; bench/kinetics/README.md records them), as one "STATS-SPEED"
/// JSON line.
@Suite struct StatisticsSpeedTests {
    struct NumPyTimings: Decodable {
        var acfSeconds: Double
        var histogramSeconds: Double
        var acf: [Double]
        var histogram: [Double]
    }

    @Test(.enabled(if: StatisticsTestData.isReleaseBuild))
    func acfAndHistogramOfAMillionFrames() throws {
        let n = 1_000_000, maxLag = 1_000
        let x = StatisticsTestData.ornsteinUhlenbeck(n, relaxationTime: 50, seed: 9)
        let y = StatisticsTestData.ornsteinUhlenbeck(n, relaxationTime: 5, seed: 10)
        let workspace = try Workspace()
        try StatisticsTestData.writeFloat64(x, to: workspace.path("x.f64"))
        try StatisticsTestData.writeFloat64(y, to: workspace.path("y.f64"))

        func seconds(_ body: () throws -> Void) rethrows -> Double {
            var best = Double.infinity
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return best
        }
        var fft: AutocorrelationFunction?
        let fftSeconds = try seconds { fft = try AutocorrelationFunction([x], maxLag: maxLag, method: .fft) }
        var direct: AutocorrelationFunction?
        let directSeconds = try seconds { direct = try AutocorrelationFunction([x], maxLag: maxLag, method: .direct) }
        let shortLag = 32
        let fftShort = try seconds { _ = try AutocorrelationFunction([x], maxLag: shortLag, method: .fft) }
        let directShort = try seconds { _ = try AutocorrelationFunction([x], maxLag: shortLag, method: .direct) }
        let automaticShort = try seconds { _ = try AutocorrelationFunction([x], maxLag: shortLag) }
        let xAxis = try HistogramAxis(lower: -4, upper: 4, bins: 100), yAxis = try HistogramAxis(lower: -4, upper: 4, bins: 100)
        var histogram: Histogram2D?
        let histogramSeconds = try seconds {
            histogram = try Histogram2D(x: [x], y: [y], xAxis: xAxis, yAxis: yAxis)
        }

        let script = """
        import json, sys, time, numpy as np
        d, L = sys.argv[1], int(sys.argv[2])
        x = np.fromfile(f'{d}/x.f64', dtype='<f8'); y = np.fromfile(f'{d}/y.f64', dtype='<f8')
        def acf(x):
            y = x - x.mean(); n = len(y); m = 1 << (n + L - 1).bit_length()
            f = np.fft.rfft(y, m); r = np.fft.irfft(f * np.conj(f), m)[:L + 1]
            return r / (n - np.arange(L + 1)) / y.var()
        def best(f):
            t = []
            for _ in range(3):
                s = time.perf_counter(); out = f(); t.append(time.perf_counter() - s)
            return min(t), out
        ta, a = best(lambda: acf(x))
        th, h = best(lambda: np.histogram2d(x, y, bins=[100, 100], range=[[-4, 4], [-4, 4]])[0])
        print(json.dumps({'acfSeconds': ta, 'histogramSeconds': th, 'acf': a.tolist(), 'histogram': h.ravel().tolist()}))
        """
        let numpy = try decodeJSON(NumPyTimings.self, from: runPython(script, [workspace.url.path, "\(maxLag)"]))
        let fftValues = try #require(fft).values, directValues = try #require(direct).values
        #expect(zip(fftValues, numpy.acf).map { abs($0 - $1) }.max() ?? 1 < 1e-9)
        #expect(zip(directValues, numpy.acf).map { abs($0 - $1) }.max() ?? 1 < 1e-9)
        #expect(try #require(histogram).counts == numpy.histogram)
        let report: [String: Double] = [
            "acf_fft_lag1000_s": fftSeconds, "acf_direct_lag1000_s": directSeconds,
            "acf_fft_lag32_s": fftShort, "acf_direct_lag32_s": directShort, "acf_automatic_lag32_s": automaticShort,
            "numpy_acf_rfft_lag1000_s": numpy.acfSeconds,
            "histogram2d_1e6_s": histogramSeconds, "numpy_histogram2d_1e6_s": numpy.histogramSeconds,
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self)
        print("STATS-SPEED \(json)")
    }
}
