import NeuralNet

/// Settings of a state-free reversible VAMPnet (SRV; Chen, Sidky & Ferguson, J. Chem. Phys. 150,
/// 214114 (2019)). Sizes left nil adapt to the amount of data through `DataRegime`.
public struct SRVSettings: Codable, Sendable, Equatable {
    /// The lag τ in frames.
    public var lag: Int
    /// m, the number of latent coordinates ψ₁…ψ_m the encoder outputs (1 ≤ m ≤ output width).
    public var latentDimension: Int
    /// Basis functions the network outputs; nil → m + 2, so that the spectrum beyond m is visible
    /// and a gap after the m-th eigenvalue can be seen.
    public var outputWidth: Int?
    /// Widths of the tanh hidden layers; nil → two layers of the `DataRegime` width. `[]` makes the
    /// network one linear layer (the SRV then spans the same space as TICA of the features).
    public var hiddenLayers: [Int]?
    /// Batch normalization before every hidden activation.
    public var batchNorm: Bool
    /// `.reversible` (the SRV: symmetrized covariances) or `.nonReversible` (VAMP-2 of a general VAMPnet).
    public var variant: VAMPVariant
    /// The ridge ε of the loss (C0 + εI before its Cholesky factorization), and the relative
    /// eigenvalue cut-off of C0 when the final basis is solved.
    public var epsilon: Double
    /// Time-reversal augmentation: every pair (x_t, x_t+τ) is also used as (x_t+τ, x_t). Equilibrium data only.
    public var timeReversal: Bool
    /// Koopman-reweighted covariances (Wu et al., J. Chem. Phys. 146, 154104 (2017)) for data whose
    /// trajectories did not start in equilibrium (adaptive sampling). Excludes `timeReversal`.
    public var koopmanReweighting: Bool
    /// Independent trainings from different seeds; the one with the best validation VAMP-2 is kept.
    public var restarts: Int
    public var epochs: Int?
    public var batchSize: Int?
    /// Epochs without improvement of the validation VAMP-2 before training stops (best weights restored).
    public var patience: Int?
    /// Adam's learning rate. Default 3·10⁻³: VAMP-2 is computed on large batches, whose gradients
    /// are smooth; measured on the four-well test to converge within ~30 epochs without divergence.
    public var learningRate: Float
    /// The fraction of frames held out (whole trajectories or blocks) for early stopping and restarts.
    public var validationFraction: Double
    public var seed: UInt64
    /// How often a diverging training attempt is retried (new seed, half the learning rate) before the
    /// restart counts as failed.
    public var divergenceRetries: Int

    public init(lag: Int, latentDimension: Int, seed: UInt64 = 0) {
        self.lag = lag
        self.latentDimension = latentDimension
        self.seed = seed
        outputWidth = nil
        hiddenLayers = nil
        batchNorm = false
        variant = .reversible
        epsilon = 1e-6
        timeReversal = false
        koopmanReweighting = false
        restarts = 3
        epochs = nil
        batchSize = nil
        patience = nil
        learningRate = 3e-3
        validationFraction = 0.2
        divergenceRetries = 3
    }

    private enum CodingKeys: String, CodingKey {
        case lag, latentDimension, outputWidth, hiddenLayers, batchNorm, variant, epsilon, timeReversal,
             koopmanReweighting, restarts, epochs, batchSize, patience, learningRate, validationFraction, seed,
             divergenceRetries
    }

    /// Decodes settings in which only `lag` and `latentDimension` are required; every other member
    /// missing from the JSON takes its default, so settings files stay short and older ones load.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(lag: try c.decode(Int.self, forKey: .lag), latentDimension: try c.decode(Int.self, forKey: .latentDimension),
                  seed: try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0)
        outputWidth = try c.decodeIfPresent(Int.self, forKey: .outputWidth)
        hiddenLayers = try c.decodeIfPresent([Int].self, forKey: .hiddenLayers)
        batchNorm = try c.decodeIfPresent(Bool.self, forKey: .batchNorm) ?? batchNorm
        variant = try c.decodeIfPresent(VAMPVariant.self, forKey: .variant) ?? variant
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? epsilon
        timeReversal = try c.decodeIfPresent(Bool.self, forKey: .timeReversal) ?? timeReversal
        koopmanReweighting = try c.decodeIfPresent(Bool.self, forKey: .koopmanReweighting) ?? koopmanReweighting
        restarts = try c.decodeIfPresent(Int.self, forKey: .restarts) ?? restarts
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        patience = try c.decodeIfPresent(Int.self, forKey: .patience)
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? learningRate
        validationFraction = try c.decodeIfPresent(Double.self, forKey: .validationFraction) ?? validationFraction
        divergenceRetries = try c.decodeIfPresent(Int.self, forKey: .divergenceRetries) ?? divergenceRetries
    }

    /// The output width actually used.
    public var resolvedOutputWidth: Int { outputWidth ?? latentDimension + 2 }

    /// Checks every setting against its range; the message names the setting and what to do.
    public func validate() throws {
        func refuse(_ text: String) -> LatentSimulatorError { LatentSimulatorError(.invalidSetting, "SRV: " + text) }
        guard lag >= 1 else { throw refuse("the lag must be at least 1 frame, got \(lag)") }
        guard latentDimension >= 1 else { throw refuse("the latent dimension must be at least 1, got \(latentDimension)") }
        if let width = outputWidth, width < latentDimension {
            throw refuse("the output width \(width) is smaller than the latent dimension \(latentDimension); "
                         + "raise the output width or lower the latent dimension")
        }
        if let hidden = hiddenLayers, let bad = hidden.first(where: { $0 < 1 }) {
            throw refuse("hidden layer widths must be positive, got \(bad)")
        }
        guard epsilon.isFinite, epsilon > 0 else { throw refuse("epsilon must be a positive number, got \(epsilon)") }
        guard restarts >= 1 else { throw refuse("restarts must be at least 1, got \(restarts)") }
        guard divergenceRetries >= 0 else { throw refuse("divergenceRetries must not be negative") }
        for (name, value) in [("epochs", epochs), ("batch size", batchSize), ("patience", patience)] {
            if let value, value < 1 { throw refuse("\(name) must be at least 1, got \(value)") }
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw refuse("the learning rate must be a positive number, got \(learningRate)")
        }
        guard validationFraction >= 0, validationFraction < 1 else {
            throw refuse("the validation fraction must lie in [0, 1), got \(validationFraction)")
        }
        if timeReversal && koopmanReweighting {
            throw refuse("time-reversal augmentation assumes equilibrium data and Koopman reweighting assumes "
                         + "non-equilibrium data; choose one (reweighting for adaptive-sampling data)")
        }
    }
}

/// The settings with every nil filled in for a training set of a given size.
struct ResolvedSRVSettings {
    var base: SRVSettings
    var outputWidth: Int
    var hiddenLayers: [Int]
    var epochs: Int
    var batchSize: Int
    var patience: Int

    init(_ settings: SRVSettings, trainingPairs: Int) {
        let regime = DataRegime(pairs: trainingPairs)
        base = settings
        outputWidth = settings.resolvedOutputWidth
        hiddenLayers = settings.hiddenLayers ?? [regime.width, regime.width]
        epochs = settings.epochs ?? regime.epochs
        // VAMP-2 needs more rows than outputs in every batch.
        batchSize = max(settings.batchSize ?? regime.batchSize, 4 * outputWidth)
        patience = settings.patience ?? regime.patience
    }
}
