import Kinetics
import NeuralNet

/// Float64 means and covariances of time-lagged pairs of basis values, the input of the final
/// basis, of validation scores and of Koopman reweighting.
enum PairCovariances {
    /// Covariances of (χ(x_t), χ(x_t+τ)) over `pairs` (row indices into `values`, frames × basis),
    /// with optional pair weights w_k ≥ 0 (the weight of the pair's start frame). Normalized by
    /// Σ w (no Bessel correction), as `TimeLaggedCovariances` defines them.
    static func estimate(_ values: Matrix, pairs: LaggedPairs, weights: [Double]? = nil,
                         lag: Int) -> TimeLaggedCovariances {
        let w = values.cols, n = pairs.count
        precondition(weights == nil || weights?.count == n, "PairCovariances: one weight per pair")
        var mean0 = [Double](repeating: 0, count: w), meanT = mean0
        var total = 0.0
        for k in 0..<n {
            let weight = weights?[k] ?? 1
            let a = values.pointer + pairs.from[k] * w, b = values.pointer + pairs.to[k] * w
            for j in 0..<w { mean0[j] += weight * Double(a[j]); meanT[j] += weight * Double(b[j]) }
            total += weight
        }
        let norm = total > 0 ? 1 / total : 0
        for j in 0..<w { mean0[j] *= norm; meanT[j] *= norm }

        var c00 = DoubleMatrix(rows: w, cols: w), c0t = c00, ctt = c00
        let chunk = 4096
        var start = 0
        while start < n {
            let rows = min(chunk, n - start)
            var x = DoubleMatrix(rows: rows, cols: w), y = x, xw = x, yw = x
            for r in 0..<rows {
                let k = start + r, weight = weights?[k] ?? 1
                let a = values.pointer + pairs.from[k] * w, b = values.pointer + pairs.to[k] * w
                for j in 0..<w {
                    let xv = Double(a[j]) - mean0[j], yv = Double(b[j]) - meanT[j]
                    x.values[r * w + j] = xv
                    y.values[r * w + j] = yv
                    xw.values[r * w + j] = weight * xv
                    yw.values[r * w + j] = weight * yv
                }
            }
            c00 = c00 + xw.multiplied(by: x, transposeSelf: true)
            c0t = c0t + xw.multiplied(by: y, transposeSelf: true)
            ctt = ctt + yw.multiplied(by: y, transposeSelf: true)
            start += rows
        }
        return TimeLaggedCovariances(lag: lag, stride: 1, pairCount: n, totalWeight: total, mean0: mean0, meanT: meanT,
                                     c00: (norm * c00).symmetrized, c0t: norm * c0t, ctt: (norm * ctt).symmetrized)
    }

    /// The VAMP-2 score of a basis from its covariances, in the same Cholesky form as the training
    /// loss (`Graph.vamp2Score`): reversible 1 + ‖L⁻¹ C1 L⁻ᵀ‖²_F with C0 + εI = L Lᵀ (symmetrized
    /// covariances, joint mean); non-reversible 1 + ‖L0⁻¹ C0t L1⁻ᵀ‖²_F.
    static func vamp2(_ c: TimeLaggedCovariances, variant: VAMPVariant, epsilon: Double) throws -> Double {
        let ridge = epsilon * DoubleMatrix.identity(c.features)
        let score: Double
        switch variant {
        case .reversible:
            let s = c.symmetrized
            let l = try LinearAlgebra.cholesky((s.c0 + ridge).symmetrized)
            score = 1 + LinearAlgebra.whiten(s.c1, by: l).squaredFrobeniusNorm
        case .nonReversible:
            let l0 = try LinearAlgebra.cholesky((c.c00 + ridge).symmetrized)
            let l1 = try LinearAlgebra.cholesky((c.ctt + ridge).symmetrized)
            let k = LinearAlgebra.solveTriangular(l1, LinearAlgebra.solveTriangular(l0, c.c0t, lower: true),
                                                  lower: true, transpose: true, fromRight: true)
            score = 1 + k.squaredFrobeniusNorm
        }
        guard score.isFinite else { throw LinearAlgebraError.nonFinite("VAMP-2 score") }
        return score
    }
}
