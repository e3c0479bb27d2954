import CBLAS
import NeuralNet

/// Koopman reweighting (Wu, Nüske, Paul, Klus, Koltai & Noé, J. Chem. Phys. 146, 154104 (2017)):
/// from many short trajectories that do not start in equilibrium, a weight per frame w(x) ≈ μ(x)/ρ₀(x)
/// (equilibrium density over the empirical density of the pair starts), so that covariances, TICA
/// and VAMP estimated with these weights answer for equilibrium.
///
/// With the basis χ (the features), its mean-free covariances C00 and C0t (separate means, no Bessel
/// correction: deeptime's `KoopmanWeightingEstimator`) and the whitening R = spd_inv_split(C00) with
/// canonical signs, the Koopman matrix in the basis (whitened features | constant 1) is
///     K = [ Rᵀ C0t R            0 ]
///         [ (meanT − mean0)ᵀ R  1 ].
/// The weight function's coefficients u are the eigenvector of Kᵀ with eigenvalue 1, normalized so
/// that its constant entry is 1. Writing u = (a, 1), Kᵀ u = u reads (I − (RᵀC0tR)ᵀ) a = Rᵀ(meanT − mean0),
/// which is solved directly here (deeptime takes the eigenvector of Kᵀ of largest |λ|, the same vector
/// whenever 1 is the dominant eigenvalue, as it is for a sound estimate). In the input basis
/// w(x) = xᵀ (R a) + 1 − mean0ᵀ (R a).
public enum KoopmanReweighting {
    /// Weights from covariances of unweighted pairs (`TimeLaggedCovariances.estimate` without weights).
    /// - Parameters:
    ///   - epsilon, mode: the small-eigenvalue rule for C00 (deeptime: truncate at 1e-6). A basis whose
    ///     span contains the constant (bin indicators summing to 1) has a singular mean-free C00: truncate.
    public static func estimate(_ covariances: TimeLaggedCovariances, epsilon: Double = 1e-6,
                                mode: SpectralMode = .truncate) throws -> KoopmanWeights {
        let r = try SpectralFactors.inverseSplit(covariances.c00, epsilon: epsilon, mode: mode, canonicalSigns: true,
                                                 name: "Koopman reweighting: the instantaneous covariance C00")
        let m = r.cols, n = r.rows
        let whitened = r.multiplied(by: covariances.c0t.multiplied(by: r), transposeSelf: true)
        var drift = [Double](repeating: 0, count: m)
        for j in 0..<m { for i in 0..<n { drift[j] += (covariances.meanT[i] - covariances.mean0[i]) * r[i, j] } }

        var koopman = DoubleMatrix(rows: m + 1, cols: m + 1)
        for i in 0..<m { for j in 0..<m { koopman[i, j] = whitened[i, j] } }
        for j in 0..<m { koopman[m, j] = drift[j] }
        koopman[m, m] = 1

        // (I − Aᵀ) a = drift.
        var system = DoubleMatrix(rows: m, cols: m)
        for i in 0..<m { for j in 0..<m { system[i, j] = (i == j ? 1 : 0) - whitened[j, i] } }
        let a = try solve(system, drift)
        let coefficients = r.multiplied(by: DoubleMatrix(rows: m, cols: 1, values: a)).values
        var constant = 1.0
        for i in 0..<n { constant -= covariances.mean0[i] * coefficients[i] }
        guard coefficients.allSatisfy(\.isFinite), constant.isFinite else {
            throw KineticsError(.numerical, "Koopman reweighting: the weight function came out non-finite")
        }
        return KoopmanWeights(lag: covariances.lag, epsilon: epsilon, mode: mode, rank: m,
                              coefficients: coefficients, constant: constant, koopmanMatrix: koopman)
    }

    /// Weights from trajectories in memory (the basis values per frame, frames × basis functions).
    public static func estimate(_ trajectories: [DoubleMatrix], lag: Int, stride: Int = 1, epsilon: Double = 1e-6,
                                mode: SpectralMode = .truncate) throws -> KoopmanWeights {
        try estimate(TimeLaggedCovariances.estimate(trajectories, lag: lag, stride: stride), epsilon: epsilon, mode: mode)
    }

    /// Solves S x = b by LU with partial pivoting (LAPACK dgesv); a singular S (eigenvalue 1 of the
    /// whitened Koopman matrix: the data fall apart into sets that never exchange) throws.
    private static func solve(_ s: DoubleMatrix, _ b: [Double]) throws -> [Double] {
        let m = s.rows
        if m == 0 { return [] }
        var a = s.values, x = b
        var pivots = [Int32](repeating: 0, count: m)
        let info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(m), 1, &a, Int32(m), &pivots, &x, 1)
        guard info == 0 else {
            throw KineticsError(.disconnected, "Koopman reweighting: the Koopman matrix has a second eigenvalue 1, so "
                                    + "the stationary weights are not unique; the trajectories fall into sets that "
                                    + "never exchange at this lag (use a longer lag, more data or a coarser basis)")
        }
        let condition = x.reduce(0) { max($0, abs($1)) }
        guard condition.isFinite else {
            throw KineticsError(.numerical, "Koopman reweighting: the weight equation is too ill-conditioned")
        }
        return x
    }
}

/// The fitted weight function w(x) = coefficientsᵀ x + constant of Koopman reweighting.
public struct KoopmanWeights: Codable, Sendable, Equatable {
    public let lag: Int
    public let epsilon: Double
    public let mode: SpectralMode
    /// The number of whitened basis directions left by the epsilon rule.
    public let rank: Int
    /// The weight function's coefficients in the input basis (one per feature).
    public let coefficients: [Double]
    public let constant: Double
    /// K in the basis (whitened features | 1), (rank + 1) × (rank + 1), as deeptime's `koopman_operator`.
    public let koopmanMatrixValues: [Double]

    init(lag: Int, epsilon: Double, mode: SpectralMode, rank: Int, coefficients: [Double], constant: Double,
         koopmanMatrix: DoubleMatrix) {
        self.lag = lag
        self.epsilon = epsilon
        self.mode = mode
        self.rank = rank
        self.coefficients = coefficients
        self.constant = constant
        koopmanMatrixValues = koopmanMatrix.values
    }

    public var koopmanMatrix: DoubleMatrix {
        DoubleMatrix(rows: rank + 1, cols: rank + 1, values: koopmanMatrixValues)
    }

    /// w(x) for each frame (row) of `x`. Weights can be negative where the basis is poor; they are
    /// returned as estimated (as deeptime does), for the covariance accumulator to use.
    public func weights(for x: DoubleMatrix) throws -> [Double] {
        guard x.cols == coefficients.count else {
            throw KineticsError(.mismatch, "Koopman weights: the data have \(x.cols) features but the weights were "
                                    + "fitted on \(coefficients.count)")
        }
        return x.multiplied(by: DoubleMatrix(rows: coefficients.count, cols: 1, values: coefficients)).values
            .map { $0 + constant }
    }

    /// The weights of every frame of every trajectory, ready for `TimeLaggedCovariances.estimate(weights:)`.
    public func weights(for trajectories: [DoubleMatrix]) throws -> [[Double]] {
        try trajectories.map { try weights(for: $0) }
    }
}
