/// What an SRV training produced. Scores are VAMP-2 of all the network's outputs (1 + Σ λ², so
/// between 1 and 1 + output width).
public struct SRVTrainingReport: Sendable, Codable {
    /// VAMP-2 of the kept network on the whole training set (Float64, weighted when reweighted).
    public var trainingScore: Double
    /// The best validation VAMP-2 of the kept network (the training score when no validation set
    /// could be formed).
    public var validationScore: Double
    /// The validation VAMP-2 of every restart, in order; 0 marks a restart whose every attempt diverged.
    public var restartScores: [Double]
    /// Training attempts abandoned because they diverged (each was retried with a new seed and
    /// half the learning rate), over all restarts.
    public var divergedRestarts: Int
    /// Epochs the kept network was trained for (both passes with Koopman reweighting).
    public var epochs: Int
    /// The index of the kept restart.
    public var bestRestart: Int
    /// The learning rate of the kept attempt (lower than the setting after a divergence).
    public var learningRate: Float
    /// The full spectrum of the final basis, descending.
    public var spectrum: [Double]
    public var trainingPairs: Int
    public var validationPairs: Int
    public var koopmanReweighted: Bool
    public var architecture: SRVArchitecture
}

/// The cross-validated VAMP-2 of the top-`dimension` SRV coordinates at one lag.
public struct SRVLagScore: Sendable, Codable, Equatable {
    public var lag: Int
    public var dimension: Int
    /// The mean over folds of the held-out VAMP-2 (1 + Σ of the first `dimension` squared singular values).
    public var mean: Double
    /// The standard error of that mean over folds (sample standard deviation / √folds).
    public var standardError: Double
    /// The per-fold scores.
    public var foldScores: [Double]

    public init(lag: Int, dimension: Int, mean: Double, standardError: Double, foldScores: [Double]) {
        self.lag = lag
        self.dimension = dimension
        self.mean = mean
        self.standardError = standardError
        self.foldScores = foldScores
    }
}
