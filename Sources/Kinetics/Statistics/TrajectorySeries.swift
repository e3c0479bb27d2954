import NeuralNet

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
