import Foundation

/// A small dense Levenberg-Marquardt least-squares solver (Marquardt, J. SIAM 11, 431 (1963)) for
/// models with a handful of parameters, such as the exponential fits of autocorrelation functions.
enum LevenbergMarquardt {
    struct Result {
        var parameters: [Double]
        var sumOfSquares: Double
        var iterations: Int
    }

    /// Minimizes Σ_i r_i(p)² from `start`. `residuals(p, r, J)` fills the residual vector r (m
    /// values) and the Jacobian J (m × p, row-major) at p. The damping follows Marquardt: the normal
    /// matrix's diagonal is scaled by (1 + λ); λ shrinks tenfold after a step that lowers the sum
    /// and grows tenfold after one that does not.
    static func minimize(start: [Double], residualCount m: Int, maxIterations: Int = 500,
                         residuals: ([Double], inout [Double], inout [Double]) -> Void) -> Result? {
        let n = start.count
        var p = start
        var r = [Double](repeating: 0, count: m), jacobian = [Double](repeating: 0, count: m * n)
        residuals(p, &r, &jacobian)
        var cost = r.reduce(0) { $0 + $1 * $1 }
        guard cost.isFinite else { return nil }
        var lambda = 1e-3
        var trialR = r, trialJ = jacobian
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            // Normal equations JᵀJ δ = −Jᵀr.
            var normal = [Double](repeating: 0, count: n * n), gradient = [Double](repeating: 0, count: n)
            for i in 0..<m {
                for a in 0..<n {
                    let ja = jacobian[i * n + a]
                    gradient[a] -= ja * r[i]
                    for b in 0..<n { normal[a * n + b] += ja * jacobian[i * n + b] }
                }
            }
            var improved = false
            while lambda < 1e16 {
                var damped = normal
                for a in 0..<n { damped[a * n + a] *= 1 + lambda }
                guard let step = solve(damped, gradient, n: n) else { lambda *= 10; continue }
                let trial = zip(p, step).map(+)
                residuals(trial, &trialR, &trialJ)
                let trialCost = trialR.reduce(0) { $0 + $1 * $1 }
                if trialCost.isFinite && trialCost <= cost {
                    let decrease = cost - trialCost
                    let stepSize = zip(step, trial).reduce(0.0) { max($0, abs($1.0) / max(abs($1.1), 1e-12)) }
                    p = trial
                    swap(&r, &trialR)
                    swap(&jacobian, &trialJ)
                    cost = trialCost
                    lambda = max(lambda / 10, 1e-12)
                    improved = true
                    if decrease <= 1e-14 * max(cost, 1e-300) || stepSize < 1e-12 {
                        return Result(parameters: p, sumOfSquares: cost, iterations: iterations)
                    }
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return Result(parameters: p, sumOfSquares: cost, iterations: iterations)
    }

    /// Solves A x = b (n × n, row-major) by Gaussian elimination with partial pivoting; nil when
    /// A is singular to working precision.
    static func solve(_ matrix: [Double], _ rhs: [Double], n: Int) -> [Double]? {
        var a = matrix, b = rhs
        for column in 0..<n {
            var pivot = column
            for row in column..<n where abs(a[row * n + column]) > abs(a[pivot * n + column]) { pivot = row }
            let scale = a.reduce(0) { max($0, abs($1)) }
            guard abs(a[pivot * n + column]) > 1e-300, abs(a[pivot * n + column]) > 1e-15 * scale else { return nil }
            if pivot != column {
                for k in 0..<n { a.swapAt(column * n + k, pivot * n + k) }
                b.swapAt(column, pivot)
            }
            for row in (column + 1)..<n {
                let factor = a[row * n + column] / a[column * n + column]
                for k in column..<n { a[row * n + k] -= factor * a[column * n + k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = b[row]
            for k in (row + 1)..<n { s -= a[row * n + k] * x[k] }
            x[row] = s / a[row * n + row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }
}
