import NeuralNet

extension TimeLaggedCovariances {
    /// The covariances of trajectories held in memory (each frames × features), streamed through a
    /// `TimeLaggedCovarianceAccumulator`.
    ///
    /// - Parameters:
    ///   - weights: per-frame weights, one array per trajectory (e.g. `KoopmanWeights.weights(for:)`),
    ///     or nil for weight 1.
    /// - Throws: `.emptySelection` for no trajectories, `.mismatch` when feature counts or weight counts
    ///   disagree, `.insufficientData` when the lag is longer than every trajectory.
    public static func estimate(_ trajectories: [DoubleMatrix], lag: Int, stride: Int = 1,
                                weights: [[Double]]? = nil) throws -> TimeLaggedCovariances {
        guard let first = trajectories.first else {
            throw KineticsError(.emptySelection, "no trajectories were given to estimate covariances from")
        }
        if let weights, weights.count != trajectories.count {
            throw KineticsError(.mismatch, "\(weights.count) weight arrays for \(trajectories.count) trajectories; "
                                    + "give one array of frame weights per trajectory")
        }
        for (index, trajectory) in trajectories.enumerated() where trajectory.cols != first.cols {
            throw KineticsError(.mismatch, "trajectory \(index) has \(trajectory.cols) features but trajectory 0 has "
                                    + "\(first.cols); every trajectory needs the same features")
        }
        let accumulator = try TimeLaggedCovarianceAccumulator(features: first.cols, lag: lag, stride: stride)
        for (index, trajectory) in trajectories.enumerated() {
            try accumulator.add(trajectory: trajectory, weights: weights?[index])
        }
        return try accumulator.covariances()
    }
}
