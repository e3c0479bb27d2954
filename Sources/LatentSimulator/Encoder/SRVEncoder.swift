import Kinetics
import NeuralNet

/// A trained SRV encoder: features → latent coordinates ψ₁…ψ_m, the slowest processes the network
/// found, ordered by eigenvalue, each of unit variance over the training data (see `SRVBasis` for
/// the eigenproblem and the sign convention).
///
/// It is an `ArchivableModel`: `configuration` holds the architecture, the input standardization,
/// the Float64 basis (means, eigenvectors, spectrum) and the lag; `parameters` the network weights
/// (and batch-norm running statistics).
public final class SRVEncoder: ArchivableModel {
    public struct Configuration: Codable, Sendable, Equatable {
        public var architecture: SRVArchitecture
        public var inputScaling: InputScaling
        public var latentDimension: Int
        /// The lag τ in frames at which the basis was solved.
        public var lag: Int
        public var variant: VAMPVariant
        public var epsilon: Double
        /// The mean of the network outputs removed before projecting (joint mean for the reversible form).
        public var basisMean: [Double]
        /// Output width × rank, row-major: column i gives ψ_i = (χ − basisMean)ᵀ column i.
        public var eigenvectors: [Double]
        /// Every eigenvalue (singular value for the non-reversible form) of the basis, descending.
        public var spectrum: [Double]
        /// Whether the covariances were Koopman-reweighted / time-reversal augmented.
        public var koopmanReweighted: Bool
        public var timeReversal: Bool
    }

    public private(set) var configuration: Configuration
    let network: Sequential
    /// ψ = χ P + offset, Float32: P is outputWidth × m, offset = −basisMeanᵀ P.
    private var projection: Matrix
    private var offset: [Float]

    public var parameters: [Parameter] { network.parameters }
    public var inputDimension: Int { configuration.architecture.inputDimension }
    public var latentDimension: Int { configuration.latentDimension }
    public var lag: Int { configuration.lag }
    public var spectrum: [Double] { configuration.spectrum }
    public var architecture: SRVArchitecture { configuration.architecture }

    /// Rebuilds the encoder from a configuration (fresh weights, which `ModelArchive.load` then overwrites).
    public init(configuration: Configuration) throws {
        let c = configuration
        let a = c.architecture
        guard a.inputDimension > 0, a.outputWidth > 0, a.hiddenLayers.allSatisfy({ $0 > 0 }),
              c.inputScaling.mean.count == a.inputDimension, c.inputScaling.scale.count == a.inputDimension,
              c.basisMean.count == a.outputWidth, !c.spectrum.isEmpty,
              c.eigenvectors.count == a.outputWidth * c.spectrum.count,
              c.latentDimension >= 1, c.latentDimension <= c.spectrum.count, c.lag >= 1,
              (c.eigenvectors + c.spectrum + c.basisMean).allSatisfy(\.isFinite) else {
            throw LatentSimulatorError(.corruptBundle, "the SRV configuration is inconsistent (sizes of the "
                                       + "architecture, scaling, basis and spectrum disagree); retrain the encoder")
        }
        self.configuration = c
        var generator = RandomGenerator(seed: 0)
        network = a.makeNetwork(generator: &generator)
        (projection, offset) = Self.projection(of: c)
    }

    /// An untrained encoder for training: the basis is the identity until `setBasis`.
    init(architecture: SRVArchitecture, scaling: InputScaling, latentDimension: Int, lag: Int,
         variant: VAMPVariant, epsilon: Double, generator: inout RandomGenerator) {
        let w = architecture.outputWidth
        configuration = Configuration(architecture: architecture, inputScaling: scaling,
                                      latentDimension: latentDimension, lag: lag, variant: variant, epsilon: epsilon,
                                      basisMean: [Double](repeating: 0, count: w),
                                      eigenvectors: DoubleMatrix.identity(w).values,
                                      spectrum: [Double](repeating: 0, count: w),
                                      koopmanReweighted: false, timeReversal: false)
        network = architecture.makeNetwork(generator: &generator)
        (projection, offset) = Self.projection(of: configuration)
    }

    /// Installs the solved basis.
    func setBasis(_ basis: SRVBasis, koopmanReweighted: Bool, timeReversal: Bool) {
        configuration.basisMean = basis.mean
        configuration.eigenvectors = basis.left.values
        configuration.spectrum = basis.spectrum
        configuration.koopmanReweighted = koopmanReweighted
        configuration.timeReversal = timeReversal
        (projection, offset) = Self.projection(of: configuration)
    }

    private static func projection(of c: Configuration) -> (Matrix, [Float]) {
        let w = c.architecture.outputWidth, r = c.spectrum.count, m = c.latentDimension
        let p = Matrix(rows: w, cols: m)
        var offset = [Float](repeating: 0, count: m)
        for j in 0..<m {
            var sum = 0.0
            for i in 0..<w {
                let v = c.eigenvectors[i * r + j]
                p[i, j] = Float(v)
                sum += c.basisMean[i] * v
            }
            offset[j] = Float(-sum)
        }
        return (p, offset)
    }

    /// Implied time scales t_i = −τ Δt / ln|λ_i| over the whole spectrum, in the unit of
    /// `frameInterval` (`ImpliedTimescales.timescale`: |λ| ≥ 1 gives +∞, λ = 0 gives 0, a negative λ
    /// the time scale of |λ|; never NaN). For the non-reversible variant λ_i are the singular values.
    public func impliedTimescales(frameInterval: Double) -> [Double] {
        ImpliedTimescales.timescales(eigenvalues: spectrum, lag: Double(lag) * frameInterval)
    }

    /// Rows processed at a time by `encode` and `basisValues`.
    static let chunkRows = 4096

    /// The network's outputs χ (frames × output width) for raw features, in chunks.
    func basisValues(_ features: Matrix) -> Matrix {
        precondition(features.cols == inputDimension,
                     "SRVEncoder: the features have \(features.cols) columns, the encoder takes \(inputDimension)")
        return outputs(of: features, standardize: true)
    }

    /// The network's outputs χ for features already standardized with `inputScaling`.
    func networkOutputs(standardized inputs: Matrix) -> Matrix {
        outputs(of: inputs, standardize: false)
    }

    private func outputs(of features: Matrix, standardize: Bool) -> Matrix {
        let n = features.rows, w = architecture.outputWidth, d = inputDimension
        let out = Matrix(rows: n, cols: w)
        let predictor = Predictor(network, chunkRows: 1024)
        let chunk = Matrix(rows: min(Self.chunkRows, max(n, 1)), cols: d)
        var start = 0
        while start < n {
            let rows = min(Self.chunkRows, n - start)
            let input = rows == chunk.rows ? chunk : Matrix(rows: rows, cols: d)
            if standardize {
                configuration.inputScaling.apply(features, rows: start..<(start + rows), into: input)
            } else {
                input.pointer.update(from: features.pointer + start * d, count: rows * d)
            }
            let chi = predictor.predict(input)
            (out.pointer + start * w).update(from: chi.pointer, count: rows * w)
            start += rows
        }
        return out
    }

    /// Throws `.mismatch` when `features` do not have the encoder's feature count (`encode`
    /// treats that as a programming error): call it on user-supplied data before encoding.
    public func validateInput(_ features: Matrix) throws {
        guard features.cols == inputDimension else {
            throw LatentSimulatorError(.mismatch, "the SRV encoder was trained on \(inputDimension) features per frame, "
                                       + "the data have \(features.cols); featurize them as for training")
        }
    }

    /// The latent coordinates (frames × m, Float32) of frames of features (`inputDimension` columns).
    public func encode(_ features: Matrix) -> Matrix {
        let chi = basisValues(features)
        let n = chi.rows, m = latentDimension, w = architecture.outputWidth
        let out = Matrix(rows: n, cols: m)
        guard n > 0 else { return out }
        BLAS.sgemm(transA: false, transB: false, m: n, n: m, k: w, a: chi.pointer, lda: w,
                   b: projection.pointer, ldb: m, c: out.pointer, ldc: m)
        for r in 0..<n { for j in 0..<m { out.pointer[r * m + j] += offset[j] } }
        return out
    }

    /// The same trajectories in latent coordinates.
    public func encode(_ data: TrajectoryData) -> TrajectoryData {
        TrajectoryData(values: encode(data.values), lengths: data.lengths)
    }
}
