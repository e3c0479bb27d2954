/// Which VAMP-2 score to compute.
public enum VAMPVariant: String, Sendable, Codable {
    /// For the state-free reversible VAMPnet (SRV): symmetrized covariances, a joint mean,
    /// score 1 + tr[(L⁻¹ C1 L⁻ᵀ)²] with C0 + εI = L Lᵀ, which equals 1 + Σ λᵢ² over the
    /// generalized eigenvalues of C1 v = λ C0 v.
    case reversible
    /// The general VAMP-2 score 1 + ‖C00^-1/2 C01 C11^-1/2‖²_F (separate means), computed as
    /// ‖L0⁻¹ C01 L1⁻ᵀ‖²_F with Cholesky factors of the regularized C00 and C11.
    case nonReversible
}

/// Why a VAMP-2 score cannot be computed from the data given.
public enum VAMPError: Error, Equatable, CustomStringConvertible {
    /// Fewer time-lagged pairs than one more than the feature count: the covariances are singular.
    case tooFewPairs(pairs: Int, features: Int)

    public var description: String {
        switch self {
        case .tooFewPairs(let pairs, let features):
            return "VAMP-2 needs more time-lagged pairs than features: got \(pairs) pairs of \(features) features; "
                + "use larger batches or longer trajectories"
        }
    }
}

extension Graph {
    /// The VAMP-2 score of features x = χ(x_t) and y = χ(x_t+τ) (n × m each, one time-lagged pair per
    /// row), as a 1 × 1 tensor to be maximized. The "1 +" counts the constant singular function
    /// that removing the means takes out, so a score lies in [1, 1 + m].
    ///
    /// The covariances, Cholesky factors and triangular solves run in Float64, and the gradient
    /// is written in closed form through the same factors (no eigendecomposition in the backward
    /// pass, so degenerate eigenvalues cause no trouble). Only first derivatives are provided.
    ///
    /// - Throws: `VAMPError.tooFewPairs` with no more pairs than features;
    ///   `LinearAlgebraError.notPositiveDefinite` when C0 + εI (or C00/C11 + εI) is not
    ///   positive definite, e.g. for constant features: raise epsilon.
    public func vamp2Score(_ x: Tensor, _ y: Tensor, variant: VAMPVariant, epsilon: Double = 1e-6) throws -> Tensor {
        precondition(x.rows == y.rows && x.cols == y.cols, "vamp2Score: x and y must have the same shape")
        guard x.rows > x.cols else { throw VAMPError.tooFewPairs(pairs: x.rows, features: x.cols) }
        let n = x.rows, m = x.cols
        let norm = 1 / Double(n - 1)

        // Centered Float64 copies.
        var xc = [Double](repeating: 0, count: n * m), yc = xc
        let xp = x.value.pointer, yp = y.value.pointer
        var meanX = [Double](repeating: 0, count: m), meanY = meanX
        for r in 0..<n { for j in 0..<m { meanX[j] += Double(xp[r * m + j]); meanY[j] += Double(yp[r * m + j]) } }
        for j in 0..<m { meanX[j] /= Double(n); meanY[j] /= Double(n) }
        if variant == .reversible {
            for j in 0..<m { let joint = (meanX[j] + meanY[j]) / 2; meanX[j] = joint; meanY[j] = joint }
        }
        for r in 0..<n { for j in 0..<m {
            xc[r * m + j] = Double(xp[r * m + j]) - meanX[j]
            yc[r * m + j] = Double(yp[r * m + j]) - meanY[j]
        } }
        let xcM = DoubleMatrix(rows: n, cols: m, values: xc), ycM = DoubleMatrix(rows: n, cols: m, values: yc)
        let c00 = norm * xcM.multiplied(by: xcM, transposeSelf: true)
        let c11 = norm * ycM.multiplied(by: ycM, transposeSelf: true)
        let c01 = norm * xcM.multiplied(by: ycM, transposeSelf: true)
        let ridge = epsilon * DoubleMatrix.identity(m)

        let score: Double
        // dS/dXc = (Xc P + Yc Q) and dS/dYc = (Yc R + Xc T), times 1/(n-1).
        let p: DoubleMatrix, q: DoubleMatrix, rr: DoubleMatrix, t: DoubleMatrix
        switch variant {
        case .reversible:
            let c0 = 0.5 * (c00 + c11) + ridge
            let c1 = (0.5 * (c01 + c01.transposed)).symmetrized
            let l = try LinearAlgebra.cholesky(c0.symmetrized)
            let a = LinearAlgebra.whiten(c1, by: l)
            score = 1 + a.squaredFrobeniusNorm
            // With M = C0⁻¹: dS/dC1 = 2 M C1 M = 2 L⁻ᵀ A L⁻¹ and dS/dC0 = -2 M C1 M C1 M = -2 L⁻ᵀ A² L⁻¹.
            let g1 = 2 * Self.unwhiten(a, left: l, right: l)
            let g0 = -2 * Self.unwhiten(a * a, left: l, right: l)
            (p, q, rr, t) = (g0, g1, g0, g1)
        case .nonReversible:
            let l0 = try LinearAlgebra.cholesky((c00 + ridge).symmetrized)
            let l1 = try LinearAlgebra.cholesky((c11 + ridge).symmetrized)
            let k = LinearAlgebra.solveTriangular(
                l1, LinearAlgebra.solveTriangular(l0, c01, lower: true), lower: true, transpose: true, fromRight: true)
            score = 1 + k.squaredFrobeniusNorm
            // dS/dC01 = 2 C00⁻¹ C01 C11⁻¹ = 2 L0⁻ᵀ K L1⁻¹; dS/dC00 = -L0⁻ᵀ K Kᵀ L0⁻¹; dS/dC11 = -L1⁻ᵀ Kᵀ K L1⁻¹.
            let h = 2 * Self.unwhiten(k, left: l0, right: l1)
            let g0 = -1 * Self.unwhiten(k.multiplied(by: k, transposeOther: true), left: l0, right: l0)
            let g1 = -1 * Self.unwhiten(k.multiplied(by: k, transposeSelf: true), left: l1, right: l1)
            (p, q, rr, t) = (2 * g0, h.transposed, 2 * g1, h)
        }
        guard score.isFinite else { throw LinearAlgebraError.nonFinite("VAMP-2 score") }

        let out = allocate(1, 1)
        out.pointer[0] = Float(score)
        return result(out, inputs: [x, y]) { [unowned self] g, needs in
            precondition(!self.isRecording,
                         "vamp2Score provides first derivatives only; take its gradient with createGraph: false")
            let s = Double(g.scalar) * norm
            func gradient(_ own: DoubleMatrix, _ ownFactor: DoubleMatrix, _ other: DoubleMatrix,
                          _ otherFactor: DoubleMatrix) -> Tensor {
                let d = own.multiplied(by: ownFactor) + other.multiplied(by: otherFactor)
                let out = self.allocate(n, m)
                for i in 0..<(n * m) { out.pointer[i] = Float(s * d.values[i]) }
                return self.constant(out)
            }
            // The mean removal adds no term: the centered data sum to zero along each column,
            // so the correction Σᵢ ∂S/∂xcᵢ vanishes (jointly for the reversible form).
            return [needs[0] ? gradient(xcM, p, ycM, q) : nil,
                    needs[1] ? gradient(ycM, rr, xcM, t) : nil]
        }
    }

    /// Lₗ⁻ᵀ M Lᵣ⁻¹ for lower-triangular factors.
    private static func unwhiten(_ m: DoubleMatrix, left: DoubleMatrix, right: DoubleMatrix) -> DoubleMatrix {
        let l = LinearAlgebra.solveTriangular(left, m, lower: true, transpose: true)
        return LinearAlgebra.solveTriangular(right, l, lower: true, fromRight: true)
    }
}
