import Foundation
import NeuralNet

/// Torsion features come as (cos θ, sin θ) pairs so that networks and covariances see no jump at
/// ±180°. Free-energy surfaces are read in the angles themselves (φ/ψ on 36 × 36 bins over
/// [-180°, 180°), DESIGN.md §9): this folds each pair back into θ = atan2(sin, cos) in degrees.
public enum AngleCoordinates {
    /// Replaces every adjacent pair of columns labelled "<name> cos", "<name> sin" by one column
    /// "<name>" in degrees in [-180, 180); other columns pass through. Returns the new labels, which
    /// of them are angles, and the data.
    public static func fold(labels: [String], trajectories: [DoubleMatrix])
        -> (labels: [String], isAngle: [Bool], trajectories: [DoubleMatrix]) {
        var plan: [(label: String, columns: [Int])] = []
        var column = 0
        while column < labels.count {
            if column + 1 < labels.count, labels[column].hasSuffix(" cos"), labels[column + 1].hasSuffix(" sin"),
               labels[column].dropLast(4) == labels[column + 1].dropLast(4) {
                plan.append((String(labels[column].dropLast(4)), [column, column + 1]))
                column += 2
            } else {
                plan.append((labels[column], [column]))
                column += 1
            }
        }
        let folded = trajectories.map { trajectory in
            var out = DoubleMatrix(rows: trajectory.rows, cols: plan.count)
            for row in 0..<trajectory.rows {
                for (k, item) in plan.enumerated() {
                    if item.columns.count == 2 {
                        var degrees = atan2(trajectory[row, item.columns[1]], trajectory[row, item.columns[0]]) * 180 / .pi
                        if degrees >= 180 { degrees -= 360 }
                        out[row, k] = degrees
                    } else {
                        out[row, k] = trajectory[row, item.columns[0]]
                    }
                }
            }
            return out
        }
        return (plan.map(\.label), plan.map { $0.columns.count == 2 }, folded)
    }
}
