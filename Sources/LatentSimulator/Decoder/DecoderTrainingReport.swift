/// What decoder training measured, per epoch and at the end.
public struct DecoderTrainingReport: Sendable, Codable {
    /// Per epoch, the critic's Wasserstein estimate E[D(real)] − E[D(fake)] averaged over its
    /// steps. It rises while the critic learns to tell the early generator's output from data and
    /// falls as the generator improves: the GAN's only loss that tracks sample quality.
    public var wasserstein: [Double]
    /// Per epoch, the mean critic loss (−Wasserstein + penalty).
    public var criticLoss: [Double]
    /// Per epoch, the mean ‖∇ₓ̂ D(x̂)‖ on interpolates (the penalty's target is 1).
    public var gradientNorm: [Double]
    public var epochs: Int
    /// Restarts after a divergence (0 when the first attempt succeeded).
    public var restarts: Int
    /// The learning rate of the attempt that succeeded.
    public var learningRate: Float
    /// Bonds, clashes and chirality of frames generated for the training latents after training
    /// (nil when no `StructureCheck` was given).
    public var structure: StructureReport?
    /// The same frames before the bond calibration, when one was fitted: what the GAN alone
    /// produced (`BondLengthCalibration`).
    public var uncalibratedStructure: StructureReport?
    /// With a `StructureCheck`: the epoch (0-based) whose generator was kept, the best-scoring of
    /// the structure evaluations in the second half of training (bond RMS deviation + 0.1 nm ×
    /// (clash fraction + mirror fraction)); nil without one (the last epoch's generator is kept).
    public var selectedEpoch: Int?
    /// With several members (`DecoderSettings.members`), each member's kept epoch, in member order;
    /// the per-epoch curves, `selectedEpoch` and `learningRate` above are the first member's.
    public var memberSelectedEpochs: [Int]?
    /// With no `DecoderSettings.decodingNoiseScale` given: every candidate scale's score on the
    /// training data and the one chosen (`NoiseScaleChoice`); nil when the scale was given.
    public var noiseScaleChoice: NoiseScaleChoice?
    /// The settings with every default filled in (`decodingNoiseScale` stays nil when the scale was
    /// chosen per model: see `noiseScaleChoice`).
    public var settings: DecoderSettings

    public init(wasserstein: [Double], criticLoss: [Double], gradientNorm: [Double], epochs: Int, restarts: Int,
                learningRate: Float, structure: StructureReport?, settings: DecoderSettings,
                selectedEpoch: Int? = nil, uncalibratedStructure: StructureReport? = nil,
                memberSelectedEpochs: [Int]? = nil, noiseScaleChoice: NoiseScaleChoice? = nil) {
        self.wasserstein = wasserstein
        self.criticLoss = criticLoss
        self.gradientNorm = gradientNorm
        self.epochs = epochs
        self.restarts = restarts
        self.learningRate = learningRate
        self.structure = structure
        self.settings = settings
        self.selectedEpoch = selectedEpoch
        self.uncalibratedStructure = uncalibratedStructure
        self.memberSelectedEpochs = memberSelectedEpochs
        self.noiseScaleChoice = noiseScaleChoice
    }
}
