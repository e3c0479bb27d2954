import NeuralNet

/// How TICA scales its coordinates on output.
public enum TICAScaling: String, Codable, Sendable {
    /// Unit variance under C0: ψ_i = r_iᵀ(x − μ).
    case none
    /// ψ_i scaled by λ_i, so that Euclidean distances approximate kinetic distances (Noé & Clementi,
    /// JCTC 11, 5002 (2015)); deeptime's default.
    case kineticMap
    /// ψ_i scaled by √(t̃_i/2), with deeptime's damped time scales (Noé, Banisch & Clementi, JCTC 12,
    /// 5620 (2016)); see `TICAModel.commuteMapScale`.
    case commuteMap
}

/// Settings of a TICA estimate.
public struct TICAOptions: Sendable, Equatable {
    /// Cutoff for small eigenvalues of C0 (see `mode`). deeptime's default 1e-6.
    public var epsilon: Double
    /// `.truncate` drops directions of C0 with eigenvalue below epsilon (deeptime's behaviour: constant
    /// or linearly dependent features are removed); `.regularize` adds εI to C0 and keeps all.
    public var mode: SpectralMode
    public var scaling: TICAScaling
    public var components: ComponentSelection

    public init(epsilon: Double = 1e-6, mode: SpectralMode = .truncate, scaling: TICAScaling = .kineticMap,
                components: ComponentSelection = .all) {
        self.epsilon = epsilon
        self.mode = mode
        self.scaling = scaling
        self.components = components
    }
}

/// Time-lagged independent component analysis (Pérez-Hernández et al., JCP 139, 015102 (2013);
/// Schwantes & Pande, JCTC 9, 2000 (2013)) with the reversible estimate of deeptime's `TICA`.
///
/// From the symmetrized covariances (`TimeLaggedCovariances.symmetrized`: joint mean, C0 = ½(C00 +
/// Ctt) + ¼δδᵀ, C1 = ½(C0t + Ct0) − ¼δδᵀ) it solves C1 r = λ C0 r: with L = V_r Λ_r^(-1/2) from
/// C0 (after the epsilon rule of `options.mode`), the symmetric problem (Lᵀ C1 L) q = λ q, r = L q.
/// Eigenpairs are ordered by decreasing |λ| and each r gets the sign that makes its largest-magnitude
/// entry positive, as deeptime's `eig_corr(canonical_signs=True)` does, so outputs can be compared.
public enum TICA {
    /// TICA from covariances estimated elsewhere (e.g. streamed, or Koopman-reweighted).
    public static func fit(_ covariances: TimeLaggedCovariances, options: TICAOptions = TICAOptions()) throws -> TICAModel {
        try fit(covariances.symmetrized, options: options)
    }

    /// TICA from a reversible estimate.
    public static func fit(_ covariances: SymmetrizedCovariances, options: TICAOptions = TICAOptions()) throws -> TICAModel {
        let whitening = try SpectralFactors.inverseSplit(covariances.c0, epsilon: options.epsilon, mode: options.mode,
                                                         canonicalSigns: true, name: "TICA: the instantaneous covariance C0")
        let reduced = whitening.multiplied(by: covariances.c1.multiplied(by: whitening), transposeSelf: true).symmetrized
        let (values, vectors) = try SpectralFactors.eigen(reduced, name: "TICA: the whitened time-lagged covariance")
        // Order by decreasing magnitude (stable for ties), as deeptime's sort_eigs.
        let order = values.indices.sorted { abs(values[$0]) > abs(values[$1]) || (abs(values[$0]) == abs(values[$1]) && $0 < $1) }
        var sortedVectors = DoubleMatrix(rows: vectors.rows, cols: order.count)
        for (j, source) in order.enumerated() { for i in 0..<vectors.rows { sortedVectors[i, j] = vectors[i, source] } }
        var eigenvectors = whitening.multiplied(by: sortedVectors)
        SpectralFactors.makeCanonicalSigns(&eigenvectors)
        let eigenvalues = order.map { values[$0] }
        let dimension = try options.components.dimension(values: eigenvalues)
        return try TICAModel(lag: covariances.lag, mean: covariances.mean, eigenvalues: eigenvalues,
                             eigenvectors: eigenvectors, options: options, dimension: dimension)
    }

    /// TICA of trajectories in memory (frames × features each); for data that do not fit in memory,
    /// stream them through `TimeLaggedCovarianceAccumulator` and call `fit(_:options:)`.
    /// - Parameter weights: per-frame weights per trajectory (e.g. Koopman weights), or nil.
    public static func fit(_ trajectories: [DoubleMatrix], lag: Int, stride: Int = 1, weights: [[Double]]? = nil,
                           options: TICAOptions = TICAOptions()) throws -> TICAModel {
        try fit(TimeLaggedCovariances.estimate(trajectories, lag: lag, stride: stride, weights: weights), options: options)
    }
}
