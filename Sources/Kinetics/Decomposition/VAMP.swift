import NeuralNet

/// How VAMP scales its singular functions on output.
public enum VAMPScaling: String, Codable, Sendable {
    /// Unit variance: ψ = Uᵀ(x − mean0).
    case none
    /// Each singular function times its singular value (a kinetic map for the forward propagator).
    case kineticMap
}

/// Settings of a VAMP estimate.
public struct VAMPOptions: Sendable, Equatable {
    /// Cutoff for small eigenvalues of C00 and Ctt. deeptime's default 1e-6.
    public var epsilon: Double
    /// `.truncate` (deeptime) drops directions with eigenvalue below epsilon; `.regularize` uses
    /// (C + εI)^(-1/2) and keeps all directions.
    public var mode: SpectralMode
    public var scaling: VAMPScaling
    public var components: ComponentSelection

    public init(epsilon: Double = 1e-6, mode: SpectralMode = .truncate, scaling: VAMPScaling = .none,
                components: ComponentSelection = .all) {
        self.epsilon = epsilon
        self.mode = mode
        self.scaling = scaling
        self.components = components
    }
}

/// The variational approach for Markov processes (Wu & Noé, J. Nonlinear Sci. 30, 23 (2020)), as
/// deeptime's `VAMP`: non-reversible, separate means for x_t and x_{t+τ}.
///
/// The half-weighted Koopman matrix K̄ = C00^(-1/2) C0t Ctt^(-1/2) is formed with the split factors
/// L0 = V0 Λ0^(-1/2), Lt = Vt Λt^(-1/2) of C00 and Ctt (after the epsilon rule), K̄ = L0ᵀ C0t Lt,
/// and decomposed K̄ = A diag(σ) Bᵀ. The left singular functions are ψ(x) = (L0 A)ᵀ(x − mean0),
/// the right ones φ(y) = (Lt B)ᵀ(y − meanT).
public enum VAMP {
    public static func fit(_ covariances: TimeLaggedCovariances, options: VAMPOptions = VAMPOptions()) throws -> VAMPModel {
        let l0 = try SpectralFactors.inverseSplit(covariances.c00, epsilon: options.epsilon, mode: options.mode,
                                                  canonicalSigns: false, name: "VAMP: the instantaneous covariance C00")
        let lt = try SpectralFactors.inverseSplit(covariances.ctt, epsilon: options.epsilon, mode: options.mode,
                                                  canonicalSigns: false, name: "VAMP: the time-lagged covariance Ctt")
        let koopman = l0.multiplied(by: covariances.c0t.multiplied(by: lt), transposeSelf: true)
        let (a, singularValues, b) = try SpectralFactors.singularValueDecomposition(koopman, name: "VAMP: the Koopman matrix")
        let dimension = try options.components.dimension(values: singularValues)
        return try VAMPModel(covariances: covariances, singularValues: singularValues,
                             left: l0.multiplied(by: a), right: lt.multiplied(by: b),
                             ranks: (l0.cols, lt.cols), options: options, dimension: dimension)
    }

    /// VAMP of trajectories in memory; for streamed data use `TimeLaggedCovarianceAccumulator`.
    public static func fit(_ trajectories: [DoubleMatrix], lag: Int, stride: Int = 1, weights: [[Double]]? = nil,
                           options: VAMPOptions = VAMPOptions()) throws -> VAMPModel {
        try fit(TimeLaggedCovariances.estimate(trajectories, lag: lag, stride: stride, weights: weights), options: options)
    }
}
