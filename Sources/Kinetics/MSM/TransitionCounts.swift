import NeuralNet

/// Transition counts at one lag: C[i, j] = the number of times a trajectory is in state i at some
/// frame t and in state j at frame t + lag.
///
/// Counting uses every start frame t = 0 … n−1−lag of every trajectory ("sliding window", deeptime's
/// default count mode), and pairs are never formed across trajectories. The counts are not
/// statistically independent at lags above one frame, which matters for error estimates from the
/// counts themselves but not for the maximum-likelihood point estimate.
public struct TransitionCounts: Sendable, Equatable {
    /// The lag in frames.
    public let lag: Int
    /// The state label (in the numbering of the discrete trajectories) of each row and column.
    public let states: [Int]
    /// The count matrix, states × states.
    public let matrix: DoubleMatrix

    public init(lag: Int, states: [Int], matrix: DoubleMatrix) {
        precondition(matrix.rows == states.count && matrix.cols == states.count,
                     "TransitionCounts: a \(matrix.rows)×\(matrix.cols) matrix for \(states.count) states")
        self.lag = lag
        self.states = states
        self.matrix = matrix
    }

    /// Counts the transitions of `trajectories` at `lag` frames over the states 0 ..< `stateCount`
    /// (nil: one more than the largest label that occurs).
    public init(_ trajectories: [[Int]], lag: Int, stateCount: Int? = nil) throws {
        guard lag >= 1 else { throw KineticsError(.invalidArgument, "the MSM lag must be ≥ 1 frame, got \(lag)") }
        guard !trajectories.isEmpty, trajectories.contains(where: { !$0.isEmpty }) else {
            throw KineticsError(.emptySelection, "no discrete trajectories were given (or all are empty)")
        }
        var largest = -1
        for (index, trajectory) in trajectories.enumerated() {
            for state in trajectory {
                guard state >= 0 else {
                    throw KineticsError(.invalidArgument,
                                        "discrete trajectory \(index) contains the negative state \(state); states are 0, 1, 2, …")
                }
                largest = max(largest, state)
            }
        }
        let n = stateCount ?? (largest + 1)
        guard n > largest else {
            throw KineticsError(.mismatch, "the discrete trajectories contain state \(largest) but only \(n) states were declared")
        }
        let longest = trajectories.map(\.count).max() ?? 0
        guard longest > lag else {
            throw KineticsError(.insufficientData,
                                "the lag of \(lag) frames is not shorter than any trajectory (the longest has \(longest) frames); "
                                    + "choose a shorter lag or longer trajectories")
        }
        var counts = [Double](repeating: 0, count: n * n)
        counts.withUnsafeMutableBufferPointer { c in
            for trajectory in trajectories where trajectory.count > lag {
                trajectory.withUnsafeBufferPointer { s in
                    for t in 0..<(s.count - lag) { c[s[t] * n + s[t + lag]] += 1 }
                }
            }
        }
        self.init(lag: lag, states: Array(0..<n), matrix: DoubleMatrix(rows: n, cols: n, values: counts))
    }

    public var stateCount: Int { states.count }

    /// The total number of counted transitions.
    public var total: Double { matrix.values.reduce(0, +) }

    /// The sets of states connected through counts above `threshold` (row positions, each sorted),
    /// largest first (ties: the set with the smallest state first). Strongly connected (each state
    /// reachable from every other along counted transitions) when `directed`, else weakly connected.
    public func connectedSets(directed: Bool = true, threshold: Double = 0) -> [[Int]] {
        ConnectedComponents.sets(of: matrix, directed: directed, threshold: threshold)
    }

    /// The largest connected set (row positions, sorted).
    public func largestConnectedSet(directed: Bool = true, threshold: Double = 0) -> [Int] {
        connectedSets(directed: directed, threshold: threshold).first ?? []
    }

    /// The counts among the states at row positions `positions` only, with their labels kept.
    public func restricted(to positions: [Int]) -> TransitionCounts {
        let m = positions.count, n = stateCount
        var values = [Double](repeating: 0, count: m * m)
        for (a, i) in positions.enumerated() {
            precondition(i >= 0 && i < n, "TransitionCounts.restricted: position \(i) out of range")
            for (b, j) in positions.enumerated() { values[a * m + b] = matrix.values[i * n + j] }
        }
        return TransitionCounts(lag: lag, states: positions.map { states[$0] },
                                matrix: DoubleMatrix(rows: m, cols: m, values: values))
    }
}
