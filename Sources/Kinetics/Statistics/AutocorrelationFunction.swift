import Foundation

/// How lagged products are summed for an autocorrelation function.
public enum AutocorrelationMethod: String, Sendable, CaseIterable {
    /// Per trajectory, whichever of the two is cheaper by a measured cost model: direct sums cost
    /// ~0.25 ns per frame and lag, the FFT ~4.2 ns per M log₂ M (M the padded length), so direct
    /// wins while (maxLag + 1) · n < 17 · M log₂ M: up to ~350 lags at 10⁶ frames (release build,
    /// x86-64 development machine; StatisticsSpeedTests prints the timings).
    case automatic
    /// Zero-padded real FFT: O(n log n) per trajectory whatever the maximum lag (Wiener-Khinchin).
    case fft
    /// Σ_t y_t y_{t+τ} for every lag: O(n · maxLag), exact summation order, fast for few lags.
    case direct
}

/// The normalized autocorrelation function of an observable over one or more trajectories.
///
/// Definition (the usual estimator for a stationary process sampled by several trajectories):
/// with the mean μ and variance σ² of all frames pooled,
///
///     C(τ) = Σ_trajectories Σ_{t < n−τ} (x_t − μ)(x_{t+τ} − μ) / (σ² · Σ_trajectories (n − τ)),
///
/// so products are formed within a trajectory only, the trajectories are averaged with weights equal
/// to their number of pairs at each lag, and C(0) = 1. The pooled mean (not one mean per
/// trajectory) avoids the downward bias that per-trajectory means give short trajectories.
public struct AutocorrelationFunction: Sendable, Equatable {
    /// C(0) … C(maxLag), in frames; C(0) = 1.
    public let values: [Double]
    /// The number of (t, t + τ) pairs behind each value.
    public let pairCounts: [Int]
    /// The pooled mean and variance removed and divided out.
    public let mean: Double
    public let variance: Double

    public var maxLag: Int { values.count - 1 }

    /// The ACF of `trajectories` (one series per trajectory) for lags 0 … maxLag frames.
    /// Throws when maxLag is not shorter than the longest trajectory or the data are constant.
    public init(_ trajectories: [[Double]], maxLag: Int, method: AutocorrelationMethod = .automatic) throws {
        try SampleValidation.checkSamples(trajectories, name: "autocorrelation")
        try self.init(validated: trajectories.map { $0[...] }, maxLag: maxLag, method: method)
    }

    /// The ACF of already validated pieces (blocks of trajectories).
    init(validated pieces: [ArraySlice<Double>], maxLag: Int, method: AutocorrelationMethod) throws {
        guard maxLag >= 0 else {
            throw KineticsError(.invalidArgument, "autocorrelation: maximum lag must be ≥ 0 frames, got \(maxLag)")
        }
        let longest = pieces.map(\.count).max() ?? 0
        guard maxLag < longest else {
            throw KineticsError(.insufficientData, "autocorrelation: maximum lag \(maxLag) frames is not shorter than "
                                    + "the longest trajectory (\(longest) frames); use a shorter lag or longer trajectories")
        }
        var count = 0, sum = 0.0
        for piece in pieces { count += piece.count; sum += piece.reduce(0, +) }
        let mean = sum / Double(count)
        var squares = 0.0
        for piece in pieces { for v in piece { squares += (v - mean) * (v - mean) } }
        let variance = squares / Double(count)
        guard variance > 0, variance.isFinite else {
            throw KineticsError(.numerical, "autocorrelation: the observable is constant (variance \(variance)); "
                                    + "its autocorrelation is undefined")
        }
        var sums = [Double](repeating: 0, count: maxLag + 1)
        var pairs = [Int](repeating: 0, count: maxLag + 1)
        var centered = [Double]()
        var fft: RealFourierTransform? = nil
        var scratch = [Double]()
        for piece in pieces where !piece.isEmpty {
            centered.removeAll(keepingCapacity: true)
            centered.append(contentsOf: piece.lazy.map { $0 - mean })
            let lags = min(maxLag, piece.count - 1)
            for lag in 0...lags { pairs[lag] += piece.count - lag }
            let length = RealFourierTransform.length(atLeast: piece.count + lags)
            let directIsCheaper = Double((lags + 1) * piece.count)
                < 17 * Double(length) * Double(length.trailingZeroBitCount)
            if method == .direct || (method == .automatic && directIsCheaper) {
                Self.addDirectSums(centered, lags: lags, into: &sums)
            } else {
                if fft?.length != length { fft = RealFourierTransform(length: length) }
                Self.addFFTSums(centered, lags: lags, transform: fft!, scratch: &scratch, into: &sums)
            }
        }
        // Every lag ≤ maxLag < longest has pairs in the longest piece, so no division by zero.
        self.values = (0...maxLag).map { sums[$0] / Double(pairs[$0]) / variance }
        self.pairCounts = pairs
        self.mean = mean
        self.variance = variance
    }

    /// sums[τ] += Σ_t y_t y_{t+τ} by direct summation, four lags at a time on SIMD vectors.
    static func addDirectSums(_ y: [Double], lags: Int, into sums: inout [Double]) {
        let n = y.count
        y.withUnsafeBufferPointer { ys in
            let p = ys.baseAddress!
            for lag in 0...lags {
                let count = n - lag
                var acc0 = SIMD4<Double>(), acc1 = SIMD4<Double>()
                var t = 0
                let raw = UnsafeRawPointer(p), rawLagged = UnsafeRawPointer(p + lag)
                let stride = MemoryLayout<Double>.stride
                while t + 8 <= count {
                    let a0 = raw.loadUnaligned(fromByteOffset: t * stride, as: SIMD4<Double>.self)
                    let b0 = rawLagged.loadUnaligned(fromByteOffset: t * stride, as: SIMD4<Double>.self)
                    let a1 = raw.loadUnaligned(fromByteOffset: (t + 4) * stride, as: SIMD4<Double>.self)
                    let b1 = rawLagged.loadUnaligned(fromByteOffset: (t + 4) * stride, as: SIMD4<Double>.self)
                    acc0 += a0 * b0
                    acc1 += a1 * b1
                    t += 8
                }
                var total = (acc0 + acc1).sum()
                while t < count { total += p[t] * p[t + lag]; t += 1 }
                sums[lag] += total
            }
        }
    }

    /// sums[τ] += Σ_t y_t y_{t+τ} through |FFT|²: the inverse transform of the power spectrum of
    /// y zero-padded to M ≥ n + lags is the circular autocorrelation, equal to the linear one for
    /// τ ≤ lags (Wiener-Khinchin).
    static func addFFTSums(_ y: [Double], lags: Int, transform: RealFourierTransform, scratch: inout [Double],
                           into sums: inout [Double]) {
        let m = transform.length
        let needed = m / 2 + 1 + m + m
        if scratch.count < needed { scratch = [Double](repeating: 0, count: needed) }
        y.withUnsafeBufferPointer { ys in
            scratch.withUnsafeMutableBufferPointer { s in
                let power = s.baseAddress!, output = power + (m / 2 + 1)
                let re = output + m, im = re + m / 2
                transform.powerSpectrum(of: ys, into: power, re: re, im: im)
                transform.inverseOfRealEven(power, into: output, re: re, im: im)
                for lag in 0...lags { sums[lag] += output[lag] }
            }
        }
    }
}
