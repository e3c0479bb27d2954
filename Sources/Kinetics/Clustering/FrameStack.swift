import NeuralNet

/// Many trajectories of feature frames stacked into one row-major block, the form clustering works on.
///
/// k-means needs every frame for each Lloyd iteration, so the frames are gathered once; the
/// trajectory lengths are kept so that assignments can be split back per trajectory.
struct ClusteringFrames {
    let values: [Double]
    let frames: Int
    let dimensions: Int
    let lengths: [Int]

    /// Validates and stacks `trajectories`: at least one frame, one feature, equal feature counts,
    /// finite values. `role` names the input in error messages.
    init(_ trajectories: [DoubleMatrix], role: String) throws {
        guard let first = trajectories.first(where: { $0.rows > 0 }) else {
            throw KineticsError(.emptySelection, "\(role): no frames were given (every trajectory is empty)")
        }
        let dimensions = first.cols
        guard dimensions > 0 else {
            throw KineticsError(.invalidArgument, "\(role): frames have no features; select at least one feature")
        }
        for (index, trajectory) in trajectories.enumerated() where trajectory.rows > 0 && trajectory.cols != dimensions {
            throw KineticsError(.mismatch,
                                "\(role): trajectory \(index) has \(trajectory.cols) features but trajectory 0 has \(dimensions); "
                                    + "featurize every trajectory the same way")
        }
        var values = [Double]()
        values.reserveCapacity(trajectories.reduce(0) { $0 + $1.values.count })
        for (index, trajectory) in trajectories.enumerated() {
            guard trajectory.values.allSatisfy(\.isFinite) else {
                throw KineticsError(.numerical, "\(role): trajectory \(index) contains NaN or infinite feature values")
            }
            values.append(contentsOf: trajectory.values)
        }
        self.values = values
        self.dimensions = dimensions
        self.frames = values.count / dimensions
        self.lengths = trajectories.map(\.rows)
    }

    /// Splits per-frame labels back into one array per trajectory.
    func split(_ labels: [Int]) -> [[Int]] {
        var result = [[Int]]()
        result.reserveCapacity(lengths.count)
        var start = 0
        for length in lengths {
            result.append(Array(labels[start..<(start + length)]))
            start += length
        }
        return result
    }
}
