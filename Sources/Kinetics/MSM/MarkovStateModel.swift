import Foundation
import NeuralNet

/// A Markov state model: a transition matrix at one lag on the states of the largest strongly
/// connected set of a count matrix, with its stationary distribution.
///
/// States are named by their labels in the discrete trajectories (`activeStates`); every method that
/// takes states takes labels and throws when a label is outside the active set. Times (lag, time
/// scales, first-passage times) are in frames of the discrete trajectories.
public struct MarkovStateModel: Codable, Sendable, Equatable {
    /// The lag τ in frames.
    public let lag: Int
    public let reversible: Bool
    /// The labels of the model's states (the largest strongly connected set), ascending.
    public let activeStates: [Int]
    /// The number of states of the discrete trajectories' numbering.
    public let fullStateCount: Int
    /// The counts among the active states, active × active.
    public let countMatrix: DoubleMatrix
    /// The row-stochastic transition matrix, active × active.
    public let transitionMatrix: DoubleMatrix
    /// π with π T = π and Σ π = 1.
    public let stationaryDistribution: [Double]
    /// The fraction of all counted transitions that lie inside the active set.
    public let activeCountFraction: Double
    /// Iterations of the reversible estimate (0 for the non-reversible one).
    public let iterations: Int
    /// Whether the reversible iteration met its tolerance.
    public let converged: Bool

    /// Counts the transitions of `trajectories` at `lag` frames and estimates the MSM.
    public static func estimate(_ trajectories: [[Int]], lag: Int, stateCount: Int? = nil,
                                options: MSMOptions = MSMOptions()) throws -> MarkovStateModel {
        try MarkovStateModel(counts: TransitionCounts(trajectories, lag: lag, stateCount: stateCount), options: options)
    }

    /// Estimates the MSM from counts: restricts them to their largest strongly connected set (as
    /// deeptime does by default) and computes the maximum-likelihood transition matrix.
    public init(counts: TransitionCounts, options: MSMOptions = MSMOptions()) throws {
        guard options.tolerance > 0, options.tolerance.isFinite, options.maxIterations >= 1 else {
            throw KineticsError(.invalidArgument, "MSM: the tolerance must be positive and maxIterations ≥ 1 "
                                    + "(got \(options.tolerance) and \(options.maxIterations))")
        }
        let total = counts.total
        guard total > 0 else {
            throw KineticsError(.insufficientData, "MSM: no transitions were counted at lag \(counts.lag) frames")
        }
        let sets = counts.connectedSets(directed: true)
        let largest = sets.first ?? []
        guard largest.count >= 2 else {
            throw KineticsError(.disconnected,
                                "MSM: no two states are connected by transitions in both directions at lag \(counts.lag) frames; "
                                    + "use fewer states, a shorter lag or more data")
        }
        if options.requireConnected {
            let visited = (0..<counts.stateCount).filter { i in
                (0..<counts.stateCount).contains { counts.matrix[i, $0] > 0 || counts.matrix[$0, i] > 0 }
            }
            guard visited.count == largest.count else {
                throw KineticsError(.disconnected,
                                    "MSM: the \(visited.count) visited states are not all strongly connected at lag \(counts.lag) "
                                        + "frames (the largest connected set has \(largest.count)); merge states, use a shorter lag, "
                                        + "or allow restriction to the largest set")
            }
        }
        let active = counts.restricted(to: largest)
        let result = options.reversible
            ? try TransitionMatrixEstimation.reversible(active.matrix, tolerance: options.tolerance,
                                                         maxIterations: options.maxIterations)
            : try TransitionMatrixEstimation.nonReversible(active.matrix)
        lag = counts.lag
        reversible = options.reversible
        activeStates = active.states
        fullStateCount = counts.stateCount
        countMatrix = active.matrix
        transitionMatrix = result.transitionMatrix
        stationaryDistribution = result.stationaryDistribution
        activeCountFraction = active.total / total
        iterations = result.iterations
        converged = result.converged
    }

    public var stateCount: Int { activeStates.count }

    /// The stationary distribution over all `fullStateCount` states, 0 outside the active set.
    public var fullStationaryDistribution: [Double] {
        var full = [Double](repeating: 0, count: fullStateCount)
        for (position, state) in activeStates.enumerated() { full[state] = stationaryDistribution[position] }
        return full
    }

    /// The row position of a state label in the model's matrices, or nil outside the active set.
    public func position(ofState label: Int) -> Int? {
        var low = 0, high = activeStates.count
        while low < high {
            let middle = (low + high) / 2
            if activeStates[middle] < label { low = middle + 1 } else { high = middle }
        }
        return low < activeStates.count && activeStates[low] == label ? low : nil
    }

    /// The positions of a non-empty set of state labels; `role` names the set in errors.
    func positions(of labels: [Int], role: String) throws -> [Int] {
        guard !labels.isEmpty else { throw KineticsError(.emptySelection, "\(role) contains no states") }
        return try labels.map { label in
            guard let position = position(ofState: label) else {
                throw KineticsError(.disconnected,
                                    "\(role): state \(label) is not in the MSM's connected set "
                                        + "(it was not visited, or not in both directions, at lag \(lag) frames)")
            }
            return position
        }
    }

    // MARK: Codable

    private enum CodingKeys: String, CodingKey {
        case lag, reversible, activeStates, fullStateCount, countMatrix, transitionMatrix, stationaryDistribution
        case activeCountFraction, iterations, converged
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lag = try c.decode(Int.self, forKey: .lag)
        reversible = try c.decode(Bool.self, forKey: .reversible)
        activeStates = try c.decode([Int].self, forKey: .activeStates)
        fullStateCount = try c.decode(Int.self, forKey: .fullStateCount)
        let n = activeStates.count
        func square(_ key: CodingKeys) throws -> DoubleMatrix {
            let values = try c.decode([Double].self, forKey: key)
            guard values.count == n * n else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                       debugDescription: "expected \(n)×\(n) values, got \(values.count)")
            }
            return DoubleMatrix(rows: n, cols: n, values: values)
        }
        countMatrix = try square(.countMatrix)
        transitionMatrix = try square(.transitionMatrix)
        stationaryDistribution = try c.decode([Double].self, forKey: .stationaryDistribution)
        guard stationaryDistribution.count == n else {
            throw DecodingError.dataCorruptedError(forKey: .stationaryDistribution, in: c,
                                                   debugDescription: "expected \(n) values")
        }
        activeCountFraction = try c.decode(Double.self, forKey: .activeCountFraction)
        iterations = try c.decode(Int.self, forKey: .iterations)
        converged = try c.decode(Bool.self, forKey: .converged)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lag, forKey: .lag)
        try c.encode(reversible, forKey: .reversible)
        try c.encode(activeStates, forKey: .activeStates)
        try c.encode(fullStateCount, forKey: .fullStateCount)
        try c.encode(countMatrix.values, forKey: .countMatrix)
        try c.encode(transitionMatrix.values, forKey: .transitionMatrix)
        try c.encode(stationaryDistribution, forKey: .stationaryDistribution)
        try c.encode(activeCountFraction, forKey: .activeCountFraction)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(converged, forKey: .converged)
    }
}
