import Foundation
import Kinetics
import Testing
import TestSupport

@Suite struct AutocorrelationTests {
    /// An Ornstein-Uhlenbeck process with t = 20 frames (exact AR(1) updates), four trajectories of
    /// 50 000 frames. Independent references: its ACF e^{−τ/t}, relaxation time t, and integrated
    /// time ½ + Σ_{τ≥1} a^τ = (1 + a)/(2(1 − a)) = 20.004 for a = e^{−1/20}.
    ///
    /// Tolerances: Bartlett's formula gives an ACF error of √(t/N) ≈ 0.01 per lag (checked to 0.04);
    /// the estimates must lie within 4 block standard errors of the truth (the t-ratio of 5 blocks
    /// has 4 degrees of freedom, P(|t| > 4) ≈ 1.6 %) and within 10 % (their expected scatter is
    /// ~2-4 %), and the block errors must be positive and below 10 % of t.
    @Test func ornsteinUhlenbeckRelaxation() throws {
        let t = 20.0
        let trajectories = (0..<4).map { StatisticsTestData.ornsteinUhlenbeck(50_000, relaxationTime: t, seed: 100 + UInt64($0)) }
        let estimate = try RelaxationTimeEstimate(trajectories, maxLag: 200)
        for lag in [1, 5, 10, 20, 40, 60] {
            #expect(abs(estimate.autocorrelation.values[lag] - exp(-Double(lag) / t)) < 0.04, "C(\(lag))")
        }
        let a = exp(-1 / t)
        let exactIntegrated = (1 + a) / (2 * (1 - a))
        for (name, value, truth) in [("relaxation", estimate.relaxationTime, t),
                                     ("integrated", estimate.integratedTime, exactIntegrated)] {
            #expect(value.standardError > 0 && value.standardError < 0.1 * truth, "\(name) SE \(value.standardError)")
            #expect(abs(value.mean - truth) < 4 * value.standardError, "\(name) \(value.mean) ± \(value.standardError)")
            #expect(abs(value.mean - truth) < 0.1 * truth, "\(name) \(value.mean)")
            #expect(value.blockValues.count == 5)
        }
        #expect(abs(estimate.fit.amplitudes[0] - 1) < 0.05)
        // Sokal's window: the smallest W ≥ 5 τ_int(W), about 100 frames here.
        #expect(estimate.integrationWindow > 80 && estimate.integrationWindow < 130)
        let withinTrajectories = try RelaxationTimeEstimate(trajectories, maxLag: 200, split: .withinEachTrajectory)
        #expect(abs(withinTrajectories.relaxationTime.mean - estimate.relaxationTime.mean) < 1e-9)
        #expect(withinTrajectories.relaxationTime.blockValues != estimate.relaxationTime.blockValues)
    }

    /// FFT and direct sums agree with a direct NumPy evaluation of the definition (pooled mean and
    /// variance, products within trajectories, weighted by pair counts) on trajectories of unequal
    /// length, one shorter than the maximum lag. Tolerance 1e-10: only rounding differs.
    @Test func matchesNumPyOnSeveralTrajectories() throws {
        let workspace = try Workspace()
        let lengths = [1_000, 777, 50]
        let trajectories = lengths.enumerated().map { k, n in
            StatisticsTestData.ornsteinUhlenbeck(n, relaxationTime: 7, seed: 200 + UInt64(k)).map { $0 + 3 }
        }
        for (k, values) in trajectories.enumerated() {
            try StatisticsTestData.writeFloat64(values, to: workspace.path("t\(k).f64"))
        }
        let script = """
        import json, sys, numpy as np
        d, k, L = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        ts = [np.fromfile(f'{d}/t{i}.f64', dtype='<f8') for i in range(k)]
        allv = np.concatenate(ts); mu = allv.mean(); var = ((allv - mu) ** 2).mean()
        sums = np.zeros(L + 1); pairs = np.zeros(L + 1)
        for x in ts:
            y = x - mu
            for lag in range(min(L, len(y) - 1) + 1):
                sums[lag] += np.dot(y[:len(y) - lag], y[lag:]); pairs[lag] += len(y) - lag
        print(json.dumps({'acf': (sums / pairs / var).tolist(), 'pairs': pairs.astype(int).tolist()}))
        """
        struct Reference: Decodable { var acf: [Double]; var pairs: [Int] }
        let maxLag = 120
        let numpy = try decodeJSON(Reference.self, from: runPython(script, [workspace.url.path, "3", "\(maxLag)"]))
        for method in AutocorrelationMethod.allCases {
            let acf = try AutocorrelationFunction(trajectories, maxLag: maxLag, method: method)
            #expect(acf.pairCounts == numpy.pairs)
            let worst = zip(acf.values, numpy.acf).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 1e-10, "\(method): worst difference \(worst)")
            #expect(acf.values[0] == 1 || abs(acf.values[0] - 1) < 1e-14)
        }
    }

    /// The FFT path on transform lengths from 4 upward against direct sums (lengths 2…70 cover the
    /// smallest transforms and every padding case).
    @Test func fftAgreesWithDirectSumsOnEveryLength() throws {
        for n in 2...70 {
            let x = StatisticsTestData.gaussians(n, seed: UInt64(300 + n))
            let lag = min(n - 1, 9)
            let fft = try AutocorrelationFunction([x], maxLag: lag, method: .fft)
            let direct = try AutocorrelationFunction([x], maxLag: lag, method: .direct)
            let worst = zip(fft.values, direct.values).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 1e-12, "n = \(n): \(worst)")
        }
    }

    /// Noise-free exponentials are recovered to 1e-6: one process, and two (0.6 e^{−τ/50} + 0.4 e^{−τ/4}).
    @Test func exponentialFitsRecoverKnownCurves() throws {
        let single: [Double] = (0...150).map { 0.8 * exp(-Double($0) / 12.5) }
        let fit = try ExponentialFit(autocorrelation: single)
        #expect(abs(fit.relaxationTime - 12.5) < 1e-6 && abs(fit.amplitudes[0] - 0.8) < 1e-6 && fit.residualRMS < 1e-8)
        #expect(abs(fit.evaluate(at: 30) - single[30]) < 1e-8)
        let double: [Double] = (0...300).map { (lag: Int) -> Double in
            let tau = Double(lag)
            return 0.6 * exp(-tau / 50) + 0.4 * exp(-tau / 4)
        }
        let two = try ExponentialFit(autocorrelation: double, model: .doubleExponential)
        #expect(abs(two.times[0] - 50) < 1e-6 && abs(two.times[1] - 4) < 1e-6, "\(two.times)")
        #expect(abs(two.amplitudes[0] - 0.6) < 1e-6 && abs(two.amplitudes[1] - 0.4) < 1e-6, "\(two.amplitudes)")
        // A single exponential cannot describe it: the slow time is biased and the residual visible.
        let one = try ExponentialFit(autocorrelation: double)
        #expect(one.residualRMS > 1e-3)
    }

    /// The windows on an exact exponential ACF a^τ: τ_int(W) = ½ + a(1 − a^W)/(1 − a).
    @Test func integratedTimeWindows() throws {
        let a = exp(-1.0 / 10)
        let c = (0...200).map { pow(a, Double($0)) }
        func exact(_ w: Int) -> Double { 0.5 + a * (1 - pow(a, Double(w))) / (1 - a) }
        let fixed = try IntegratedAutocorrelationTime(autocorrelation: c, window: .fixed(200))
        #expect(abs(fixed.value - exact(200)) < 1e-10 && fixed.window == 200)
        let sokal = try IntegratedAutocorrelationTime(autocorrelation: c)
        #expect(Double(sokal.window) >= 5 * exact(sokal.window) && Double(sokal.window - 1) < 5 * exact(sokal.window - 1))
        #expect(abs(sokal.value - exact(sokal.window)) < 1e-10)
        let crossing = try IntegratedAutocorrelationTime(autocorrelation: [1, 0.5, 0.2, -0.1, 0.3], window: .firstNonPositive)
        #expect(crossing.window == 2 && abs(crossing.value - 1.2) < 1e-15)
        expectStatisticsError(.insufficientData, "window never reached") {
            _ = try IntegratedAutocorrelationTime(autocorrelation: Array(c.prefix(30)))
        }
        expectStatisticsError(.insufficientData, "never crosses zero") {
            _ = try IntegratedAutocorrelationTime(autocorrelation: c, window: .firstNonPositive)
        }
    }

    /// White noise: C(τ ≥ 1) ≈ 0 within 5/√N and τ_int ≈ ½.
    @Test func whiteNoiseIsUncorrelated() throws {
        let x = StatisticsTestData.gaussians(40_000, seed: 400)
        let acf = try AutocorrelationFunction([x], maxLag: 100)
        #expect(acf.values.dropFirst().allSatisfy { abs($0) < 5 / 200.0 })
        let tau = try IntegratedAutocorrelationTime(acf)
        #expect(abs(tau.value - 0.5) < 0.05)
    }

    @Test func badInputIsRefused() {
        let x = StatisticsTestData.gaussians(100, seed: 500)
        expectStatisticsError(.insufficientData, "lag as long as the data") { _ = try AutocorrelationFunction([x], maxLag: 100) }
        expectStatisticsError(.invalidArgument, "negative lag") { _ = try AutocorrelationFunction([x], maxLag: -1) }
        expectStatisticsError(.numerical, "constant data") { _ = try AutocorrelationFunction([[2, 2, 2, 2]], maxLag: 2) }
        expectStatisticsError(.invalidArgument, "NaN data") { _ = try AutocorrelationFunction([[1, .nan, 2]], maxLag: 1) }
        expectStatisticsError(.emptySelection, "no trajectories") { _ = try AutocorrelationFunction([], maxLag: 1) }
        expectStatisticsError(.insufficientData, "empty trajectories") { _ = try AutocorrelationFunction([[]], maxLag: 1) }
        expectStatisticsError(.insufficientData, "blocks shorter than the lag") {
            _ = try RelaxationTimeEstimate([x], maxLag: 30)
        }
        expectStatisticsError(.insufficientData, "too few lags to fit") {
            _ = try ExponentialFit(autocorrelation: [1, 0.5, 0.25], model: .doubleExponential)
        }
        expectStatisticsError(.invalidArgument, "fit lags outside the ACF") {
            _ = try ExponentialFit(autocorrelation: [1, 0.5, 0.25, 0.1], lags: 1...9)
        }
    }
}
