import NeuralNet

/// Settings of the cWGAN-GP decoder. Anything left nil follows the amount of data (`DataRegime`)
/// and the number of decoded atoms; the optimizer defaults are those of WGAN-GP (Gulrajani et al.
/// 2017, Algorithm 1: Adam with α = 1e-4, β₁ = 0, β₂ = 0.9, n_critic = 5, λ = 10).
public struct DecoderSettings: Codable, Sendable, Equatable {
    /// Dimension of the generator's Gaussian noise z. Default 32: the conditional spread of a
    /// structure given ψ (fast bond, angle and side-chain motions) has many directions, and the
    /// generator cannot produce more independent directions of spread than it gets noise inputs.
    public var noiseDimension: Int
    /// Widths of the generator's hidden layers; nil → three layers of `defaultWidth`.
    public var generatorHidden: [Int]?
    /// Widths of the critic's hidden layers (no batch norm: it would couple the samples of a batch,
    /// which the per-sample gradient penalty forbids); nil → three layers of `defaultWidth`.
    public var criticHidden: [Int]?
    /// Whether the critic also sees interatomic distances of x (`DistanceFeatures`: all pairs up to
    /// 1,000 of them). Default true: bond lengths and contacts are what a raw-coordinate critic resolves worst.
    public var criticDistances: Bool
    /// Weight w of the generator's distance-moment term (`DistanceMomentMatch`): batch means and
    /// standard deviations of the critic's distances matched to the real batch in units of each
    /// distance's training fluctuation. nil → `defaultDistanceMomentWeight`; 0 turns it off
    /// (a plain cWGAN-GP).
    public var distanceMomentWeight: Float?
    /// How strongly training frames are drawn towards rare latent regions (`LatentBalancedSampler`):
    /// 0 draws them as often as the data hold them, 1 makes every occupied latent bin equally
    /// likely. nil → `defaultLatentBalance`. The conditional p(x | ψ) being learned is the same
    /// either way; only the attention the critic pays to rare ψ changes.
    public var latentBalance: Float?
    public static let defaultLatentBalance: Float = 1
    /// The generators' output activation. tanh bounds the output to the scaled range but nearly
    /// saturates at the largest coordinates (the most extended structures): at 1/1.05 its slope is
    /// 0.09. nil → `defaultOutputActivation`.
    public var outputActivation: Activation?
    public static let defaultOutputActivation = Activation.tanh
    /// Standard deviation of the generator's noise in decoding, once trained on N(0, I) noise.
    /// nil → chosen per model on its training data after training (`NoiseScaleChoice`: the
    /// candidate whose decoded conditional distributions of pair distances score best against the
    /// training frames, without more mirror images or clashes than at 1); a value fixes it, and 1
    /// decodes as trained.
    public var decodingNoiseScale: Float?
    /// The scale used where none was chosen or given (bundles written before the option existed).
    public static let defaultDecodingNoiseScale: Float = 1
    public static let maximumDecodingNoiseScale: Float = 4
    /// Whether decoded bond lengths are given MD's mean and spread after training
    /// (`BondLengthCalibration`; needs a topology). nil → true.
    public var calibrateBonds: Bool?
    /// Hidden activation of both networks. ELU: smooth enough for the second derivatives of the
    /// gradient penalty, and cheap in the generator's inference loop.
    public var activation: Activation
    /// Measured on alanine dipeptide (heavy atoms, bench/lss/README.md): w = 0.01 narrows the decoded
    /// bond spread from 3-6x MD's to 2-3x and keeps the worst bond mean within 4 MD standard
    /// deviations (18 without it); w ≥ 0.1 on the stiff pairs costs the αR basin.
    public static let defaultDistanceMomentWeight: Float = 0.01
    /// Critic updates per generator update (n_critic).
    public var criticSteps: Int
    /// Weight λ of the gradient penalty λ (‖∇ₓ̂ D(x̂, ψ)‖ − 1)².
    public var penaltyWeight: Float
    /// Passes of the critic over the training frames; nil → `defaultEpochs(frames:)`.
    public var epochs: Int?
    /// Frames per critic mini-batch; nil → `DataRegime.batchSize`, at most 256 (GANs want many
    /// small steps more than exact gradients).
    public var batchSize: Int?
    /// Adam's step size for both networks.
    public var learningRate: Float
    /// The critic's step size when it should differ from the generator's (two time-scale update
    /// rule, Heusel et al. 2017); nil → `learningRate`.
    public var criticLearningRate: Float?
    /// Adam's β₁ (0 in WGAN-GP: momentum destabilizes the adversarial game) and β₂.
    public var beta1: Float
    public var beta2: Float
    /// Restarts with a fresh seed and a tenfold lower learning rate after a divergence, before
    /// `LatentSimulatorError(.diverged)` is thrown.
    public var maximumRestarts: Int
    /// Generators trained independently (own seeds, side by side on the cores) and mixed in
    /// decoding, frame by frame (`CoordinateDecoder`). One GAN run's errors in the decoded
    /// distribution persist across its epochs but differ from run to run (bench/lss/README.md),
    /// so a mixture of runs averages them. nil → `defaultMembers`.
    public var members: Int?
    /// Measured on alanine dipeptide in vacuum (bench/lss/README.md, two seeds): F(φ, ψ) of decoded
    /// structures 0.37 and 0.55 kT with two members against 0.47 and 0.65 kT with one, in about
    /// the same wall time on two cores.
    public static let defaultMembers = 2
    /// Frames generated to evaluate structure (bonds, clashes, chirality) during and after training.
    public var structureSampleSize: Int
    public var seed: UInt64

    public init(seed: UInt64 = 0) {
        noiseDimension = 32
        generatorHidden = nil
        criticHidden = nil
        activation = .elu
        criticDistances = true
        distanceMomentWeight = nil
        latentBalance = nil
        outputActivation = nil
        decodingNoiseScale = nil
        calibrateBonds = nil
        members = nil
        criticSteps = 5
        penaltyWeight = 10
        epochs = nil
        batchSize = nil
        learningRate = 1e-4
        criticLearningRate = nil
        beta1 = 0
        beta2 = 0.9
        maximumRestarts = 3
        structureSampleSize = 2000
        self.seed = seed
    }

    /// Hidden width when none is given: the data regime's width (32 to 100), widened to the number
    /// of output coordinates (3a) for large molecules, at most 512.
    public static func defaultWidth(frames: Int, atoms: Int) -> Int {
        min(512, max(DataRegime(pairs: frames).width, 3 * atoms))
    }

    /// Frame presentations the decoder gets by default. Measured on alanine dipeptide (bench/lss/
    /// README.md): the data regime's epochs (100 at 100,000 frames) left F(φ, ψ) of decoded
    /// structures at 0.73 kT; 250 epochs brought it to 0.56 kT, 500 to 0.47 kT (the generator of
    /// the last epoch scoring best every time). A GAN needs steps, not passes over the data.
    public static let defaultFramePresentations = 50_000_000
    public static let maximumDefaultEpochs = 2_000

    /// Epochs when none are given: enough for `defaultFramePresentations` (at most
    /// `maximumDefaultEpochs`), never fewer than the data regime's.
    public static func defaultEpochs(frames: Int) -> Int {
        let budget = (defaultFramePresentations + max(frames, 1) - 1) / max(frames, 1)
        return max(DataRegime(pairs: frames).epochs, min(maximumDefaultEpochs, budget))
    }

    /// The settings with every nil filled in for `frames` training frames of `atoms` atoms.
    public func resolved(frames: Int, atoms: Int) -> DecoderSettings {
        var s = self
        let regime = DataRegime(pairs: frames)
        let width = DecoderSettings.defaultWidth(frames: frames, atoms: atoms)
        s.generatorHidden = generatorHidden ?? [width, width, width]
        s.criticHidden = criticHidden ?? [width, width, width]
        s.epochs = epochs ?? DecoderSettings.defaultEpochs(frames: frames)
        s.distanceMomentWeight = distanceMomentWeight ?? DecoderSettings.defaultDistanceMomentWeight
        s.latentBalance = latentBalance ?? DecoderSettings.defaultLatentBalance
        s.outputActivation = outputActivation ?? DecoderSettings.defaultOutputActivation
        s.calibrateBonds = calibrateBonds ?? true
        s.members = members ?? DecoderSettings.defaultMembers
        s.batchSize = min(batchSize ?? min(256, regime.batchSize), max(frames, 2))
        return s
    }

    /// Throws `.invalidSetting` naming the first setting out of its range.
    func validate() throws {
        func fail(_ text: String) -> LatentSimulatorError { LatentSimulatorError(.invalidSetting, "decoder: " + text) }
        guard noiseDimension >= 1 else { throw fail("noiseDimension is \(noiseDimension); use at least 1") }
        guard criticSteps >= 1 else { throw fail("criticSteps is \(criticSteps); use at least 1 (5 is the WGAN-GP default)") }
        guard penaltyWeight >= 0, penaltyWeight.isFinite else {
            throw fail("penaltyWeight is \(penaltyWeight); use a finite value ≥ 0 (10 is the WGAN-GP default)")
        }
        if let w = distanceMomentWeight, !(w >= 0 && w.isFinite) {
            throw fail("distanceMomentWeight is \(w); use a finite value ≥ 0 (0 turns the term off) or leave it unset")
        }
        if let b = latentBalance, !(0...1).contains(b) {
            throw fail("latentBalance is \(b); use a value in [0, 1] (0: frames as the data hold them) or leave it unset")
        }
        if let scale = decodingNoiseScale, !(scale > 0 && scale <= DecoderSettings.maximumDecodingNoiseScale) {
            throw fail("decodingNoiseScale is \(scale); use a value in (0, \(DecoderSettings.maximumDecodingNoiseScale)] "
                       + "(1 decodes as trained) or leave it unset")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw fail("learningRate is \(learningRate); use a positive finite value (1e-4 is the default)")
        }
        if let criticLearningRate, !(criticLearningRate > 0 && criticLearningRate.isFinite) {
            throw fail("criticLearningRate is \(criticLearningRate); use a positive finite value or leave it unset")
        }
        guard (0..<1).contains(beta1), (0..<1).contains(beta2) else { throw fail("beta1 and beta2 must lie in [0, 1)") }
        guard maximumRestarts >= 0 else { throw fail("maximumRestarts is \(maximumRestarts); use 0 or more") }
        if let epochs, epochs < 1 { throw fail("epochs is \(epochs); use at least 1 or leave it unset") }
        if let batchSize, batchSize < 2 { throw fail("batchSize is \(batchSize); use at least 2 or leave it unset") }
        for (name, widths) in [("generatorHidden", generatorHidden), ("criticHidden", criticHidden)] {
            if let widths, widths.contains(where: { $0 < 1 }) {
                throw fail("\(name) \(widths) holds a width below 1; give positive widths or leave it unset")
            }
        }
        if let g = members, !(1...CoordinateDecoder.Configuration.maximumGenerators).contains(g) {
            throw fail("members is \(g); use 1 to \(CoordinateDecoder.Configuration.maximumGenerators) or leave it unset")
        }
        guard structureSampleSize >= 1 else { throw fail("structureSampleSize must be at least 1") }
    }
}
