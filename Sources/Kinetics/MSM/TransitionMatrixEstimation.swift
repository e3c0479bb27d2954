import Foundation
import NeuralNet

/// Settings of a maximum-likelihood MSM estimate.
public struct MSMOptions: Codable, Sendable, Equatable {
    /// Estimate a transition matrix with detailed balance (the default, as in deeptime). The
    /// non-reversible estimate is the row-normalized count matrix. Both are made on the largest
    /// strongly connected set (deeptime's non-reversible estimator takes weakly connected sets, which
    /// can hold states with no outgoing counts).
    public var reversible: Bool
    /// Convergence of the reversible iteration: the largest relative change of any stationary
    /// probability in one iteration, |x_i' − x_i| / ½(x_i' + x_i) (deeptime's `maxerr`, default 1e-8).
    public var tolerance: Double
    /// The most iterations of the reversible estimate (deeptime's default is 10⁶).
    public var maxIterations: Int
    /// Throw instead of restricting to the largest strongly connected set when the visited states do
    /// not form one connected set.
    public var requireConnected: Bool

    public init(reversible: Bool = true, tolerance: Double = 1e-8, maxIterations: Int = 1_000_000,
                requireConnected: Bool = false) {
        self.reversible = reversible
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.requireConnected = requireConnected
    }
}

/// Maximum-likelihood transition matrices from a strongly connected count matrix.
enum TransitionMatrixEstimation {
    struct Result {
        var transitionMatrix: DoubleMatrix
        var stationaryDistribution: [Double]
        var iterations: Int
        var converged: Bool
    }

    /// The reversible maximum-likelihood transition matrix by the self-consistent iteration of
    /// Bowman et al. (J. Chem. Phys. 131, 124101, 2009) and Prinz et al. (J. Chem. Phys. 134,
    /// 174105, 2011), as deeptime's dense estimator runs it.
    ///
    /// The unknowns are the symmetric "flows" X_ij = π_i T_ij. With c_i = Σ_j C_ij and
    /// x_i = Σ_j X_ij, the likelihood is stationary at X_ij = (C_ij + C_ji) / (c_i/x_i + c_j/x_j), so
    /// x is iterated through x_i ← Σ_j (C_ij + C_ji) / (c_i/x_i + c_j/x_j) (normalized to sum 1),
    /// starting from x_i ∝ Σ_j (C_ij + C_ji), until no x_i changes by more than `tolerance`
    /// relatively. Then T_ij = X_ij / Σ_k X_ik, whose stationary distribution is exactly the row sums
    /// of X. Only the non-zero entries of C + Cᵀ are visited, so one iteration costs O(non-zeros).
    static func reversible(_ counts: DoubleMatrix, tolerance: Double, maxIterations: Int) throws -> Result {
        let n = counts.rows
        var rowCounts = [Double](repeating: 0, count: n)
        var columns = [Int](), symmetric = [Double](), rowStart = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            for j in 0..<n {
                rowCounts[i] += counts.values[i * n + j]
                let s = counts.values[i * n + j] + counts.values[j * n + i]
                if s > 0 { columns.append(j); symmetric.append(s) }
            }
            rowStart[i + 1] = columns.count
        }
        for i in 0..<n where rowCounts[i] <= 0 {
            throw KineticsError(.disconnected, "state \(i) of the active set has no outgoing transitions; "
                                    + "restrict the count matrix to its largest strongly connected set")
        }
        var x = [Double](repeating: 0, count: n), next = [Double](repeating: 0, count: n)
        var ratio = [Double](repeating: 0, count: n)
        for i in 0..<n { x[i] = symmetric[rowStart[i]..<rowStart[i + 1]].reduce(0, +) }
        normalize(&x)
        var iterations = 0, converged = false
        while iterations < maxIterations {
            for i in 0..<n { ratio[i] = rowCounts[i] / x[i] }
            columns.withUnsafeBufferPointer { col in
                symmetric.withUnsafeBufferPointer { s in
                    ratio.withUnsafeBufferPointer { r in
                        rowStart.withUnsafeBufferPointer { start in
                            next.withUnsafeMutableBufferPointer { out in
                                for i in 0..<n {
                                    var sum = 0.0
                                    let ri = r[i]
                                    for e in start[i]..<start[i + 1] { sum += s[e] / (ri + r[col[e]]) }
                                    out[i] = sum
                                }
                            }
                        }
                    }
                }
            }
            normalize(&next)
            iterations += 1
            var change = 0.0
            for i in 0..<n {
                let mean = 0.5 * (x[i] + next[i])
                if mean > 0 { change = max(change, abs(x[i] - next[i]) / mean) }
            }
            swap(&x, &next)
            guard x.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw KineticsError(.numerical, "the reversible MSM iteration produced a zero or non-finite stationary "
                                        + "probability; the count matrix may be nearly disconnected")
            }
            if change <= tolerance { converged = true; break }
        }
        var t = [Double](repeating: 0, count: n * n), pi = [Double](repeating: 0, count: n)
        for i in 0..<n { ratio[i] = rowCounts[i] / x[i] }
        for i in 0..<n {
            var rowSum = 0.0
            for e in rowStart[i]..<rowStart[i + 1] {
                let value = symmetric[e] / (ratio[i] + ratio[columns[e]])
                t[i * n + columns[e]] = value
                rowSum += value
            }
            pi[i] = rowSum
            for e in rowStart[i]..<rowStart[i + 1] { t[i * n + columns[e]] /= rowSum }
        }
        normalize(&pi)
        return Result(transitionMatrix: DoubleMatrix(rows: n, cols: n, values: t), stationaryDistribution: pi,
                      iterations: iterations, converged: converged)
    }

    /// The non-reversible maximum-likelihood transition matrix T_ij = C_ij / Σ_k C_ik and its
    /// stationary distribution (the solution of πT = π, Σπ = 1, by a linear solve).
    static func nonReversible(_ counts: DoubleMatrix) throws -> Result {
        let n = counts.rows
        var t = counts.values
        for i in 0..<n {
            let rowSum = t[(i * n)..<(i * n + n)].reduce(0, +)
            guard rowSum > 0 else {
                throw KineticsError(.disconnected, "state \(i) of the active set has no outgoing transitions; "
                                        + "restrict the count matrix to its largest strongly connected set")
            }
            for j in 0..<n { t[i * n + j] /= rowSum }
        }
        let matrix = DoubleMatrix(rows: n, cols: n, values: t)
        return Result(transitionMatrix: matrix, stationaryDistribution: try stationaryDistribution(of: matrix),
                      iterations: 0, converged: true)
    }

    /// The stationary distribution of an irreducible transition matrix: (Tᵀ − I) π = 0 with the last
    /// equation replaced by Σ π = 1.
    static func stationaryDistribution(of t: DoubleMatrix) throws -> [Double] {
        let n = t.rows
        var a = DoubleMatrix(rows: n, cols: n)
        for i in 0..<n { for j in 0..<n { a[i, j] = t[j, i] - (i == j ? 1 : 0) } }
        for j in 0..<n { a[n - 1, j] = 1 }
        var b = DoubleMatrix(rows: n, cols: 1)
        b[n - 1, 0] = 1
        var pi = try MSMLinearAlgebra.solve(a, b, what: "the stationary distribution").values
        // Rounding can leave tiny negative entries on states with almost no weight.
        for i in 0..<n { pi[i] = max(pi[i], 0) }
        normalize(&pi)
        return pi
    }

    static func normalize(_ v: inout [Double]) {
        let total = v.reduce(0, +)
        for i in v.indices { v[i] /= total }
    }
}
