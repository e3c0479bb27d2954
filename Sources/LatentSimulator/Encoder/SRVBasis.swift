import Kinetics
import NeuralNet

/// The linear combinations of the network's outputs χ that are the SRV's latent coordinates,
/// solved in Float64 from covariances of all the data (Chen, Sidky & Ferguson 2019, eqs. 8-10).
///
/// Reversible (the SRV): with the joint mean μ and symmetrized C0 = ½(C00 + C11), C1 = ½(C01 + C10),
/// the generalized eigenproblem C1 v = λ C0 v is solved by whitening: C0 = V diag(s) Vᵀ, keeping
/// the directions with s > ε·s_max (a rank-deficient basis loses directions instead of failing),
/// R = V_r diag(s_r^-1/2), then the symmetric eigenproblem of Rᵀ C1 R = U Λ Uᵀ, eigenvalues
/// descending. ψ = (χ − μ)ᵀ R U has unit variance and zero covariance under C0.
///
/// Non-reversible (VAMP): the Koopman matrix K = R0ᵀ C01 R1 in the whitened bases of C00 and C11
/// is decomposed K = U Σ Wᵀ (through the symmetric eigenproblem of K Kᵀ); the latent coordinates
/// are the left singular functions ψ = (χ − mean0)ᵀ R0 U (unit variance under C00), the spectrum
/// the singular values σ, and the right singular functions R1 W are kept for scoring.
struct SRVBasis {
    /// Subtracted from χ before projecting onto `left` (joint mean, or mean0 for the non-reversible form).
    var mean: [Double]
    var rightMean: [Double]
    /// Basis functions × components, columns ordered by the spectrum.
    var left: DoubleMatrix
    var right: DoubleMatrix
    var spectrum: [Double]

    var rank: Int { spectrum.count }

    static func solve(_ c: TimeLaggedCovariances, variant: VAMPVariant, epsilon: Double) throws -> SRVBasis {
        switch variant {
        case .reversible:
            let s = c.symmetrized
            let r = try whitening(s.c0, epsilon: epsilon)
            let a = r.multiplied(by: s.c1.multiplied(by: r), transposeSelf: true).symmetrized
            let (values, vectors) = try LinearAlgebra.symmetricEigen(a)
            let left = r.multiplied(by: vectors)
            return SRVBasis(mean: s.mean, rightMean: s.mean, left: left, right: left, spectrum: values)
        case .nonReversible:
            let r0 = try whitening(c.c00, epsilon: epsilon), r1 = try whitening(c.ctt, epsilon: epsilon)
            let k = r0.multiplied(by: c.c0t.multiplied(by: r1), transposeSelf: true)
            let (squares, u) = try LinearAlgebra.symmetricEigen(k.multiplied(by: k, transposeOther: true).symmetrized)
            let count = min(r0.cols, r1.cols)
            let sigma = squares.prefix(count).map { max($0, 0).squareRoot() }
            var uKept = DoubleMatrix(rows: u.rows, cols: count)
            for i in 0..<u.rows { for j in 0..<count { uKept[i, j] = u[i, j] } }
            // Right singular vectors W = Kᵀ U Σ⁻¹ (zero where σ vanishes).
            var w = k.multiplied(by: uKept, transposeSelf: true)
            for j in 0..<count {
                let inverse = sigma[j] > 1e-12 ? 1 / sigma[j] : 0
                for i in 0..<w.rows { w[i, j] *= inverse }
            }
            return SRVBasis(mean: c.mean0, rightMean: c.meanT, left: r0.multiplied(by: uKept),
                            right: r1.multiplied(by: w), spectrum: sigma)
        }
    }

    /// R = V_r diag(s_r^-1/2) for the eigenvalues s > ε·s_max of a covariance C (so Rᵀ C R = I).
    static func whitening(_ c: DoubleMatrix, epsilon: Double) throws -> DoubleMatrix {
        let (values, vectors) = try LinearAlgebra.symmetricEigen(c.symmetrized)
        guard let largest = values.first, largest > 0 else {
            throw LatentSimulatorError(.numerical, "SRV: the network's outputs do not vary over the data (zero "
                                       + "covariance); the training collapsed, retrain with a lower learning rate")
        }
        let kept = values.prefix { $0 > epsilon * largest }
        var r = DoubleMatrix(rows: c.rows, cols: kept.count)
        for (j, s) in kept.enumerated() {
            let factor = 1 / s.squareRoot()
            for i in 0..<c.rows { r[i, j] = vectors[i, j] * factor }
        }
        return r
    }

    /// The deterministic sign convention: each latent coordinate ψ_i is flipped so that its third
    /// moment Σ w ψ_i³ over the pair start frames is positive (its long tail, typically the less
    /// populated side of the slow process, on the positive side). When the third moment is
    /// negligible (|skewness| < 10⁻³: a symmetric distribution), the eigenvector's component of
    /// largest magnitude is made positive instead.
    mutating func fixSigns(values: Matrix, frames: [Int], weights: [Double]?) {
        let width = values.cols, r = rank
        var second = [Double](repeating: 0, count: r), third = second
        var psi = [Double](repeating: 0, count: r)
        for (k, frame) in frames.enumerated() {
            let weight = weights?[k] ?? 1
            let row = values.pointer + frame * width
            for j in 0..<r { psi[j] = 0 }
            for i in 0..<width {
                let centered = Double(row[i]) - mean[i]
                for j in 0..<r { psi[j] += centered * left[i, j] }
            }
            for j in 0..<r { second[j] += weight * psi[j] * psi[j]; third[j] += weight * psi[j] * psi[j] * psi[j] }
        }
        for j in 0..<r {
            let skewness = second[j] > 0 ? third[j] / (second[j] * second[j].squareRoot()) : 0
            let flip: Bool
            if abs(skewness) > 1e-3 {
                flip = skewness < 0
            } else {
                var largest = 0.0
                for i in 0..<left.rows where abs(left[i, j]) > abs(largest) { largest = left[i, j] }
                flip = largest < 0
            }
            if flip {
                for i in 0..<left.rows { left[i, j] = -left[i, j] }
                for i in 0..<right.rows { right[i, j] = -right[i, j] }
            }
        }
    }

    /// VAMP-2 of the first `dimension` components on other data (the held-out fold of a
    /// cross-validation), as deeptime's `VAMP.score(test_model)`: with the test data's own mean-free
    /// covariances, A = (Uᵀ C00 U)^-1/2, B = Uᵀ C0t V, C = (Vᵀ Ctt V)^-1/2, score = 1 + ‖A B C‖²_F
    /// (for the reversible form U = V and the symmetrized C0, C1 of the test data).
    func score(test c: TimeLaggedCovariances, dimension: Int, variant: VAMPVariant, epsilon: Double) throws -> Double {
        let m = min(dimension, rank)
        var u = DoubleMatrix(rows: left.rows, cols: m), v = u
        for i in 0..<left.rows { for j in 0..<m { u[i, j] = left[i, j]; v[i, j] = right[i, j] } }
        let c00: DoubleMatrix, c0t: DoubleMatrix, ctt: DoubleMatrix
        switch variant {
        case .reversible:
            let s = c.symmetrized
            (c00, c0t, ctt) = (s.c0, s.c1, s.c0)
        case .nonReversible:
            (c00, c0t, ctt) = (c.c00, c.c0t, c.ctt)
        }
        func project(_ a: DoubleMatrix, _ x: DoubleMatrix, _ y: DoubleMatrix) -> DoubleMatrix {
            x.multiplied(by: a.multiplied(by: y), transposeSelf: true)
        }
        let a = try LinearAlgebra.inverseSquareRoot(project(c00, u, u).symmetrized, epsilon: epsilon, mode: .truncate)
        let b = project(c0t, u, v)
        let cc = try LinearAlgebra.inverseSquareRoot(project(ctt, v, v).symmetrized, epsilon: epsilon, mode: .truncate)
        let score = 1 + a.multiplied(by: b).multiplied(by: cc).squaredFrobeniusNorm
        guard score.isFinite else { throw LinearAlgebraError.nonFinite("test VAMP-2 score") }
        return score
    }
}
