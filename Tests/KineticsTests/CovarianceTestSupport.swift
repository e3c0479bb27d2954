import Foundation
import Kinetics
import NeuralNet
import TestSupport

/// Data generators and plain reference computations for the covariance, TICA, VAMP and Koopman tests.
enum CovarianceTestData {
    /// Standard normal deviates by Box-Muller from a SplitMix64 stream.
    struct Gaussian {
        var random: SplitMix64
        var spare: Double?
        init(seed: UInt64) { random = SplitMix64(seed: seed) }
        mutating func next() -> Double {
            if let s = spare { spare = nil; return s }
            let u1 = max(random.uniform(), 1e-300), u2 = random.uniform()
            let radius = (-2 * log(u1)).squareRoot()
            spare = radius * sin(2 * .pi * u2)
            return radius * cos(2 * .pi * u2)
        }
    }

    /// A stationary AR(1) process with hidden coordinates z_{t+1,i} = λ_i z_{t,i} + √(1 − λ_i²) ξ,
    /// observed through the invertible mixing x = M z. Its TICA eigenvalues at lag τ are exactly λ_i^τ
    /// (TICA is invariant under invertible linear maps of the features).
    static func mixedAR1(frames: Int, eigenvalues: [Double], mixing: DoubleMatrix, seed: UInt64) -> DoubleMatrix {
        let d = eigenvalues.count
        var gaussian = Gaussian(seed: seed)
        var z = (0..<d).map { _ in gaussian.next() }
        var hidden = DoubleMatrix(rows: frames, cols: d)
        for t in 0..<frames {
            for i in 0..<d {
                hidden[t, i] = z[i]
                z[i] = eigenvalues[i] * z[i] + (1 - eigenvalues[i] * eigenvalues[i]).squareRoot() * gaussian.next()
            }
        }
        return hidden.multiplied(by: mixing, transposeOther: true)
    }

    /// A correlated random walk confined by a restoring force, with per-feature offsets: generic test data.
    static func trajectory(frames: Int, features: Int, seed: UInt64, offset: Double = 0) -> DoubleMatrix {
        var gaussian = Gaussian(seed: seed)
        var x = DoubleMatrix(rows: frames, cols: features)
        var state = (0..<features).map { _ in gaussian.next() }
        for t in 0..<frames {
            let common = gaussian.next()
            for k in 0..<features {
                state[k] = 0.9 * state[k] + 0.3 * gaussian.next() + 0.1 * Double(k % 3) * common
                x[t, k] = state[k] + offset + Double(k)
            }
        }
        return x
    }

    /// The definition of `TimeLaggedCovariances`, evaluated directly in two passes.
    static func naive(_ trajectories: [DoubleMatrix], lag: Int, stride: Int = 1,
                      weights: [[Double]]? = nil) -> TimeLaggedCovariances {
        let d = trajectories[0].cols
        var starts: [[Double]] = [], ends: [[Double]] = [], w: [Double] = []
        for (index, x) in trajectories.enumerated() {
            var t = 0
            while t + lag < x.rows {
                starts.append((0..<d).map { x[t, $0] })
                ends.append((0..<d).map { x[t + lag, $0] })
                w.append(weights?[index][t] ?? 1)
                t += stride
            }
        }
        let total = w.reduce(0, +)
        var m0 = [Double](repeating: 0, count: d), mt = m0
        for (p, weight) in w.enumerated() { for k in 0..<d { m0[k] += weight * starts[p][k]; mt[k] += weight * ends[p][k] } }
        m0 = m0.map { $0 / total }
        mt = mt.map { $0 / total }
        var c00 = DoubleMatrix(rows: d, cols: d), c0t = c00, ctt = c00
        for (p, weight) in w.enumerated() {
            for i in 0..<d { for j in 0..<d {
                let a0 = starts[p][i] - m0[i], b0 = starts[p][j] - m0[j]
                let at = ends[p][i] - mt[i], bt = ends[p][j] - mt[j]
                c00[i, j] += weight * a0 * b0 / total
                c0t[i, j] += weight * a0 * bt / total
                ctt[i, j] += weight * at * bt / total
            } }
        }
        return TimeLaggedCovariances(lag: lag, stride: stride, pairCount: w.count, totalWeight: total, mean0: m0,
                                     meanT: mt, c00: c00, c0t: c0t, ctt: ctt)
    }

    /// The largest difference between two estimates, relative to the largest covariance entry.
    static func relativeDifference(_ a: TimeLaggedCovariances, _ b: TimeLaggedCovariances) -> Double {
        let scale = max(b.c00.values.map(abs).max() ?? 1, 1e-300)
        let means = zip(a.mean0 + a.meanT, b.mean0 + b.meanT).map { abs($0 - $1) }.max() ?? 0
        let matrices = [a.c00.maxAbsoluteDifference(b.c00), a.c0t.maxAbsoluteDifference(b.c0t),
                        a.ctt.maxAbsoluteDifference(b.ctt)].max() ?? 0
        return max(means / scale.squareRoot(), matrices / scale)
    }

    /// Writes trajectories as raw little-endian float64 for numpy (`np.fromfile`), returning the
    /// comma-separated frame counts.
    static func writeRaw(_ trajectories: [DoubleMatrix], to path: String) throws -> String {
        var data = Data()
        for x in trajectories { x.values.withUnsafeBytes { data.append(contentsOf: $0) } }
        try data.write(to: URL(fileURLWithPath: path))
        return trajectories.map { String($0.rows) }.joined(separator: ",")
    }

    static func writeRaw(_ values: [Double], to path: String) throws {
        try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path))
    }

    /// Python that loads the trajectories written by `writeRaw` (argv[1] path, argv[2] lengths,
    /// argv[3] features) into a list `trajs`.
    static let pythonLoader = """
    import sys, json
    import numpy as np
    flat = np.fromfile(sys.argv[1], dtype='<f8')
    lengths = [int(v) for v in sys.argv[2].split(',')]
    nfeat = int(sys.argv[3])
    trajs, at = [], 0
    for n in lengths:
        trajs.append(flat[at:at + n * nfeat].reshape(n, nfeat)); at += n * nfeat

    """
}
