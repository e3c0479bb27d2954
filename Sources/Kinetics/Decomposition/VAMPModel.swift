import Foundation
import NeuralNet

/// Which VAMP score (Wu & Noé 2020).
public enum VAMPScore: Sendable, Equatable {
    /// 1 + Σ σ_i (sum of singular values).
    case vamp1
    /// 1 + Σ σ_i² (kinetic variance).
    case vamp2
    /// VAMP-r for any r ≥ 1: 1 + ‖K̄‖_r^r in the Schatten r-norm.
    case r(Double)
    /// 1 + tr[2 S Uᵀ C0t V − S Uᵀ C00 U S Vᵀ Ctt V] (eq. 30 of Wu & Noé), which also penalizes a model
    /// whose singular functions are not orthonormal on the test data.
    case vampE
}

/// A fitted VAMP: singular values and singular functions, the training covariances for scoring.
public struct VAMPModel: Codable, Sendable, Equatable {
    /// The training covariances (means removed, separate means).
    public let covariances: TimeLaggedCovariances
    /// All singular values of K̄, descending (min(rank0, rankT) of them).
    public let singularValues: [Double]
    /// U (features × singularValues.count): left singular functions ψ = Uᵀ(x − mean0), unscaled.
    public let left: DoubleMatrix
    /// V (features × singularValues.count): right singular functions φ = Vᵀ(y − meanT), unscaled.
    public let right: DoubleMatrix
    /// Ranks of the whitening of C00 and of Ctt after the epsilon rule.
    public let rank0: Int
    public let rankT: Int
    public let epsilon: Double
    public let mode: SpectralMode
    public let scaling: VAMPScaling
    public let components: ComponentSelection
    /// The number of singular functions `transform` returns and scores use by default.
    public let dimension: Int

    init(covariances: TimeLaggedCovariances, singularValues: [Double], left: DoubleMatrix, right: DoubleMatrix,
         ranks: (Int, Int), options: VAMPOptions, dimension: Int) throws {
        let k = singularValues.count
        self.covariances = covariances
        self.singularValues = singularValues
        self.left = SpectralFactors.leadingColumns(left, k)
        self.right = SpectralFactors.leadingColumns(right, k)
        rank0 = ranks.0
        rankT = ranks.1
        epsilon = options.epsilon
        mode = options.mode
        scaling = options.scaling
        components = options.components
        self.dimension = dimension
    }

    public var lag: Int { covariances.lag }
    public var features: Int { covariances.features }

    public var cumulativeKineticVariance: [Double] { KineticVariance.cumulative(singularValues) }

    /// Implied time scales −τ/ln σ_i of the singular values (meaningful for reversible dynamics).
    public func timescales(frameInterval: Double = 1) -> [Double] {
        ImpliedTimescales.timescales(eigenvalues: singularValues, lag: Double(lag) * frameInterval)
    }

    /// The left (instantaneous) singular functions of frames, scaled per `scaling`; `timeLagged: true`
    /// gives the right ones φ instead. Streams: call chunk by chunk.
    public func transform(_ x: DoubleMatrix, timeLagged: Bool = false) throws -> DoubleMatrix {
        var p = SpectralFactors.leadingColumns(timeLagged ? right : left, dimension)
        if scaling == .kineticMap {
            for j in 0..<dimension { for i in 0..<p.rows { p[i, j] *= singularValues[j] } }
        }
        return try DecompositionProjection.project(x, mean: timeLagged ? covariances.meanT : covariances.mean0,
                                                   onto: p, what: "VAMP")
    }

    /// The VAMP score of this model's leading `dimension` singular functions on `test` covariances
    /// (a held-out set, estimated like the training ones), or on the training covariances when nil.
    ///
    /// As deeptime's `vamp_score`: VAMP-r = ‖A B C‖_r^r with A = (Uᵀ C00 U)^(-1/2), B = Uᵀ C0t V,
    /// C = (Vᵀ Ctt V)^(-1/2) on the test covariances (eq. 33 of Wu & Noé), and VAMP-E by eq. 30 with the
    /// training singular values; each plus 1 for the constant singular function (σ = 1) that removing
    /// the means takes out, as deeptime adds for mean-free covariances and as the SRV loss
    /// (NeuralNet `vamp2Score`) counts it. The inverse square roots follow the model's epsilon and mode.
    /// Scores use the unscaled singular functions whatever `scaling` is.
    public func score(_ kind: VAMPScore, test: TimeLaggedCovariances? = nil, dimension: Int? = nil) throws -> Double {
        let data = test ?? covariances
        guard data.features == features else {
            throw KineticsError(.mismatch, "VAMP score: the test covariances have \(data.features) features, the model \(features)")
        }
        let k = min(dimension ?? self.dimension, singularValues.count)
        guard k >= 1 else { throw KineticsError(.invalidArgument, "VAMP score: the dimension must be at least 1") }
        let u = SpectralFactors.leadingColumns(left, k), v = SpectralFactors.leadingColumns(right, k)
        let uC00u = u.multiplied(by: data.c00.multiplied(by: u), transposeSelf: true)
        let uC0tv = u.multiplied(by: data.c0t.multiplied(by: v), transposeSelf: true)
        let vCttv = v.multiplied(by: data.ctt.multiplied(by: v), transposeSelf: true)
        let value: Double
        switch kind {
        case .vampE:
            // tr(2 S B − S (Uᵀ C00 U) S (Vᵀ Ctt V)) with S = diag(σ_1..k).
            var total = 0.0
            for i in 0..<k { total += 2 * singularValues[i] * uC0tv[i, i] }
            for i in 0..<k { for j in 0..<k {
                total -= singularValues[i] * uC00u[i, j] * singularValues[j] * vCttv[j, i]
            } }
            value = total
        case .vamp1, .vamp2, .r:
            let r: Double
            switch kind {
            case .vamp1: r = 1
            case .vamp2: r = 2
            case .r(let given): r = given
            case .vampE: r = 0
            }
            guard r >= 1, r.isFinite else {
                throw KineticsError(.invalidArgument, "VAMP-r needs r ≥ 1, got \(r)")
            }
            let a = try SpectralFactors.inverseSquareRoot(uC00u, epsilon: epsilon, mode: mode, name: "VAMP score: Uᵀ C00 U")
            let c = try SpectralFactors.inverseSquareRoot(vCttv, epsilon: epsilon, mode: mode, name: "VAMP score: Vᵀ Ctt V")
            let product = a.multiplied(by: uC0tv).multiplied(by: c)
            let (_, sigma, _) = try SpectralFactors.singularValueDecomposition(product, name: "VAMP score")
            value = sigma.reduce(0) { $0 + Foundation.pow($1, r) }
        }
        guard value.isFinite else { throw KineticsError(.numerical, "the VAMP score came out non-finite") }
        return 1 + value
    }
}

extension VAMPModel {
    private enum CodingKeys: String, CodingKey {
        case covariances, singularValues, left, right, rank0, rankT, epsilon, mode, scaling, components, dimension
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let covariances = try c.decode(TimeLaggedCovariances.self, forKey: .covariances)
        let values = try c.decode([Double].self, forKey: .singularValues)
        let left = try c.decode(EncodedMatrix.self, forKey: .left).matrix(named: "VAMP left singular vectors")
        let right = try c.decode(EncodedMatrix.self, forKey: .right).matrix(named: "VAMP right singular vectors")
        let dimension = try c.decode(Int.self, forKey: .dimension)
        guard left.rows == covariances.features, right.rows == covariances.features, left.cols == values.count,
              right.cols == values.count, (0...values.count).contains(dimension) else {
            throw KineticsError(.mismatch, "stored VAMP model: covariances, singular values and vectors disagree")
        }
        let options = VAMPOptions(epsilon: try c.decode(Double.self, forKey: .epsilon),
                                  mode: try c.decode(SpectralMode.self, forKey: .mode),
                                  scaling: try c.decode(VAMPScaling.self, forKey: .scaling),
                                  components: try c.decode(ComponentSelection.self, forKey: .components))
        try self.init(covariances: covariances, singularValues: values, left: left, right: right,
                      ranks: (try c.decode(Int.self, forKey: .rank0), try c.decode(Int.self, forKey: .rankT)),
                      options: options, dimension: dimension)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(covariances, forKey: .covariances)
        try c.encode(singularValues, forKey: .singularValues)
        try c.encode(EncodedMatrix(left), forKey: .left)
        try c.encode(EncodedMatrix(right), forKey: .right)
        try c.encode(rank0, forKey: .rank0)
        try c.encode(rankT, forKey: .rankT)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(mode, forKey: .mode)
        try c.encode(scaling, forKey: .scaling)
        try c.encode(components, forKey: .components)
        try c.encode(dimension, forKey: .dimension)
    }
}
