/// What a propagated state that leaves the scaled latent box [0, 1]^m becomes.
///
/// Never clipping: clipping would pile every escaping draw onto the edge, a point mass that no
/// trajectory of the real system has. Reflection folds the Gaussian tail back inside (the density
/// stays continuous at the edge); redrawing samples the same mixture again, up to 16 times, then
/// reflects (the conditional density renormalized to the box).
public enum BoundaryPolicy: String, Codable, Sendable {
    case reflect
    case redraw
}

/// Settings of one MDN propagator and its training. Every size left nil adapts to the amount of
/// data through `DataRegime` (the data-poor defaults of a first campaign round).
public struct MDNSettings: Codable, Sendable, Equatable {
    /// The propagation lag in frames of the latent trajectories.
    public var lag: Int
    /// Mixture components C (the LSS paper uses 24).
    public var components: Int
    /// Hidden layer widths (tanh); nil gives two layers of the `DataRegime` width (100 from 20,000
    /// pairs, the paper's 3→100→100→C(2m+1) network).
    public var hiddenLayers: [Int]?
    public var epochs: Int?
    public var batchSize: Int?
    /// Epochs without improvement of the validation NLL before training stops (best weights kept).
    public var patience: Int?
    /// Adam's initial learning rate; default 2·10⁻³ (decayed by `learningRateDecay` every epoch).
    public var learningRate: Float
    /// Multiplies the learning rate after every epoch; nil (the default) decays it to 5 % of the
    /// initial rate over the planned epochs, 0.05^(1/epochs) (0.94 for 50 epochs).
    public var learningRateDecay: Float?
    /// The share of the frames held out (whole trajectories or blocks) for early stopping; 0.2.
    public var validationFraction: Double
    public var boundary: BoundaryPolicy
    /// Train on every pair in both directions (time-reversal augmentation). Only for equilibrium
    /// data (DESIGN.md §4): it makes the transition statistics detailed-balanced, so the learned
    /// stationary density follows the data's histogram instead of the noisier ratios of forward
    /// and backward rates; wrong for adaptive data started away from equilibrium. Default false.
    public var timeReversal: Bool
    /// Restarts after a diverging run (fresh seed, learning rate × 0.1), before `.diverged` is thrown; 3.
    public var maximumRestarts: Int
    public var seed: UInt64

    public init(lag: Int, components: Int = 24, seed: UInt64 = 0) {
        self.lag = lag
        self.components = components
        self.hiddenLayers = nil
        self.epochs = nil
        self.batchSize = nil
        self.patience = nil
        self.learningRate = 2e-3
        self.learningRateDecay = nil
        self.validationFraction = 0.2
        self.boundary = .reflect
        self.timeReversal = false
        self.maximumRestarts = 3
        self.seed = seed
    }

    /// Refuses settings out of range, naming the setting.
    func validate() throws {
        func refuse(_ text: String) throws { throw LatentSimulatorError(.invalidSetting, "MDN settings: " + text) }
        if lag < 1 { try refuse("lag is \(lag) frames; it must be at least 1") }
        if components < 1 { try refuse("components is \(components); at least one mixture component is needed") }
        if let hiddenLayers, hiddenLayers.isEmpty || hiddenLayers.contains(where: { $0 < 1 }) {
            try refuse("hiddenLayers \(hiddenLayers) must list at least one positive width (or be nil)")
        }
        if let epochs, epochs < 1 { try refuse("epochs is \(epochs); it must be at least 1") }
        if let batchSize, batchSize < 2 { try refuse("batchSize is \(batchSize); it must be at least 2") }
        if let patience, patience < 1 { try refuse("patience is \(patience); it must be at least 1") }
        if !(learningRate > 0 && learningRate.isFinite) { try refuse("learningRate \(learningRate) must be positive") }
        if let decay = learningRateDecay, !(decay > 0 && decay <= 1) {
            try refuse("learningRateDecay \(decay) must be in (0, 1] (or nil)")
        }
        if !(validationFraction > 0 && validationFraction < 1) {
            try refuse("validationFraction \(validationFraction) must be in (0, 1): early stopping needs held-out data")
        }
        if maximumRestarts < 0 { try refuse("maximumRestarts \(maximumRestarts) must not be negative") }
    }
}
