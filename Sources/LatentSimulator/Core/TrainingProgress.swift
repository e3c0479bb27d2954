/// What a trainer reports after each epoch, so that `lss train` can print progress per network
/// and epoch, and a campaign can log it.
public struct TrainingProgress: Sendable {
    /// Which network: "srv", "mdn 3/5", "decoder".
    public var network: String
    /// Restart or ensemble member index, 0-based.
    public var attempt: Int
    public var epoch: Int
    public var epochs: Int
    /// The training objective of this epoch (loss to minimize: −VAMP-2, NLL, critic loss).
    public var trainingLoss: Double
    public var validationLoss: Double?
    /// Extra monitored values by name (e.g. "wasserstein", "bond-rmsd").
    public var monitors: [String: Double]

    public init(network: String, attempt: Int, epoch: Int, epochs: Int, trainingLoss: Double,
                validationLoss: Double? = nil, monitors: [String: Double] = [:]) {
        self.network = network
        self.attempt = attempt
        self.epoch = epoch
        self.epochs = epochs
        self.trainingLoss = trainingLoss
        self.validationLoss = validationLoss
        self.monitors = monitors
    }
}

/// Receives progress; the default discards it. Decoder members train side by side, so the handler
/// may be called from several threads at once (hence @Sendable): keep it to self-contained work
/// such as writing one line.
public typealias ProgressHandler = @Sendable (TrainingProgress) -> Void
