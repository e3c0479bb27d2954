import NeuralNet

extension FeatureSource {
    /// Time-lagged covariances of every input, streamed chunk by chunk (memory bounded by the chunk,
    /// whatever the length of the data), with per-frame weights from `reweighting` when given.
    public func timeLaggedCovariances(lag: Int, stride: Int = 1, reweighting: KoopmanWeights? = nil,
                                      chunkFrames: Int = 1000) throws -> TimeLaggedCovariances {
        let accumulator = try TimeLaggedCovarianceAccumulator(features: featureCount, lag: lag, stride: stride)
        var current = -1
        try forEachChunk(chunkFrames: chunkFrames) { trajectory, chunk in
            if trajectory != current {
                if current >= 0 { accumulator.endTrajectory() }
                accumulator.beginTrajectory()
                current = trajectory
            }
            try accumulator.add(chunk, weights: reweighting.map { try $0.weights(for: chunk) })
        }
        if current >= 0 { accumulator.endTrajectory() }
        return try accumulator.covariances()
    }

    /// Koopman-reweighted covariances (Wu et al. 2017): a first pass estimates the weight function
    /// from unweighted covariances, a second accumulates with the weights. For data from many short
    /// trajectories that did not start in equilibrium, as adaptive sampling produces (DESIGN.md §4).
    public func reweightedCovariances(lag: Int, stride: Int = 1, epsilon: Double = 1e-6,
                                      chunkFrames: Int = 1000) throws -> (TimeLaggedCovariances, KoopmanWeights) {
        let raw = try timeLaggedCovariances(lag: lag, stride: stride, chunkFrames: chunkFrames)
        let weights = try KoopmanReweighting.estimate(raw, epsilon: epsilon)
        return (try timeLaggedCovariances(lag: lag, stride: stride, reweighting: weights, chunkFrames: chunkFrames), weights)
    }
}
