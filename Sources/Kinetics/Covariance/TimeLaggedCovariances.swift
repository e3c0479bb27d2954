import NeuralNet

/// Means and mean-free covariances of time-lagged pairs (x_t, x_{t+τ}), the input of TICA, VAMP and
/// Koopman reweighting.
///
/// With pair weights w_t (1 unless reweighted) and W = Σ w_t over the pairs:
///   mean0 = Σ w_t x_t / W,                 meanT = Σ w_t x_{t+τ} / W,
///   C00 = Σ w_t (x_t − mean0)(x_t − mean0)ᵀ / W,
///   C0t = Σ w_t (x_t − mean0)(x_{t+τ} − meanT)ᵀ / W,
///   Ctt = Σ w_t (x_{t+τ} − meanT)(x_{t+τ} − meanT)ᵀ / W.
/// The normalization is by W, without Bessel's correction, as deeptime's TICA, VAMP and
/// KoopmanWeightingEstimator estimate them (`bessels_correction=False`, `remove_data_mean=True`).
public struct TimeLaggedCovariances: Sendable, Equatable {
    /// The lag τ in frames.
    public let lag: Int
    /// The spacing of pair starts in frames (see `TimeLaggedPairs`).
    public let stride: Int
    /// The number of time-lagged pairs that went in.
    public let pairCount: Int
    /// W, the sum of the pair weights (= `pairCount` without weights).
    public let totalWeight: Double
    public let mean0: [Double]
    public let meanT: [Double]
    public let c00: DoubleMatrix
    public let c0t: DoubleMatrix
    public let ctt: DoubleMatrix

    public var features: Int { mean0.count }

    public init(lag: Int, stride: Int, pairCount: Int, totalWeight: Double, mean0: [Double], meanT: [Double],
                c00: DoubleMatrix, c0t: DoubleMatrix, ctt: DoubleMatrix) {
        let n = mean0.count
        precondition(meanT.count == n && c00.rows == n && c00.cols == n && c0t.rows == n && c0t.cols == n
                     && ctt.rows == n && ctt.cols == n, "TimeLaggedCovariances: shapes disagree")
        self.lag = lag
        self.stride = stride
        self.pairCount = pairCount
        self.totalWeight = totalWeight
        self.mean0 = mean0
        self.meanT = meanT
        self.c00 = c00
        self.c0t = c0t
        self.ctt = ctt
    }

    /// The symmetrized (reversible) estimate that TICA uses, as deeptime's `Covariance(reversible=True)`:
    /// every pair counted forward and backward, so with the joint mean μ = (mean0 + meanT)/2,
    ///   C0 = ½ Σ w [(x_t − μ)(x_t − μ)ᵀ + (x_{t+τ} − μ)(x_{t+τ} − μ)ᵀ] / W = ½(C00 + Ctt) + ¼ δδᵀ,
    ///   C1 = ½ Σ w [(x_t − μ)(x_{t+τ} − μ)ᵀ + (x_{t+τ} − μ)(x_t − μ)ᵀ] / W = ½(C0t + C0tᵀ) − ¼ δδᵀ,
    /// with δ = mean0 − meanT (the algebra follows from shifting each mean-free sum to μ).
    public var symmetrized: SymmetrizedCovariances {
        let n = features
        var mean = [Double](repeating: 0, count: n)
        var c0 = DoubleMatrix(rows: n, cols: n), c1 = DoubleMatrix(rows: n, cols: n)
        for i in 0..<n { mean[i] = 0.5 * (mean0[i] + meanT[i]) }
        for i in 0..<n {
            let di = mean0[i] - meanT[i]
            for j in 0..<n {
                let outer = 0.25 * di * (mean0[j] - meanT[j])
                c0[i, j] = 0.5 * (c00[i, j] + ctt[i, j]) + outer
                c1[i, j] = 0.5 * (c0t[i, j] + c0t[j, i]) - outer
            }
        }
        return SymmetrizedCovariances(lag: lag, mean: mean, c0: c0.symmetrized, c1: c1.symmetrized)
    }
}

/// The reversible estimate: one joint mean, instantaneous C0 and time-lagged C1, both symmetric.
public struct SymmetrizedCovariances: Sendable, Equatable {
    public let lag: Int
    public let mean: [Double]
    public let c0: DoubleMatrix
    public let c1: DoubleMatrix
}

extension TimeLaggedCovariances: Codable {
    private enum CodingKeys: String, CodingKey {
        case lag, stride, pairCount, totalWeight, mean0, meanT, c00, c0t, ctt
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let mean0 = try c.decode([Double].self, forKey: .mean0)
        let meanT = try c.decode([Double].self, forKey: .meanT)
        let c00 = try c.decode(EncodedMatrix.self, forKey: .c00).matrix(named: "C00")
        let c0t = try c.decode(EncodedMatrix.self, forKey: .c0t).matrix(named: "C0t")
        let ctt = try c.decode(EncodedMatrix.self, forKey: .ctt).matrix(named: "Ctt")
        let n = mean0.count
        guard meanT.count == n, [c00, c0t, ctt].allSatisfy({ $0.rows == n && $0.cols == n }) else {
            throw KineticsError(.mismatch, "stored covariances: means and matrices disagree on the feature count")
        }
        self.init(lag: try c.decode(Int.self, forKey: .lag), stride: try c.decode(Int.self, forKey: .stride),
                  pairCount: try c.decode(Int.self, forKey: .pairCount),
                  totalWeight: try c.decode(Double.self, forKey: .totalWeight),
                  mean0: mean0, meanT: meanT, c00: c00, c0t: c0t, ctt: ctt)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lag, forKey: .lag)
        try c.encode(stride, forKey: .stride)
        try c.encode(pairCount, forKey: .pairCount)
        try c.encode(totalWeight, forKey: .totalWeight)
        try c.encode(mean0, forKey: .mean0)
        try c.encode(meanT, forKey: .meanT)
        try c.encode(EncodedMatrix(c00), forKey: .c00)
        try c.encode(EncodedMatrix(c0t), forKey: .c0t)
        try c.encode(EncodedMatrix(ctt), forKey: .ctt)
    }
}
