/// How `ModelValidation` compares an LSS with MD.
public struct ValidationSettings: Codable, Sendable, Equatable {
    /// Synthetic trajectories; at least one per ensemble member (trajectory k uses member k mod M),
    /// so per-member estimates give the model's error bars.
    public var trajectories: Int?
    /// MDN steps per synthetic trajectory; nil matches the total MD time.
    public var steps: Int?
    /// k-means states for implied time scales and the Chapman-Kolmogorov test.
    public var clusters: Int
    /// MSM lags as multiples of the MDN lag.
    public var lagMultiples: [Int]
    /// Slowest processes reported.
    public var processes: Int
    /// Metastable sets of the Chapman-Kolmogorov test.
    public var metastableSets: Int
    /// Decoded frames used for structural comparisons (a subsample of the synthetic frames).
    public var decodedFrames: Int
    /// Frames per window of the novelty metric (a window is this many consecutive latent points).
    public var noveltyWindow: Int
    public var seed: UInt64

    public init(seed: UInt64 = 1) {
        trajectories = nil
        steps = nil
        clusters = 50
        lagMultiples = [1, 2, 3, 5, 8]
        processes = 3
        metastableSets = 3
        decodedFrames = 20_000
        noveltyWindow = 10
        self.seed = seed
    }
}
