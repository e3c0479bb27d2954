import Dispatch
import NeuralNet

/// The trained generator of the cWGAN-GP decoder: G(ψ ⊕ z) → coordinates of the decoded atoms,
/// Kabsch-aligned to the reference and divided by `scaling.scale` (DESIGN.md §1, "Decoder D").
///
/// A decoder may hold several generators, trained independently (`DecoderSettings.members`,
/// `Configuration.generators`): frame r of a batch is decoded by generator r mod count, so decoded
/// frames follow the mixture of their distributions. Each adversarial run leaves its own systematic
/// error in the decoded distribution, and independent runs' errors partly cancel in the mixture.
///
/// Only the generators are archived (with the latent standardization and the coordinate scaling):
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
        /// Applied to every decoded frame when set (fitted after training; nil in bundles written
        /// before it existed, and when no bonds are known).
        public var bondCalibration: BondLengthCalibration?
        /// Generators mixed in decoding (nil → 1, as in bundles written before mixing existed).
        public var generators: Int?
        /// The generators' output activation (nil → tanh, as in bundles written before it was a choice).
        public var outputActivation: Activation?
        /// Standard deviation of the noise z fed to the generators in decoding (training always
        /// draws N(0, I)); nil → 1, as in bundles written before it existed. See
        /// `DecoderSettings.decodingNoiseScale` for why it may be raised.
        public var noiseScale: Float?
        public static let maximumGenerators = 64

        public init(latentDimension: Int, noiseDimension: Int, hidden: [Int], activation: Activation,
                    latentMean: [Float], latentDeviation: [Float], scaling: CoordinateScaling,
                    bondCalibration: BondLengthCalibration? = nil, generators: Int? = nil,
                    outputActivation: Activation? = nil) {
            self.latentDimension = latentDimension
            self.noiseDimension = noiseDimension
            self.hidden = hidden
            self.activation = activation
            self.latentMean = latentMean
            self.latentDeviation = latentDeviation
            self.scaling = scaling
            self.bondCalibration = bondCalibration
            self.generators = generators
            self.outputActivation = outputActivation
        }
    }

    public private(set) var configuration: Configuration
    /// The generators, each [ψ ⊕ z] → hidden → 3a in network units (aligned training frames lie in [-1, 1]).
    public let networks: [Sequential]
    /// The first generator: the one adversarial training updates.
    public var network: Sequential { networks[0] }
    /// Per worker thread, one predictor per generator (each with its own buffers, all reading the
    /// same weights).
    private let predictors: [[Predictor]]
    /// Per worker and generator, the input buffer of the last batch size it saw.
    private var inputs: [[Matrix?]]
    /// Per row of the latest batch, whether its frame clashed or inverted a chiral centre (set by
    /// the workers, so the checks run in parallel with the decoding); kept between calls like the
    /// input buffers.
    private var clashFlags: [Bool] = []
    /// Redraws clashing or inverted frames when set (`ClashGuard`). Not archived: the model that owns the
    /// decoder derives it from its topology (`LatentSpaceSimulator`).
    public private(set) var clashGuard: ClashGuard?
    /// Frames decoded under the guard, and how many of them clashed or inverted a centre and were
    /// redrawn, since it was set.
    public private(set) var guardedFrames = 0
    public private(set) var redrawnFrames = 0

    public var latentDimension: Int { configuration.latentDimension }
    public var noiseDimension: Int { configuration.noiseDimension }
    public var atomCount: Int { configuration.scaling.atomCount }
    public var scaling: CoordinateScaling { configuration.scaling }
    public var generatorCount: Int { networks.count }
    /// Every generator's parameters, the first generator's first.
    public var parameters: [Parameter] { networks.flatMap(\.parameters) }

    /// Generators with fresh (Glorot-uniform) weights drawn from `seed`.
    public init(configuration c: Configuration, seed: UInt64) throws {
        guard c.latentDimension >= 1, c.noiseDimension >= 1, c.hidden.allSatisfy({ $0 >= 1 }),
              c.latentMean.count == c.latentDimension, c.latentDeviation.count == c.latentDimension,
              c.latentDeviation.allSatisfy({ $0 > 0 && $0.isFinite }), c.latentMean.allSatisfy(\.isFinite),
              c.scaling.atomCount >= 1, c.scaling.reference.count == 3 * c.scaling.atomCount,
              c.scaling.scale > 0, c.scaling.scale.isFinite,
              (1...Configuration.maximumGenerators).contains(c.generators ?? 1),
              c.noiseScale.map({ $0 > 0 && $0.isFinite }) ?? true,
              c.bondCalibration.map({ BondLengthCalibration.isConsistent($0, atomCount: c.scaling.atomCount) }) ?? true else {
            throw LatentSimulatorError(.corruptBundle, "the decoder configuration is inconsistent (latent dimension "
                                       + "\(c.latentDimension), noise \(c.noiseDimension), hidden \(c.hidden), "
                                       + "\(c.scaling.atomCount) atoms, \(c.generators ?? 1) generators); retrain the decoder")
        }
        configuration = c
        var generator = RandomGenerator(seed: seed)
        let sizes = [c.latentDimension + c.noiseDimension] + c.hidden + [3 * c.scaling.atomCount]
        let generatorNetworks = (0..<(c.generators ?? 1)).map { k in
            let network = MLP.make(sizes: sizes, hidden: c.activation, output: c.outputActivation ?? .tanh,
                                       generator: &generator)
            // The first keeps the name it had before decoders held several generators.
            network.name(prefix: k == 0 ? "generator." : "generator\(k).")
            return network
        }
        networks = generatorNetworks
        let rows = CoordinateDecoder.chunkRows(sizes: sizes)
        predictors = (0..<max(1, BLAS.maxThreads)).map { _ in
            generatorNetworks.map { Predictor($0, chunkRows: rows) }
        }
        inputs = Array(repeating: Array(repeating: nil, count: generatorNetworks.count), count: predictors.count)
    }

    public convenience init(configuration: Configuration) throws {
        try self.init(configuration: configuration, seed: 0)
    }

    /// Decoded frames for each latent row (n × m): n × 3a positions in nm, in the reference's
    /// frame. Each row gets its own noise z ~ N(0, I) from `generator`, so the same latent point
    /// decodes to a different configuration each time, distributed as the data given ψ; row r is
    /// decoded by generator r mod `generatorCount`.
    /// Runs batched through `Predictor` (no graph), reusing its buffers between calls.
    public func generate(latent: Matrix, generator: inout RandomGenerator) -> Matrix {
        let out = Matrix(rows: latent.rows, cols: 3 * atomCount)
        generate(latent: latent, into: out, generator: &generator)
        return out
    }

    /// `generate` into a caller's n × 3a matrix (no allocation after the first call of a size).
    ///
    /// Large batches are split into one contiguous block of rows per thread (`BLAS.maxThreads`),
    /// each run by its own predictor with single-threaded BLAS calls (chunks small enough to stay
    /// under `BLAS.parallelThreshold`): whole-network parallelism, activations included, instead of
    /// OpenBLAS's busy-waiting threads inside every small product. The noise is drawn first, in row
    /// order, so the result does not depend on the thread count.
    public func generate(latent: Matrix, into output: Matrix, generator: inout RandomGenerator) {
        precondition(latent.cols == latentDimension,
                     "generate: latent has \(latent.cols) columns, the decoder takes \(latentDimension)")
        precondition(output.rows == latent.rows && output.cols == 3 * atomCount, "generate: output shape")
        let n = latent.rows
        let parts = n >= 2 * predictors[0][0].chunkRows * generatorCount ? predictors.count : 1
        let bounds = (0...parts).map { $0 * n / parts }
        var blocks: [[Matrix]] = []
        for w in 0..<parts {
            blocks.append(networkInputs(latent: latent, rows: bounds[w]..<bounds[w + 1], worker: w, generator: &generator))
        }
        if clashGuard != nil, clashFlags.count < n { clashFlags = Array(repeating: false, count: n) }
        clashFlags.withUnsafeMutableBufferPointer { flags in
            let work = DecodingWork(predictors: predictors, inputs: blocks, bounds: bounds, output: output.pointer,
                                    width: output.cols, scale: scaling.scale, calibration: configuration.bondCalibration,
                                    clashGuard: clashGuard, clashing: flags.baseAddress)
            if parts == 1 {
                work.run(0)
            } else if BLAS.maxThreads > 1 {
                BLAS.useThreads(forWork: 0)   // single-threaded products from here on, set once before the workers start
                DispatchQueue.concurrentPerform(iterations: parts) { work.run($0) }
            } else {
                DispatchQueue.concurrentPerform(iterations: parts) { work.run($0) }
            }
        }
        if let clashGuard { redrawClashes(latent: latent, output: output, guard: clashGuard, generator: &generator) }
    }

    /// Decodes each row the workers flagged as clashing again with fresh noise (drawn after the
    /// batch's, in row order, so the result does not depend on the thread count), at most
    /// `ClashGuard.maximumRedraws` times.
    private func redrawClashes(latent: Matrix, output: Matrix, guard clashGuard: ClashGuard,
                               generator: inout RandomGenerator) {
        let width = output.cols
        guardedFrames += latent.rows
        // One-row redraws must not replace worker 0's batch-sized input buffers.
        let batchInputs = inputs[0]
        defer { inputs[0] = batchInputs }
        for r in 0..<latent.rows where clashFlags[r] {
            redrawnFrames += 1
            for _ in 0..<ClashGuard.maximumRedraws {
                let input = networkInputs(latent: latent, rows: r..<(r + 1), worker: 0, generator: &generator)
                DecodingWork(predictors: predictors, inputs: [input], bounds: [r, r + 1], output: output.pointer,
                             width: width, scale: scaling.scale, calibration: configuration.bondCalibration,
                             clashGuard: nil, clashing: nil).run(0)
                if !clashGuard.rejects(output.pointer + r * width) { break }
            }
        }
    }

    /// Sets (or with nil removes) the clash guard, and restarts its counts.
    public func guardClashes(_ clashGuard: ClashGuard?) {
        precondition(clashGuard.map { $0.pairs.allSatisfy { $0.second < atomCount }
                         && $0.chiralCentres.allSatisfy { [$0.centre, $0.first, $0.second, $0.third].allSatisfy { $0 < atomCount } } } ?? true,
                     "guardClashes: the guard is for another set of atoms")
        self.clashGuard = clashGuard
        guardedFrames = 0
        redrawnFrames = 0
    }

    /// Rows `rows` of the latent batch standardized and joined with fresh noise, one matrix per
    /// generator g holding the rows r ≡ g (mod `generatorCount`) in order: buffers owned by worker
    /// `worker`. Noise is drawn row by row in the batch's order.
    func networkInputs(latent: Matrix, rows: Range<Int>, worker: Int, generator: inout RandomGenerator) -> [Matrix] {
        let m = latentDimension, k = noiseDimension, width = m + k, count = generatorCount
        let x: [Matrix] = (0..<count).map { g in
            let n = DecodingWork.rowCount(of: g, in: rows, generators: count)
            if let existing = inputs[worker][g], existing.rows == n { return existing }
            let fresh = Matrix(rows: n, cols: width)
            inputs[worker][g] = fresh
            return fresh
        }
        let mean = configuration.latentMean, deviation = configuration.latentDeviation
        let inverse = deviation.map { 1 / $0 }
        let noiseScale = configuration.noiseScale ?? 1
        for source in rows {
            let row = x[source % count].pointer + (source - rows.lowerBound) / count * width
            let values = latent.pointer + source * m
            for j in 0..<m { row[j] = (values[j] - mean[j]) * inverse[j] }
            GaussianNoise.fill(row + m, count: k, generator: &generator)
            if noiseScale != 1 { for i in m..<width { row[i] *= noiseScale } }
        }
        return x
    }

    /// Rows per predictor chunk: as many as keep the largest layer product (rows × in × out) under
    /// BLAS's parallel threshold, so each worker's products stay single-threaded; 16 to 512.
    static func chunkRows(sizes: [Int]) -> Int {
        let largest = zip(sizes, sizes.dropFirst()).map { $0 * $1 }.max() ?? 1
        return min(512, max(16, (BLAS.parallelThreshold - 1) / max(largest, 1)))
    }

    /// Sets the standard deviation of the noise used in decoding (before fitting a bond calibration:
    /// the calibration is fitted to the frames as they will be decoded).
    public func scaleNoise(_ scale: Float) {
        precondition(scale > 0 && scale.isFinite, "scaleNoise: the scale must be positive and finite")
        configuration.noiseScale = scale
    }

    /// Sets (or with nil removes) the bond-length calibration applied to every decoded frame.
    public func calibrate(_ calibration: BondLengthCalibration?) {
        precondition(calibration.map { BondLengthCalibration.isConsistent($0, atomCount: atomCount) } ?? true,
                     "calibrate: the calibration is for another set of atoms")
        configuration.bondCalibration = calibration
    }

    /// Drops the buffers kept for batch sizes seen so far.
    public func releaseBuffers() {
        clashFlags = []
        inputs = Array(repeating: Array(repeating: nil, count: generatorCount), count: predictors.count)
        for p in predictors.joined() { p.releaseBuffers() }
    }
}

/// One decoding batch split by rows among workers; each worker touches only its own predictors,
/// input blocks and rows of the output.
private struct DecodingWork: @unchecked Sendable {
    let predictors: [[Predictor]]
    /// Per worker, per generator: that generator's rows of the worker's block.
    let inputs: [[Matrix]]
    let bounds: [Int]
    let output: UnsafeMutablePointer<Float>
    let width: Int
    let scale: Float
    let calibration: BondLengthCalibration?
    /// When given, each worker marks its rows whose frames clash in `clashing` (one flag per batch row).
    let clashGuard: ClashGuard?
    let clashing: UnsafeMutablePointer<Bool>?

    /// How many rows r of `rows` satisfy r ≡ g (mod generators).
    static func rowCount(of g: Int, in rows: Range<Int>, generators: Int) -> Int {
        let first = rows.lowerBound + (g - rows.lowerBound % generators + generators) % generators
        return first < rows.upperBound ? (rows.upperBound - first + generators - 1) / generators : 0
    }

    func run(_ worker: Int) {
        let count = inputs[worker].count, s = scale, lower = bounds[worker]
        for g in 0..<count where inputs[worker][g].rows > 0 {
            let y = predictors[worker][g].predict(inputs[worker][g]), source = y.pointer
            // Row i of generator g's output is batch row lower + first + i·count.
            let first = (g - lower % count + count) % count
            for i in 0..<y.rows {
                let target = output + (lower + first + i * count) * width, row = source + i * width
                for j in 0..<width { target[j] = row[j] * s }
            }
        }
        let target = output + bounds[worker] * width
        if let calibration {
            calibration.apply(to: target, rows: bounds[worker + 1] - bounds[worker])
        }
        if let clashGuard, let clashing {
            for r in bounds[worker]..<bounds[worker + 1] { clashing[r] = clashGuard.rejects(output + r * width) }
        }
    }
}
