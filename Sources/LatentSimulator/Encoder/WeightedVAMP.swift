import NeuralNet

extension Graph {
    /// The VAMP-2 score of x = χ(x_t), y = χ(x_t+τ) (n × m) with a weight w_k ≥ 0 per pair: the loss
    /// of Koopman-reweighted SRV training (Wu et al. 2017: reweighted covariances estimate the
    /// equilibrium ones from non-equilibrium data).
    ///
    /// With weights normalized to Σ w = 1 and W = diag(w): means μx = wᵀX, μy = wᵀY (joint
    /// μ = ½(μx + μy) for the reversible form), Xc = X − 1μxᵀ, and C00 = XcᵀWXc, C01 = XcᵀWYc,
    /// C11 = YcᵀWYc. The score is that of `vamp2Score` with these covariances (same ε, same
    /// Cholesky closed form): reversible 1 + ‖L⁻¹C1L⁻ᵀ‖²_F with C0 + εI = LLᵀ; non-reversible
    /// 1 + ‖L0⁻¹C01L1⁻ᵀ‖²_F. The gradient follows as in `vamp2Score` with 1/(n−1) replaced by W:
    ///   reversible      ∂S/∂X = W(Xc G0 + Yc G1), ∂S/∂Y = W(Yc G0 + Xc G1),
    ///                   G0 = −2 L⁻ᵀA²L⁻¹, G1 = 2 L⁻ᵀAL⁻¹, A = L⁻¹C1L⁻ᵀ;
    ///   non-reversible  ∂S/∂X = W(2 Xc H0 + Yc Hᵀ), ∂S/∂Y = W(2 Yc H1 + Xc H),
    ///                   H = 2 L0⁻ᵀKL1⁻¹, H0 = −L0⁻ᵀKKᵀL0⁻¹, H1 = −L1⁻ᵀKᵀKL1⁻¹.
    /// The mean removal adds nothing: wᵀXc = wᵀYc = 0 (and wᵀXc + wᵀYc = 0 for the joint mean).
    ///
    /// NeuralNet's operation API is internal, so the score enters the graph as
    /// s = Σ x ⊙ ∂S/∂X + Σ y ⊙ ∂S/∂Y + (S − that sum): its value is S and its first derivatives are
    /// the closed-form ones (second derivatives are not provided).
    ///
    /// - Throws: `VAMPError.tooFewPairs` for no more pairs than features, `LinearAlgebraError` when a
    ///   covariance plus εI is not positive definite, `.invalidSetting` for negative or all-zero weights.
    public func weightedVamp2Score(_ x: Tensor, _ y: Tensor, weights: [Double], variant: VAMPVariant,
                                   epsilon: Double = 1e-6) throws -> Tensor {
        precondition(x.rows == y.rows && x.cols == y.cols && weights.count == x.rows,
                     "weightedVamp2Score: x, y and weights must agree in size")
        guard x.rows > x.cols else { throw VAMPError.tooFewPairs(pairs: x.rows, features: x.cols) }
        let total = weights.reduce(0, +)
        guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }), total > 0 else {
            throw LatentSimulatorError(.invalidSetting, "weighted VAMP-2: weights must be finite, non-negative and "
                                       + "not all zero")
        }
        let n = x.rows, m = x.cols
        let w = weights.map { $0 / total }
        var meanX = [Double](repeating: 0, count: m), meanY = meanX
        let xp = x.value.pointer, yp = y.value.pointer
        for r in 0..<n { for j in 0..<m {
            meanX[j] += w[r] * Double(xp[r * m + j])
            meanY[j] += w[r] * Double(yp[r * m + j])
        } }
        if variant == .reversible {
            for j in 0..<m { let joint = (meanX[j] + meanY[j]) / 2; meanX[j] = joint; meanY[j] = joint }
        }
        var xc = DoubleMatrix(rows: n, cols: m), yc = xc, xw = xc, yw = xc
        for r in 0..<n { for j in 0..<m {
            let a = Double(xp[r * m + j]) - meanX[j], b = Double(yp[r * m + j]) - meanY[j]
            xc.values[r * m + j] = a; yc.values[r * m + j] = b
            xw.values[r * m + j] = w[r] * a; yw.values[r * m + j] = w[r] * b
        } }
        let c00 = xw.multiplied(by: xc, transposeSelf: true).symmetrized
        let c11 = yw.multiplied(by: yc, transposeSelf: true).symmetrized
        let c01 = xw.multiplied(by: yc, transposeSelf: true)
        let ridge = epsilon * DoubleMatrix.identity(m)

        let score: Double
        let gradientX: DoubleMatrix, gradientY: DoubleMatrix   // before the row weights
        switch variant {
        case .reversible:
            let l = try LinearAlgebra.cholesky((0.5 * (c00 + c11) + ridge).symmetrized)
            let a = LinearAlgebra.whiten((0.5 * (c01 + c01.transposed)).symmetrized, by: l)
            score = 1 + a.squaredFrobeniusNorm
            let g1 = 2 * Self.weightedUnwhiten(a, left: l, right: l)
            let g0 = -2 * Self.weightedUnwhiten(a * a, left: l, right: l)
            gradientX = xc.multiplied(by: g0) + yc.multiplied(by: g1)
            gradientY = yc.multiplied(by: g0) + xc.multiplied(by: g1)
        case .nonReversible:
            let l0 = try LinearAlgebra.cholesky((c00 + ridge).symmetrized)
            let l1 = try LinearAlgebra.cholesky((c11 + ridge).symmetrized)
            let k = LinearAlgebra.solveTriangular(l1, LinearAlgebra.solveTriangular(l0, c01, lower: true),
                                                  lower: true, transpose: true, fromRight: true)
            score = 1 + k.squaredFrobeniusNorm
            let h = 2 * Self.weightedUnwhiten(k, left: l0, right: l1)
            let h0 = -1 * Self.weightedUnwhiten(k.multiplied(by: k, transposeOther: true), left: l0, right: l0)
            let h1 = -1 * Self.weightedUnwhiten(k.multiplied(by: k, transposeSelf: true), left: l1, right: l1)
            gradientX = 2 * xc.multiplied(by: h0) + yc.multiplied(by: h.transposed)
            gradientY = 2 * yc.multiplied(by: h1) + xc.multiplied(by: h)
        }
        guard score.isFinite else { throw LinearAlgebraError.nonFinite("weighted VAMP-2 score") }

        let gx = Matrix(rows: n, cols: m), gy = Matrix(rows: n, cols: m)
        var linear = 0.0
        for r in 0..<n { for j in 0..<m {
            let i = r * m + j
            let a = Float(w[r] * gradientX.values[i]), b = Float(w[r] * gradientY.values[i])
            gx.pointer[i] = a; gy.pointer[i] = b
            linear += Double(a) * Double(xp[i]) + Double(b) * Double(yp[i])
        } }
        let surrogate = add(sum(multiply(x, constant(gx))), sum(multiply(y, constant(gy))))
        return add(surrogate, Float(score - linear))
    }

    /// Lₗ⁻ᵀ M Lᵣ⁻¹ for lower-triangular factors.
    private static func weightedUnwhiten(_ m: DoubleMatrix, left: DoubleMatrix, right: DoubleMatrix) -> DoubleMatrix {
        let l = LinearAlgebra.solveTriangular(left, m, lower: true, transpose: true)
        return LinearAlgebra.solveTriangular(right, l, lower: true, fromRight: true)
    }
}
