import Foundation

// Row-wise softmax and log-sum-exp, and covariance: built on the primitive operations, so their
// gradients (to any order) come from those.

extension Graph {
    /// log Σ_j exp(a_ij) for each row i, computed stably (the row maximum is factored out).
    /// Returns a rows × 1 column.
    public func logSumExp(_ a: Tensor) -> Tensor {
        let out = allocate(a.rows, 1)
        let x = a.value.pointer, n = a.cols
        for r in 0..<a.rows {
            let xr = x + r * n
            var top = -Float.infinity
            for j in 0..<n { top = max(top, xr[j]) }
            if !top.isFinite { out.pointer[r] = top; continue }
            var s: Float = 0
            for j in 0..<n { s += fastExp(xr[j] - top) }
            out.pointer[r] = top + Foundation.log(s)
        }
        var y: Tensor!
        y = result(out, inputs: [a]) { [unowned self] g, _ in
            // ∂/∂a_ij = softmax_ij, written as exp(a - lse) so it differentiates again.
            [self.multiply(g, self.exp(self.subtract(a, y)))]
        }
        return y
    }

    /// Row-wise softmax.
    public func softmax(_ a: Tensor) -> Tensor {
        exp(logSoftmax(a))
    }

    /// Row-wise log-softmax: a - logsumexp(a).
    public func logSoftmax(_ a: Tensor) -> Tensor {
        subtract(a, logSumExp(a))
    }

    /// Column means subtracted: each column of the result has mean zero.
    public func centered(_ a: Tensor) -> Tensor {
        subtract(a, mean(a, axis: 0))
    }

    /// The cross-covariance (x - x̄)ᵀ (y - ȳ) / (n - 1) of two n-row tensors (one sample per
    /// row); cols(x) × cols(y). With `removeMean: false` the data are used as they are.
    public func covariance(_ x: Tensor, _ y: Tensor, removeMean: Bool = true) -> Tensor {
        precondition(x.rows == y.rows, "covariance: \(x.rows) and \(y.rows) rows differ")
        precondition(x.rows > 1, "covariance needs at least two samples")
        let xc = removeMean ? centered(x) : x
        let yc = removeMean ? centered(y) : y
        return scale(matmul(xc, yc, transposeA: true), by: 1 / Float(x.rows - 1))
    }
}
