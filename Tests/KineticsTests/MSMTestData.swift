import Foundation
import Kinetics
import NeuralNet
import TestSupport

/// Test data for the MSM tests: Markov chains with a known transition matrix.
enum MSMTestData {
    /// A metastable 12-state chain: three blocks of four states, fast inside a block, slow between
    /// blocks, with detailed balance (symmetric flows over stationary weights), so its exact
    /// stationary distribution and time scales are known.
    static func metastableChain() -> DoubleMatrix {
        let n = 12
        var flows = DoubleMatrix(rows: n, cols: n)
        var generator = SplitMix64(seed: 7)
        for i in 0..<n {
            for j in i..<n {
                let sameBlock = i / 4 == j / 4
                let adjacentBlock = abs(i / 4 - j / 4) == 1
                let base = i == j ? 2.0 : (sameBlock ? 1.0 : (adjacentBlock && (i % 4 == 3 || j % 4 == 0) ? 0.02 : 0))
                let value = base * (0.5 + generator.uniform())
                flows[i, j] = value
                flows[j, i] = value
            }
        }
        var t = flows
        for i in 0..<n {
            let rowSum = (0..<n).reduce(0) { $0 + flows[i, $1] }
            for j in 0..<n { t[i, j] = flows[i, j] / rowSum }
        }
        return t
    }

    /// Trajectories of a Markov chain with transition matrix `t`.
    static func sample(_ t: DoubleMatrix, lengths: [Int], seed: UInt64, labels: [Int]? = nil) -> [[Int]] {
        var generator = SplitMix64(seed: seed)
        let n = t.rows
        return lengths.map { length in
            var state = generator.below(n)
            var trajectory = [Int]()
            trajectory.reserveCapacity(length)
            for _ in 0..<length {
                trajectory.append(labels?[state] ?? state)
                let u = generator.uniform()
                var cumulative = 0.0, next = n - 1
                for j in 0..<n {
                    cumulative += t[state, j]
                    if u < cumulative { next = j; break }
                }
                state = next
            }
            return trajectory
        }
    }

    /// Writes discrete trajectories as JSON for a Python reference script.
    static func write(_ trajectories: [[Int]], lag: Int, to path: String, extra: [String: [[Int]]] = [:]) throws {
        var object: [String: Any] = ["dtrajs": trajectories, "lag": lag]
        for (key, value) in extra { object[key] = value }
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    }
}
