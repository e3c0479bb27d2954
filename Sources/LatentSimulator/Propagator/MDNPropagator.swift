import Foundation
import NeuralNet

/// A mixture density network that propagates latent states by one lag: ψ_t ↦ p(ψ_t+τ | ψ_t), a
/// mixture of C diagonal Gaussians in the scaled latent space (`MixtureLayout`). Sampling it again
/// and again gives synthetic latent trajectories (Sidky, Chen & Ferguson, Chem. Sci. 2020).
///
/// The network is an MLP with tanh hidden layers and a linear last layer of C(2m+1) outputs; it
/// reads and writes scaled coordinates (`scaler`), while every public method takes and returns
/// latent units. Non-finite input coordinates are replaced by the box center (0.5 scaled) and
/// finite ones outside the box are used as they are.
///
/// Not safe for concurrent use from several threads (its predictor keeps buffers); `rollouts`
/// parallelizes internally.
public final class MDNPropagator: ArchivableModel {
    public struct Configuration: Codable, Sendable, Equatable {
        public var dimension: Int
        public var components: Int
        public var lag: Int
        public var hiddenLayers: [Int]
        public var scaler: LatentScaler
        public var boundary: BoundaryPolicy
        /// ε in σ = ELU(·) + 1 + ε, in scaled units.
        public var minimumScale: Float

        public init(dimension: Int, components: Int, lag: Int, hiddenLayers: [Int], scaler: LatentScaler,
                    boundary: BoundaryPolicy = .reflect, minimumScale: Float = 1e-3) {
            self.dimension = dimension
            self.components = components
            self.lag = lag
            self.hiddenLayers = hiddenLayers
            self.scaler = scaler
            self.boundary = boundary
            self.minimumScale = minimumScale
        }
    }

    public let configuration: Configuration
    /// The MLP (its parameters are named "network.<layer>.weight|bias").
    public let network: Sequential
    let layout: MixtureLayout
    private lazy var predictor = Predictor(network, chunkRows: 256)

    public var dimension: Int { configuration.dimension }
    public var components: Int { configuration.components }
    public var lag: Int { configuration.lag }
    public var scaler: LatentScaler { configuration.scaler }
    public var boundary: BoundaryPolicy { configuration.boundary }
    public var parameters: [Parameter] { network.parameters }

    /// The architecture with fresh weights (seed 0), for loading.
    public convenience init(configuration: Configuration) throws {
        var generator = RandomGenerator(seed: 0)
        try self.init(configuration: configuration, generator: &generator)
    }

    /// The architecture with weights drawn from `generator` (Glorot for tanh layers).
    public init(configuration: Configuration, generator: inout RandomGenerator) throws {
        let c = configuration
        guard c.dimension >= 1, c.components >= 1, c.lag >= 1, !c.hiddenLayers.isEmpty,
              c.hiddenLayers.allSatisfy({ $0 >= 1 }), c.scaler.dimension == c.dimension,
              c.minimumScale > 0, c.minimumScale.isFinite else {
            throw LatentSimulatorError(.invalidSetting, "MDN configuration: dimension \(c.dimension), components "
                                       + "\(c.components), lag \(c.lag), hidden layers \(c.hiddenLayers), scaler of "
                                       + "dimension \(c.scaler.dimension) and minimum scale \(c.minimumScale) must all be "
                                       + "positive and consistent")
        }
        self.configuration = c
        layout = MixtureLayout(components: c.components, dimension: c.dimension, minimumScale: c.minimumScale)
        network = MLP.make(sizes: [c.dimension] + c.hiddenLayers + [layout.outputWidth], hidden: .tanh,
                           output: .identity, generator: &generator)
        network.name(prefix: "network.")
    }

    // MARK: Densities

    /// log p(to_i | from_i) per row pair, as a density in latent units: the scaled-space density
    /// plus the scaler's log-Jacobian Σ_d log a_d (see `LatentScaler`). The reflection of the
    /// boundary policy is not included (its mass beyond the box is negligible by the margin).
    public func logLikelihood(from: Matrix, to: Matrix) -> [Double] {
        precondition(from.rows == to.rows && from.cols == dimension && to.cols == dimension,
                     "logLikelihood: from and to must both be n × \(dimension)")
        let raw = predictor.predict(scaledInput(from))
        let targets = scaler.scale(to)
        let row = MixtureRow(layout: layout)
        let jacobian = scaler.logJacobian
        return (0..<from.rows).map { i in
            row.load(raw.pointer + i * layout.outputWidth)
            return Double(row.logDensity(targets.pointer + i * dimension)) + jacobian
        }
    }

    /// The training loss on a graph: the mean negative log-likelihood of scaled pairs (both n × m,
    /// already in [0, 1] units), in scaled units. Public so that its gradient can be checked.
    public func negativeLogLikelihood(on graph: Graph, scaledFrom from: Matrix, scaledTo to: Matrix,
                                      training: Bool = true) -> Tensor {
        let raw = network(graph.constant(from), training: training)
        return layout.negativeLogLikelihood(raw, targets: graph.constant(to),
                                            tiling: graph.constant(tiling),
                                            grouping: grouping.map { graph.constant($0) })
    }

    private(set) lazy var tiling = layout.tilingMatrix()
    private(set) lazy var grouping = layout.groupingMatrix()

    /// States scaled for the network, with non-finite coordinates replaced by the box center.
    func scaledInput(_ x: Matrix) -> Matrix {
        let u = scaler.scale(x)
        for i in 0..<u.count where !u.pointer[i].isFinite { u.pointer[i] = 0.5 }
        return u
    }

    // MARK: Sampling

    /// One propagation step for each row of `states` (K × m, latent units): a draw from each
    /// row's mixture, the boundary policy applied in scaled space, returned in latent units.
    public func sample(from states: Matrix, generator: inout RandomGenerator) -> Matrix {
        precondition(states.cols == dimension, "sample: states must have \(dimension) columns")
        let raw = predictor.predict(scaledInput(states))
        let next = Matrix(rows: states.rows, cols: dimension)
        var noise = NormalStream(generator: generator)
        for k in 0..<states.rows {
            layout.drawInsideBox(raw: raw.pointer + k * layout.outputWidth, boundary: boundary, noise: &noise,
                                 into: next.pointer + k * dimension)
        }
        generator = noise.generator
        return scaler.unscale(next)
    }

    /// K synthetic trajectories, one per row of `starts` (latent units): each (steps + 1) × m,
    /// the start first, then one state per lag. Trajectory k draws its noise from the k-th generator
    /// split off `RandomGenerator(seed: seed)`, so its noise does not depend on the other rows (the
    /// batched product may round differently for another K, so only the same K and thread count
    /// reproduce a trajectory bit for bit); the K rows
    /// go through the network together each step (split over up to `BLAS.maxThreads` workers of at
    /// least 32 rows), with no allocation inside the loop.
    public func rollouts(from starts: Matrix, steps: Int, seed: UInt64) -> [Matrix] {
        precondition(starts.cols == dimension, "rollouts: starts must have \(dimension) columns")
        precondition(steps >= 0, "rollouts: steps must not be negative")
        let engine = RolloutEngine(network: network, layout: layout, scaler: scaler, boundary: boundary)
        let trajectories = engine.run(starts: scaledInput(starts), steps: steps, seed: seed)
        // The start rows exactly as given (scaling there and back may round in the last bit).
        for (k, trajectory) in trajectories.enumerated() {
            let start = starts.pointer + k * dimension
            if (0..<dimension).allSatisfy({ start[$0].isFinite }) { trajectory.pointer.update(from: start, count: dimension) }
        }
        return trajectories
    }
}
