import NeuralNet

/// Many trajectories of per-frame vectors (features or latent coordinates) in one Float32 matrix,
/// trajectory after trajectory, with the length of each: the form every network here trains on.
///
/// Frames of different trajectories are never paired: `LaggedPairs` and `SegmentSplit` work on
/// frame ranges that lie inside one trajectory.
public struct TrajectoryData: @unchecked Sendable {
    /// frames × dimension, all trajectories concatenated in order.
    public let values: Matrix
    /// Frames per trajectory, in order; they sum to `values.rows`.
    public let lengths: [Int]
    /// The first row of each trajectory in `values`.
    public let starts: [Int]

    /// Concatenates trajectories (each frames × dimension).
    ///
    /// - Throws: `.insufficientData` for no trajectories or an empty one, `.mismatch` when the
    ///   dimensions differ, `.numerical` for a non-finite value (named by trajectory and frame).
    public init(_ trajectories: [Matrix]) throws {
        guard let first = trajectories.first else {
            throw LatentSimulatorError(.insufficientData, "no trajectories were given")
        }
        let dimension = first.cols
        var total = 0
        for (i, t) in trajectories.enumerated() {
            guard t.cols == dimension else {
                throw LatentSimulatorError(.mismatch, "trajectory \(i) has \(t.cols) values per frame, "
                                           + "trajectory 0 has \(dimension): every trajectory needs the same features")
            }
            guard t.rows > 0 else { throw LatentSimulatorError(.insufficientData, "trajectory \(i) has no frames") }
            total += t.rows
        }
        let values = Matrix(rows: total, cols: dimension)
        var offset = 0
        for (i, t) in trajectories.enumerated() {
            for k in 0..<t.count where !t.pointer[k].isFinite {
                throw LatentSimulatorError(.numerical, "trajectory \(i) frame \(k / max(dimension, 1)) holds a "
                                           + "non-finite value; remove or repair that frame")
            }
            (values.pointer + offset * dimension).update(from: t.pointer, count: t.count)
            offset += t.rows
        }
        self.init(values: values, lengths: trajectories.map(\.rows))
    }

    /// Wraps an already concatenated matrix. `lengths` must sum to `values.rows`.
    public init(values: Matrix, lengths: [Int]) {
        precondition(lengths.reduce(0, +) == values.rows && lengths.allSatisfy { $0 > 0 },
                     "TrajectoryData: lengths must be positive and sum to the row count")
        self.values = values
        self.lengths = lengths
        var starts: [Int] = []
        var offset = 0
        for n in lengths { starts.append(offset); offset += n }
        self.starts = starts
    }

    public var frameCount: Int { values.rows }
    public var dimension: Int { values.cols }
    public var trajectoryCount: Int { lengths.count }

    /// The rows of trajectory `i` in `values`.
    public func range(ofTrajectory i: Int) -> Range<Int> { starts[i]..<(starts[i] + lengths[i]) }

    /// Every trajectory as one segment.
    public var segments: [Range<Int>] { (0..<trajectoryCount).map(range(ofTrajectory:)) }

    /// A copy of trajectory `i` (frames × dimension).
    public func trajectory(_ i: Int) -> Matrix { values.rows(range(ofTrajectory: i)) }

    /// The same trajectories with new per-frame values (e.g. encoded to latent coordinates), which
    /// must have the same number of rows.
    public func replacingValues(with newValues: Matrix) -> TrajectoryData {
        precondition(newValues.rows == values.rows, "replacingValues: row counts differ")
        return TrajectoryData(values: newValues, lengths: lengths)
    }
}

/// Row indices of time-lagged pairs (x_t, x_t+τ) inside segments: `from[k]` and `to[k] = from[k] + lag`
/// lie in the same segment, so a pair never spans two trajectories or two blocks of a split.
public struct LaggedPairs: Sendable, Equatable {
    public var from: [Int]
    public var to: [Int]
    public var count: Int { from.count }

    /// All pairs at `lag` frames inside each segment, taking every `stride`-th start frame.
    /// Segments may repeat (a bootstrap resample): their pairs then repeat too.
    public init(segments: [Range<Int>], lag: Int, stride: Int = 1) {
        precondition(lag >= 0 && stride >= 1, "LaggedPairs: lag must be ≥ 0 and stride ≥ 1")
        var from: [Int] = [], to: [Int] = []
        for s in segments where s.count > lag {
            var t = s.lowerBound
            while t + lag < s.upperBound {
                from.append(t)
                to.append(t + lag)
                t += stride
            }
        }
        self.from = from
        self.to = to
    }

    public init(from: [Int], to: [Int]) {
        precondition(from.count == to.count, "LaggedPairs: from and to differ in length")
        self.from = from
        self.to = to
    }

    /// The pairs of time-reversal augmentation: every (a, b) followed by (b, a). Only for
    /// equilibrium data (DESIGN.md §4): it forces a reversible, stationary estimate.
    public var withTimeReversal: LaggedPairs {
        LaggedPairs(from: from + to, to: to + from)
    }
}
