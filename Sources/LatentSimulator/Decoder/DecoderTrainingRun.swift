import NeuralNet

/// One attempt at training the decoder: the generator (inside its `CoordinateDecoder`), a fresh
/// critic, their Adam optimizers and the batch buffers reused by every step.
///
/// An epoch is one pass of the critic over the training frames in mini-batches; after every
/// `criticSteps`-th critic step the generator takes one step on the latest batch's latent points
/// with fresh noise (WGAN-GP's n_critic schedule, counted across epoch boundaries).
final class DecoderTrainingRun {
    enum Outcome {
        case finished(History)
        case diverged(String)
    }

    struct History {
        /// The epoch (0-based) whose generator weights were kept, when structure checks chose one.
        var selectedEpoch: Int?
        var wasserstein: [Double] = []
        var criticLoss: [Double] = []
        var gradientNorm: [Double] = []
    }

    /// A critic loss this large means the critic has left the Lipschitz regime (its gradient
    /// penalty is ~(‖∇D‖)² ≳ 1e6, against a Wasserstein distance of at most a few units for data
    /// in [-1, 1]): the run has diverged even if every number is still finite.
    static let explodingLoss: Float = 1e6

    let decoder: CoordinateDecoder
    let critic: Sequential
    let distances: DistanceFeatures?
    let distanceMoments: DistanceMomentMatch?
    let frames: Matrix
    let conditions: Matrix
    let latent: Matrix
    let settings: DecoderSettings
    let attempt: Int
    /// How progress names this run: "decoder", or "decoder 2/3" for a member of several.
    let name: String
    let structure: StructureCheck?
    let progress: ProgressHandler?
    private let sampler: LatentBalancedSampler?
    private let criticOptimizer: Adam
    private let generatorOptimizer: Adam
    private var random: RandomGenerator
    private var noise: RandomGenerator
    private let graph = Graph()
    private let realBatch: Matrix, conditionBatch: Matrix, mixing: Matrix

    init(decoder: CoordinateDecoder, frames: Matrix, latent: Matrix, settings: DecoderSettings, learningRate: Float,
         seed: UInt64, attempt: Int, name: String = "decoder", structure: StructureCheck?, progress: ProgressHandler?) {
        self.decoder = decoder
        self.frames = frames
        self.latent = latent
        self.settings = settings
        self.attempt = attempt
        self.name = name
        self.structure = structure
        self.progress = progress
        var generator = RandomGenerator(seed: seed ^ 0x5DEE_CE66_D1CE_5EED)
        let d = frames.cols, m = latent.cols
        distances = settings.criticDistances ? DistanceFeatures(atomCount: d / 3) : nil
        let momentWeight = settings.distanceMomentWeight ?? DecoderSettings.defaultDistanceMomentWeight
        distanceMoments = momentWeight > 0
            ? DistanceMomentMatch(frames: frames, features: distances ?? DistanceFeatures(atomCount: d / 3), weight: momentWeight)
            : nil
        critic = MLP.make(sizes: [d + m + (distances?.count ?? 0)] + (settings.criticHidden ?? []) + [1],
                          hidden: settings.activation,
                          output: .identity, generator: &generator)
        critic.name(prefix: "critic.")
        random = generator.split()
        noise = generator.split()
        // The generator sees standardized latent rows; the critic gets the same ones.
        let c = decoder.configuration
        conditions = Matrix(rows: latent.rows, cols: m)
        for r in 0..<latent.rows {
            for j in 0..<m {
                conditions.pointer[r * m + j] = (latent.pointer[r * m + j] - c.latentMean[j]) / c.latentDeviation[j]
            }
        }
        let balance = settings.latentBalance ?? DecoderSettings.defaultLatentBalance
        sampler = balance > 0 ? LatentBalancedSampler(latent: latent, power: Double(balance)) : nil
        let criticRate = learningRate * (settings.criticLearningRate ?? settings.learningRate) / settings.learningRate
        criticOptimizer = Adam(parameters: critic.parameters, learningRate: criticRate,
                               beta1: settings.beta1, beta2: settings.beta2)
        generatorOptimizer = Adam(parameters: decoder.parameters, learningRate: learningRate,
                                  beta1: settings.beta1, beta2: settings.beta2)
        let b = settings.batchSize ?? 64
        realBatch = Matrix(rows: b, cols: d)
        conditionBatch = Matrix(rows: b, cols: m)
        mixing = Matrix(rows: b, cols: 1)
    }

    func train() -> Outcome {
        let n = frames.rows, b = realBatch.rows
        let epochs = settings.epochs ?? 1
        let batches = max(1, n / b)
        var history = History()
        var criticStep = 0
        var best: [Matrix]?
        var bestScore = Double.infinity
        for epoch in 0..<epochs {
            let order = sampler?.draw(batches * b, using: &random) ?? random.permutation(n)
            var wasserstein = 0.0, loss = 0.0, norm = 0.0
            for batch in 0..<batches {
                let rows = order[(batch * b)..<((batch + 1) * b)]
                frames.gatherRows(rows, into: realBatch)
                conditions.gatherRows(rows, into: conditionBatch)
                guard let terms = criticStepTerms() else {
                    return .diverged("the critic loss became non-finite or exceeded \(Self.explodingLoss) in epoch \(epoch + 1)")
                }
                wasserstein += Double(terms.wasserstein)
                loss += Double(terms.loss)
                norm += Double(terms.gradientNorm)
                criticStep += 1
                if criticStep % settings.criticSteps == 0, !generatorStep() {
                    return .diverged("the generator loss became non-finite in epoch \(epoch + 1)")
                }
            }
            guard allFinite(decoder.parameters), allFinite(critic.parameters) else {
                return .diverged("the network weights became non-finite in epoch \(epoch + 1)")
            }
            let count = Double(batches)
            history.wasserstein.append(wasserstein / count)
            history.criticLoss.append(loss / count)
            history.gradientNorm.append(norm / count)
            var structureReport: StructureReport?
            if let structure, (epoch + 1) % max(1, epochs / 10) == 0 || epoch == epochs - 1 {
                let s = evaluateStructure(structure)
                structureReport = s
                // In the second half of training, keep the generator whose frames are most molecular:
                // adversarial training does not converge monotonically, and its last epoch is no
                // better than any other. Score in nm: bond RMS deviation, plus 0.01 nm per 10 % of
                // frames with a clash or an inverted hand.
                let score = s.bondLengthDeviation + 0.1 * (s.clashFraction + s.mirrorFraction)
                if 2 * (epoch + 1) >= epochs, score.isFinite, score < bestScore {
                    bestScore = score
                    best = decoder.parameters.snapshot()
                    history.selectedEpoch = epoch
                }
            }
            report(epoch: epoch, epochs: epochs, history: history, structure: structureReport)
        }
        if let best { decoder.parameters.restore(best) }
        return .finished(history)
    }

    /// One critic update on the batch in `realBatch`/`conditionBatch`; nil when it diverged.
    private func criticStepTerms() -> (loss: Float, wasserstein: Float, gradientNorm: Float)? {
        graph.reset()
        let fake = generated(recording: false).value
        for r in 0..<mixing.rows { mixing.pointer[r] = random.uniform() }
        let terms = WassersteinObjective.criticLoss(graph: graph, critic: critic, real: realBatch, fake: fake,
                                                   condition: conditionBatch, mixing: mixing,
                                                   penaltyWeight: settings.penaltyWeight, distances: distances)
        let loss = terms.loss.scalar
        guard loss.isFinite, abs(loss) < Self.explodingLoss else { return nil }
        let gradients = graph.gradients(of: terms.loss, withRespectTo: critic.parameters)
        guard gradientNorm(gradients).isFinite else { return nil }
        criticOptimizer.step(gradients: gradients)
        return (loss, terms.wasserstein, terms.gradientNorm)
    }

    /// One generator update on the latest batch's latent points with fresh noise.
    private func generatorStep() -> Bool {
        graph.reset()
        let fake = generated(recording: true)
        var loss = WassersteinObjective.generatorLoss(graph: graph, critic: critic, fake: fake, condition: conditionBatch,
                                                      distances: distances)
        if let distanceMoments {
            loss = graph.add(loss, distanceMoments.loss(graph: graph, fake: fake, real: realBatch))
        }
        guard loss.scalar.isFinite else { return false }
        let gradients = graph.gradients(of: loss, withRespectTo: decoder.parameters)
        guard gradientNorm(gradients).isFinite else { return false }
        generatorOptimizer.step(gradients: gradients)
        return true
    }

    /// G(ψ ⊕ z) for the condition batch, in network units, on the graph.
    private func generated(recording: Bool) -> Tensor {
        let b = conditionBatch.rows, m = conditionBatch.cols, k = decoder.noiseDimension
        let x = inputBuffer(rows: b, cols: m + k)
        for r in 0..<b {
            (x.pointer + r * (m + k)).update(from: conditionBatch.pointer + r * m, count: m)
            GaussianNoise.fill(x.pointer + r * (m + k) + m, count: k, generator: &noise)
        }
        if recording { return decoder.network(graph.constant(x), training: true) }
        return graph.withoutRecording { decoder.network(graph.constant(x), training: true) }
    }

    private var inputStorage: Matrix?
    private func inputBuffer(rows: Int, cols: Int) -> Matrix {
        if let m = inputStorage, m.rows == rows, m.cols == cols { return m }
        let m = Matrix(rows: rows, cols: cols)
        inputStorage = m
        return m
    }

    private func allFinite(_ parameters: [Parameter]) -> Bool {
        parameters.allSatisfy { p in (0..<p.value.count).allSatisfy { p.value.pointer[$0].isFinite } }
    }

    /// Structure of frames that `generating` (the generator in training unless given) makes for
    /// (up to `structureSampleSize`) evenly spaced training latents.
    func evaluateStructure(_ check: StructureCheck, of generating: CoordinateDecoder? = nil) -> StructureReport {
        let n = latent.rows, count = min(n, settings.structureSampleSize)
        let rows = (0..<count).map { $0 * n / count }
        var generator = RandomGenerator(seed: settings.seed &+ 0xC0FFEE)
        let frames = (generating ?? decoder).generate(latent: latent.rows(rows), generator: &generator)
        return check.evaluate(frames)
    }

    private func report(epoch: Int, epochs: Int, history: History, structure: StructureReport?) {
        guard let progress else { return }
        var monitors = ["wasserstein": history.wasserstein.last ?? 0, "gradient-norm": history.gradientNorm.last ?? 0]
        if let s = structure {
            monitors["bond-rmsd"] = s.bondLengthDeviation
            monitors["clash-fraction"] = s.clashFraction
            monitors["mirror-fraction"] = s.mirrorFraction
        }
        progress(TrainingProgress(network: name, attempt: attempt, epoch: epoch, epochs: epochs,
                                  trainingLoss: history.criticLoss.last ?? 0, monitors: monitors))
    }
}
