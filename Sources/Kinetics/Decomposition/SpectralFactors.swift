import CBLAS
import NeuralNet

/// The factorizations of covariance matrices that TICA, VAMP and Koopman reweighting share, with the
/// small-eigenvalue rules of deeptime (`deeptime.numeric.spd_eig`, `spd_inv_split`, `spd_inv_sqrt`).
enum SpectralFactors {
    /// The eigenpairs of a symmetric positive-semidefinite C that are kept under `mode`:
    /// - `.truncate` (deeptime): eigenvalues of C below the cutoff are dropped, where the cutoff is
    ///   ε, raised to just above |λ_min| when C has a negative eigenvalue (rounding noise), so that
    ///   every kept eigenvalue is positive. Kept: λ ≥ cutoff.
    /// - `.regularize`: the eigenpairs of C + εI, all of them; a non-positive one throws.
    /// Eigenvalues come in descending order.
    static func keptEigenpairs(_ c: DoubleMatrix, epsilon: Double, mode: SpectralMode,
                               name: String) throws -> (values: [Double], vectors: DoubleMatrix) {
        guard epsilon.isFinite, epsilon >= 0 else {
            throw KineticsError(.invalidArgument, "epsilon must be a non-negative number, got \(epsilon)")
        }
        var shifted = c.symmetrized
        if mode == .regularize { for i in 0..<c.rows { shifted[i, i] += epsilon } }
        let (values, vectors) = try eigen(shifted, name: name)
        let n = c.rows
        let kept: Int
        switch mode {
        case .truncate:
            var cutoff = epsilon
            if let smallest = values.last, smallest < 0 { cutoff = max(cutoff, -smallest + 1e-16) }
            kept = values.prefix { $0 >= cutoff }.count
            guard kept > 0 else {
                throw KineticsError(.insufficientData, "\(name): every eigenvalue is below epsilon = \(epsilon) "
                                        + "(the features are constant or the data too few); nothing is left to analyse")
            }
        case .regularize:
            guard let smallest = values.last, smallest > 0 else {
                throw KineticsError(.numerical, "\(name) + εI is not positive definite (smallest eigenvalue "
                                        + "\(values.last ?? 0)); raise epsilon above \(epsilon)")
            }
            kept = n
        }
        var reduced = DoubleMatrix(rows: n, cols: kept)
        for i in 0..<n { for j in 0..<kept { reduced[i, j] = vectors[i, j] } }
        return (Array(values.prefix(kept)), reduced)
    }

    /// L = V_r diag(λ_r^(-1/2)) (n × r), so that L Lᵀ is the (pseudo-)inverse of C and Lᵀ C L = I_r:
    /// deeptime's `spd_inv_split`. With `canonicalSigns`, the largest-magnitude entry of each
    /// eigenvector is made positive first, as deeptime does for TICA and Koopman reweighting.
    static func inverseSplit(_ c: DoubleMatrix, epsilon: Double, mode: SpectralMode, canonicalSigns: Bool,
                             name: String) throws -> DoubleMatrix {
        var (values, vectors) = try keptEigenpairs(c, epsilon: epsilon, mode: mode, name: name)
        if canonicalSigns { makeCanonicalSigns(&vectors) }
        for j in 0..<values.count {
            let scale = 1 / values[j].squareRoot()
            for i in 0..<vectors.rows { vectors[i, j] *= scale }
        }
        return vectors
    }

    /// C^(-1/2) = V_r diag(λ_r^(-1/2)) V_rᵀ (n × n): deeptime's `spd_inv_sqrt`.
    static func inverseSquareRoot(_ c: DoubleMatrix, epsilon: Double, mode: SpectralMode,
                                  name: String) throws -> DoubleMatrix {
        let (values, vectors) = try keptEigenpairs(c, epsilon: epsilon, mode: mode, name: name)
        var scaled = vectors
        for j in 0..<values.count {
            let scale = 1 / values[j].squareRoot()
            for i in 0..<scaled.rows { scaled[i, j] *= scale }
        }
        return scaled.multiplied(by: vectors, transposeOther: true)
    }

    /// Flips each column so that its entry of largest magnitude (the first such) is positive.
    static func makeCanonicalSigns(_ m: inout DoubleMatrix) {
        for j in 0..<m.cols {
            var best = 0, largest = -1.0
            for i in 0..<m.rows where abs(m[i, j]) > largest { largest = abs(m[i, j]); best = i }
            if m.rows > 0, m[best, j] < 0 { for i in 0..<m.rows { m[i, j] = -m[i, j] } }
        }
    }

    /// Symmetric eigendecomposition (descending), with solver failures as KineticsError.
    static func eigen(_ a: DoubleMatrix, name: String) throws -> (values: [Double], vectors: DoubleMatrix) {
        guard a.values.allSatisfy(\.isFinite) else {
            throw KineticsError(.numerical, "\(name) contains NaN or infinity")
        }
        BLAS.useThreads(forWork: a.rows * a.rows * a.rows)
        do { return try LinearAlgebra.symmetricEigen(a) } catch {
            throw KineticsError(.numerical, "\(name): \(error)")
        }
    }

    /// The thin singular value decomposition A = U diag(s) Vᵀ (descending s) through LAPACK dgesvd.
    static func singularValueDecomposition(_ a: DoubleMatrix, name: String)
        throws -> (u: DoubleMatrix, values: [Double], v: DoubleMatrix) {
        let m = a.rows, n = a.cols, k = min(m, n)
        guard a.values.allSatisfy(\.isFinite) else {
            throw KineticsError(.numerical, "\(name) contains NaN or infinity")
        }
        if k == 0 { return (DoubleMatrix(rows: m, cols: 0), [], DoubleMatrix(rows: n, cols: 0)) }
        var work = a.values
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: m * k), vt = [Double](repeating: 0, count: k * n)
        var superb = [Double](repeating: 0, count: max(k - 1, 1))
        BLAS.useThreads(forWork: m * n * k)
        let info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), CChar(UInt8(ascii: "S")),
                                  Int32(m), Int32(n), &work, Int32(n), &s, &u, Int32(k), &vt, Int32(n), &superb)
        guard info == 0 else {
            throw KineticsError(.numerical, "\(name): the singular value decomposition did not converge (LAPACK info \(info))")
        }
        return (DoubleMatrix(rows: m, cols: k, values: u), s,
                DoubleMatrix(rows: k, cols: n, values: vt).transposed)
    }

    /// Columns 0..<count of m.
    static func leadingColumns(_ m: DoubleMatrix, _ count: Int) -> DoubleMatrix {
        var out = DoubleMatrix(rows: m.rows, cols: count)
        for i in 0..<m.rows { for j in 0..<count { out[i, j] = m[i, j] } }
        return out
    }
}
