import NeuralNet

/// The trained generator of the cWGAN-GP decoder: G(ψ ⊕ z) → coordinates of the decoded atoms,
/// Kabsch-aligned to the reference and divided by `scaling.scale` (DESIGN.md §1, "Decoder D").
///
/// Only the generator is archived (with the latent standardization and the coordinate scaling):
/// decoding needs nothing else, and a bundle stays small. The critic is discarded after training,
/// so adversarial training cannot be continued from an archive; retraining starts afresh.
public final class CoordinateDecoder: ArchivableModel {
    /// Everything but the weights: architecture, latent standardization, coordinate scaling.
    public struct Configuration: Codable, Sendable, Equatable {
        public var latentDimension: Int
        public var noiseDimension: Int
        public var hidden: [Int]
        public var activation: Activation
        /// Per latent coordinate, the training mean and standard deviation: the generator sees
        /// (ψ − mean) / deviation, so it works the same for raw SRV coordinates and [0, 1]-scaled ones.
        public var latentMean: [Float]
        public var latentDeviation: [Float]
        public var scaling: CoordinateScaling

        public init(latentDimension: Int, noiseDimension: Int, hidden: [Int], activation: Activation,
                    latentMean: [Float], latentDeviation: [Float], scaling: CoordinateScaling) {
            self.latentDimension = latentDimension
            self.noiseDimension = noiseDimension
            self.hidden = hidden
            self.activation = activation
            self.latentMean = latentMean
            self.latentDeviation = latentDeviation
            self.scaling = scaling
        }
    }

    public let configuration: Configuration
    /// [ψ ⊕ z] → hidden → 3a with tanh output (network units in (-1, 1)).
    public let network: Sequential
    private let predictor: Predictor
    private var inputs: [Int: Matrix] = [:]

    public var latentDimension: Int { configuration.latentDimension }
    public var noiseDimension: Int { configuration.noiseDimension }
    public var atomCount: Int { configuration.scaling.atomCount }
    public var scaling: CoordinateScaling { configuration.scaling }
    public var parameters: [Parameter] { network.parameters }

    /// A generator with fresh (Glorot-uniform) weights drawn from `seed`.
    public init(configuration c: Configuration, seed: UInt64) throws {
        guard c.latentDimension >= 1, c.noiseDimension >= 1, c.hidden.allSatisfy({ $0 >= 1 }),
              c.latentMean.count == c.latentDimension, c.latentDeviation.count == c.latentDimension,
              c.latentDeviation.allSatisfy({ $0 > 0 && $0.isFinite }), c.latentMean.allSatisfy(\.isFinite),
              c.scaling.atomCount >= 1, c.scaling.reference.count == 3 * c.scaling.atomCount,
              c.scaling.scale > 0, c.scaling.scale.isFinite else {
            throw LatentSimulatorError(.corruptBundle, "the decoder configuration is inconsistent (latent dimension "
                                       + "\(c.latentDimension), noise \(c.noiseDimension), hidden \(c.hidden), "
                                       + "\(c.scaling.atomCount) atoms); retrain the decoder")
        }
        configuration = c
        var generator = RandomGenerator(seed: seed)
        network = MLP.make(sizes: [c.latentDimension + c.noiseDimension] + c.hidden + [3 * c.scaling.atomCount],
                           hidden: c.activation, output: .tanh, generator: &generator)
        network.name(prefix: "generator.")
        predictor = Predictor(network, chunkRows: 512)
    }

    public convenience init(configuration: Configuration) throws {
        try self.init(configuration: configuration, seed: 0)
    }

    /// Decoded frames for each latent row (n × m): n × 3a positions in nm, in the reference's
    /// frame. Each row gets its own noise z ~ N(0, I) from `generator`, so the same latent point
    /// decodes to a different configuration each time, distributed as the data given ψ.
    /// Runs batched through `Predictor` (no graph), reusing its buffers between calls.
    public func generate(latent: Matrix, generator: inout RandomGenerator) -> Matrix {
        let out = Matrix(rows: latent.rows, cols: 3 * atomCount)
        generate(latent: latent, into: out, generator: &generator)
        return out
    }

    /// `generate` into a caller's n × 3a matrix (no allocation after the first call of a size).
    public func generate(latent: Matrix, into output: Matrix, generator: inout RandomGenerator) {
        precondition(latent.cols == latentDimension,
                     "generate: latent has \(latent.cols) columns, the decoder takes \(latentDimension)")
        precondition(output.rows == latent.rows && output.cols == 3 * atomCount, "generate: output shape")
        let x = networkInput(latent: latent, generator: &generator)
        let y = predictor.predict(x)
        let s = scaling.scale, source = y.pointer, target = output.pointer
        for i in 0..<output.count { target[i] = source[i] * s }
    }

    /// Latent rows standardized and joined with fresh noise: n × (m + k), owned by the decoder.
    func networkInput(latent: Matrix, generator: inout RandomGenerator) -> Matrix {
        let m = latentDimension, k = noiseDimension, width = m + k, n = latent.rows
        let x = inputs[n] ?? Matrix(rows: n, cols: width)
        inputs[n] = x
        let mean = configuration.latentMean, deviation = configuration.latentDeviation
        let inverse = deviation.map { 1 / $0 }
        for r in 0..<n {
            let row = x.pointer + r * width, source = latent.pointer + r * m
            for j in 0..<m { row[j] = (source[j] - mean[j]) * inverse[j] }
            GaussianNoise.fill(row + m, count: k, generator: &generator)
        }
        return x
    }

    /// Drops the buffers kept for batch sizes seen so far.
    public func releaseBuffers() {
        inputs.removeAll()
        predictor.releaseBuffers()
    }
}
