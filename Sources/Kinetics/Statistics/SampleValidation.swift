import NeuralNet

/// Checks shared by every statistic in this folder, so that each refuses bad input with the same
/// words: no trajectories, no frames, NaN or infinite samples, weights of the wrong shape or sign.
enum SampleValidation {
    /// Throws unless `trajectories` holds at least one frame and every value is finite.
    static func checkSamples(_ trajectories: [[Double]], name: String) throws {
        guard !trajectories.isEmpty else {
            throw KineticsError(.emptySelection, "\(name): no trajectories were given; pass at least one trajectory")
        }
        guard trajectories.contains(where: { !$0.isEmpty }) else {
            throw KineticsError(.insufficientData, "\(name): every trajectory is empty; pass trajectories with frames")
        }
        for (t, values) in trajectories.enumerated() {
            if let frame = values.firstIndex(where: { !$0.isFinite }) {
                throw KineticsError(.invalidArgument,
                                    "\(name): trajectory \(t) frame \(frame) is \(values[frame]); "
                                        + "remove or repair non-finite samples before the analysis")
            }
        }
    }

    /// Throws unless `weights` (when given) has the shape of `trajectories` and holds finite,
    /// non-negative numbers with a positive sum.
    static func checkWeights(_ weights: [[Double]]?, matching trajectories: [[Double]], name: String) throws {
        guard let weights else { return }
        guard weights.count == trajectories.count else {
            throw KineticsError(.mismatch, "\(name): \(weights.count) weight trajectories for "
                                    + "\(trajectories.count) data trajectories; give one weight per frame")
        }
        var total = 0.0
        for t in weights.indices {
            guard weights[t].count == trajectories[t].count else {
                throw KineticsError(.mismatch, "\(name): trajectory \(t) has \(trajectories[t].count) frames but "
                                        + "\(weights[t].count) weights; give one weight per frame")
            }
            if let frame = weights[t].firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw KineticsError(.invalidArgument, "\(name): weight \(weights[t][frame]) at trajectory \(t) "
                                        + "frame \(frame); weights must be finite and non-negative")
            }
            total += weights[t].reduce(0, +)
        }
        guard total > 0 else {
            throw KineticsError(.insufficientData, "\(name): all weights are zero; nothing to estimate from")
        }
    }

    /// Throws unless the x and y trajectories of a 2-D analysis pair up frame by frame.
    static func checkPaired(_ x: [[Double]], _ y: [[Double]], name: String) throws {
        guard x.count == y.count else {
            throw KineticsError(.mismatch, "\(name): \(x.count) x trajectories but \(y.count) y trajectories; "
                                    + "give both coordinates for the same trajectories")
        }
        for t in x.indices where x[t].count != y[t].count {
            throw KineticsError(.mismatch, "\(name): trajectory \(t) has \(x[t].count) x values but "
                                    + "\(y[t].count) y values; both coordinates need one value per frame")
        }
    }
}

/// Turns feature matrices into the per-trajectory series that the statistics take.
public enum TrajectorySeries {
    /// Column `column` of every trajectory's frames × features matrix, one series per trajectory.
    public static func column(_ column: Int, of trajectories: [DoubleMatrix]) throws -> [[Double]] {
        for (t, matrix) in trajectories.enumerated() where column < 0 || column >= matrix.cols {
            throw KineticsError(.invalidArgument, "column \(column) does not exist in trajectory \(t), which has "
                                    + "\(matrix.cols) features; choose a column in 0..<\(matrix.cols)")
        }
        return trajectories.map { matrix in
            (0..<matrix.rows).map { matrix.values[$0 * matrix.cols + column] }
        }
    }
}
