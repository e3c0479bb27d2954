import Foundation
import NeuralNet

/// A fitted TICA: eigenvalues, eigenvectors and the projection of new data onto the slow coordinates.
public struct TICAModel: Codable, Sendable, Equatable {
    /// The lag τ in frames at which the covariances were estimated.
    public let lag: Int
    /// The joint mean μ removed before projecting.
    public let mean: [Double]
    /// Every eigenvalue left by the epsilon cutoff, by decreasing magnitude.
    public let eigenvalues: [Double]
    /// The eigenvectors r_i as columns (features × eigenvalues.count), unscaled: rᵢᵀ C0 rⱼ = δᵢⱼ.
    public let eigenvectors: DoubleMatrix
    public let epsilon: Double
    public let mode: SpectralMode
    public let scaling: TICAScaling
    public let components: ComponentSelection
    /// The number of coordinates `transform` returns.
    public let dimension: Int

    init(lag: Int, mean: [Double], eigenvalues: [Double], eigenvectors: DoubleMatrix, options: TICAOptions,
         dimension: Int) throws {
        self.lag = lag
        self.mean = mean
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
        epsilon = options.epsilon
        mode = options.mode
        scaling = options.scaling
        components = options.components
        self.dimension = dimension
        _ = try projection()
    }

    public var features: Int { mean.count }

    /// The number of eigenpairs the epsilon cutoff left (the numerical rank of C0).
    public var rank: Int { eigenvalues.count }

    /// Implied time scales t_i = −τ/ln|λ_i| (`ImpliedTimescales`), in frames, or in the unit of
    /// `frameInterval` (ps per frame) when given.
    public func timescales(frameInterval: Double = 1) -> [Double] {
        ImpliedTimescales.timescales(eigenvalues: eigenvalues, lag: Double(lag) * frameInterval)
    }

    /// Σ_{j≤i} λ_j² / Σ_j λ_j² over all eigenvalues.
    public var cumulativeKineticVariance: [Double] { KineticVariance.cumulative(eigenvalues) }

    /// The same fit with another output dimension or scaling (no refit needed).
    public func with(components: ComponentSelection? = nil, scaling: TICAScaling? = nil) throws -> TICAModel {
        let options = TICAOptions(epsilon: epsilon, mode: mode, scaling: scaling ?? self.scaling,
                                  components: components ?? self.components)
        return try TICAModel(lag: lag, mean: mean, eigenvalues: eigenvalues, eigenvectors: eigenvectors,
                             options: options, dimension: try options.components.dimension(values: eigenvalues))
    }

    /// The scale of coordinate i under `.commuteMap`, exactly as deeptime computes it:
    /// t = 1 − τ/ln|λ| (deeptime's expression, one frame longer than the implied time scale), damped
    /// below the lag as t̃ = ½ t max(tanh(π(t − τ)/τ + 1), 0), and the scale √(t̃/2).
    public static func commuteMapScale(eigenvalue: Double, lag: Int) -> Double {
        let tau = Double(lag)
        let t = 1 - tau / log(abs(eigenvalue))
        let damped = 0.5 * t * max(tanh(Double.pi * ((t - tau) / tau) + 1), 0)
        return (damped / 2).squareRoot()
    }

    /// The features × dimension matrix P of the projection ψ = (x − μ)ᵀ P, eigenvectors scaled.
    public func projection() throws -> DoubleMatrix {
        var p = SpectralFactors.leadingColumns(eigenvectors, dimension)
        for j in 0..<dimension {
            let scale: Double
            switch scaling {
            case .none: scale = 1
            case .kineticMap: scale = eigenvalues[j]
            case .commuteMap: scale = Self.commuteMapScale(eigenvalue: eigenvalues[j], lag: lag)
            }
            guard scale.isFinite else {
                throw KineticsError(.numerical, "TICA component \(j + 1) has eigenvalue \(eigenvalues[j]): the commute "
                                        + "map needs |λ| < 1; use the kinetic map or no scaling")
            }
            for i in 0..<p.rows { p[i, j] *= scale }
        }
        return p
    }

    /// The TICA coordinates of frames (rows of `x`, any number: call it chunk by chunk to stream).
    public func transform(_ x: DoubleMatrix) throws -> DoubleMatrix {
        try DecompositionProjection.project(x, mean: mean, onto: projection(), what: "TICA")
    }
}

extension TICAModel {
    private enum CodingKeys: String, CodingKey {
        case lag, mean, eigenvalues, eigenvectors, epsilon, mode, scaling, components, dimension
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let mean = try c.decode([Double].self, forKey: .mean)
        let eigenvalues = try c.decode([Double].self, forKey: .eigenvalues)
        let eigenvectors = try c.decode(EncodedMatrix.self, forKey: .eigenvectors).matrix(named: "TICA eigenvectors")
        let dimension = try c.decode(Int.self, forKey: .dimension)
        guard eigenvectors.rows == mean.count, eigenvectors.cols == eigenvalues.count,
              (0...eigenvalues.count).contains(dimension) else {
            throw KineticsError(.mismatch, "stored TICA model: the mean, eigenvalues, eigenvectors and dimension disagree")
        }
        let options = TICAOptions(epsilon: try c.decode(Double.self, forKey: .epsilon),
                                  mode: try c.decode(SpectralMode.self, forKey: .mode),
                                  scaling: try c.decode(TICAScaling.self, forKey: .scaling),
                                  components: try c.decode(ComponentSelection.self, forKey: .components))
        try self.init(lag: try c.decode(Int.self, forKey: .lag), mean: mean, eigenvalues: eigenvalues,
                      eigenvectors: eigenvectors, options: options, dimension: dimension)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lag, forKey: .lag)
        try c.encode(mean, forKey: .mean)
        try c.encode(eigenvalues, forKey: .eigenvalues)
        try c.encode(EncodedMatrix(eigenvectors), forKey: .eigenvectors)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(mode, forKey: .mode)
        try c.encode(scaling, forKey: .scaling)
        try c.encode(components, forKey: .components)
        try c.encode(dimension, forKey: .dimension)
    }
}

/// (x − μ) P for a block of frames, through dgemm.
enum DecompositionProjection {
    static func project(_ x: DoubleMatrix, mean: [Double], onto p: DoubleMatrix, what: String) throws -> DoubleMatrix {
        guard x.cols == mean.count else {
            throw KineticsError(.mismatch, "\(what): the data have \(x.cols) features but the model was fitted on \(mean.count)")
        }
        var centered = x
        let d = x.cols
        centered.values.withUnsafeMutableBufferPointer { v in
            for r in 0..<x.rows { for k in 0..<d { v[r * d + k] -= mean[k] } }
        }
        return centered.multiplied(by: p)
    }
}
