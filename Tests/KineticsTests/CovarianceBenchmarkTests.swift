import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

/// Speed and memory of streaming 10⁶ frames × 300 features (lag 10) through the covariance
/// accumulator and TICA, against deeptime 0.4.5 `TICA(lagtime=10).partial_fit` on chunks of the same
/// size (the whole array, 2.4 GB, would need several copies inside deeptime). Only with
/// LSS_BENCHMARK=1 and in a release build:
///     LSS_BENCHMARK=1 swift test -c release --filter CovarianceBenchmark
/// (LSS_BLOCK=<rows> overrides the accumulator's block size; LSS_SKIP_PY=1 skips the deeptime run.)
/// Measured on the 2-core development machine (shared, load ~1.6): lss 8.3 s to accumulate plus
/// 0.07 s for the covariances and TICA, peak RSS 138 MB for the whole test process; deeptime 13.9 s,
/// peak RSS 257 MB.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LSS_BENCHMARK"] == "1"))
struct CovarianceBenchmarkTests {
    static let frames = 1_000_000, features = 300, chunkFrames = 10_000, lag = 10

    /// Peak resident memory of this process (VmHWM), in MB.
    static func peakMemoryMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
        return kb / 1024
    }

    @Test func streamingAMillionFramesOfThreeHundredFeatures() throws {
        let d = Self.features
        let accumulator = try TimeLaggedCovarianceAccumulator(features: d, lag: Self.lag, blockRows: ProcessInfo.processInfo.environment["LSS_BLOCK"].flatMap(Int.init))
        var random = SplitMix64(seed: 1)
        var chunk = DoubleMatrix(rows: Self.chunkFrames, cols: d)
        var previous = [Double](repeating: 0, count: d)
        var accumulating = 0.0, generating = 0.0
        let memoryBefore = Self.peakMemoryMB()
        accumulator.beginTrajectory()
        for _ in 0..<(Self.frames / Self.chunkFrames) {
            let g0 = Date()
            chunk.values.withUnsafeMutableBufferPointer { v in
                for r in 0..<Self.chunkFrames {
                    for k in 0..<d {
                        previous[k] = 0.95 * previous[k] + (random.uniform() - 0.5)
                        v[r * d + k] = previous[k] + Double(k)
                    }
                }
            }
            let a0 = Date()
            try accumulator.add(chunk)
            accumulating += Date().timeIntervalSince(a0)
            generating += a0.timeIntervalSince(g0)
        }
        accumulator.endTrajectory()
        let f0 = Date()
        let covariances = try accumulator.covariances()
        let model = try TICA.fit(covariances)
        let finishing = Date().timeIntervalSince(f0)
        let peak = Self.peakMemoryMB()
        #expect(covariances.pairCount == Self.frames - Self.lag)
        #expect(model.eigenvalues.allSatisfy { $0.isFinite })

        let python = """
        import time, json, resource
        import numpy as np
        from deeptime.decomposition import TICA
        rng = np.random.default_rng(1)
        n, d, chunk, lag = \(Self.frames), \(d), \(Self.chunkFrames), \(Self.lag)
        est = TICA(lagtime=lag)
        fitting = 0.0
        for i in range(n // chunk):
            x = rng.standard_normal((chunk + lag, d)).cumsum(axis=0) * 0.01 + np.arange(d)
            t0 = time.perf_counter()
            est.partial_fit((x[:-lag], x[lag:]))
            fitting += time.perf_counter() - t0
        t0 = time.perf_counter()
        model = est.fetch_model()
        fitting += time.perf_counter() - t0
        print(json.dumps({'seconds': fitting, 'peakMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
        """
        struct Reference: Decodable { var seconds: Double, peakMB: Double }
        let reference = ProcessInfo.processInfo.environment["LSS_SKIP_PY"] == "1" ? Reference(seconds: 0, peakMB: 0) : try decodeJSON(Reference.self, from: runPython(python))
        print(String(format: "covariance benchmark (10⁶ × 300, lag 10): lss accumulate %.2f s + covariances/TICA %.2f s "
                        + "(generating data %.2f s not counted), peak RSS %.0f MB (%.0f MB before); "
                        + "deeptime TICA.partial_fit %.2f s, peak RSS %.0f MB",
                     accumulating, finishing, generating, peak, memoryBefore, reference.seconds, reference.peakMB))
    }
}
