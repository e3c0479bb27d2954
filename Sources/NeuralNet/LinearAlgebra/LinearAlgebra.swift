import CBLAS

/// Why a small-matrix factorization failed.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// Cholesky found that the leading minor of this order is not positive.
    case notPositiveDefinite(order: Int)
    /// LAPACK's eigensolver did not converge (its `info` code).
    case eigenNoConvergence(info: Int)
    case notSquare(rows: Int, cols: Int)
    case nonFinite(String)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let order):
            return "matrix is not positive definite (leading minor of order \(order)); "
                + "the data may be constant or linearly dependent along some direction: raise epsilon"
        case .eigenNoConvergence(let info):
            return "symmetric eigensolver did not converge (LAPACK info \(info))"
        case .notSquare(let rows, let cols):
            return "expected a square matrix, got \(rows)x\(cols)"
        case .nonFinite(let what):
            return "\(what) contains NaN or infinity"
        }
    }
}

/// How `inverseSquareRoot` treats small eigenvalues.
public enum SpectralMode: String, Sendable, Codable {
    /// Add epsilon to the diagonal before the decomposition (every direction kept).
    case regularize
    /// Drop eigenvectors whose eigenvalue is at or below epsilon (the result has lower rank).
    case truncate
}

/// Float64 linear algebra on small dense matrices through LAPACKE (row-major).
public enum LinearAlgebra {
    /// Eigenvalues (descending) and eigenvectors (columns of `vectors`, in the same order) of a
    /// symmetric matrix. Only the upper triangle is read.
    public static func symmetricEigen(_ a: DoubleMatrix) throws -> (values: [Double], vectors: DoubleMatrix) {
        guard a.rows == a.cols else { throw LinearAlgebraError.notSquare(rows: a.rows, cols: a.cols) }
        guard a.values.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFinite("matrix") }
        let n = a.rows
        if n == 0 { return ([], a) }
        var work = a.values
        var w = [Double](repeating: 0, count: n)
        let info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")),
                                  Int32(n), &work, Int32(n), &w)
        guard info == 0 else { throw LinearAlgebraError.eigenNoConvergence(info: Int(info)) }
        // LAPACK returns ascending order; reverse to descending.
        var vectors = DoubleMatrix(rows: n, cols: n)
        for j in 0..<n {
            let source = n - 1 - j
            for i in 0..<n { vectors[i, j] = work[i * n + source] }
        }
        return (w.reversed(), vectors)
    }

    /// The lower-triangular L with A = L Lᵀ for a symmetric positive-definite A.
    public static func cholesky(_ a: DoubleMatrix) throws -> DoubleMatrix {
        guard a.rows == a.cols else { throw LinearAlgebraError.notSquare(rows: a.rows, cols: a.cols) }
        guard a.values.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFinite("matrix") }
        let n = a.rows
        if n == 0 { return a }
        var work = a.values
        let info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), &work, Int32(n))
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        precondition(info == 0, "dpotrf argument error \(info)")
        // dpotrf leaves the strict upper triangle untouched: clear it.
        for i in 0..<n { for j in (i + 1)..<n { work[i * n + j] = 0 } }
        return DoubleMatrix(rows: n, cols: n, values: work)
    }

    /// Solves op(T) X = B (or X op(T) = B when `fromRight`) for a triangular T.
    /// `lower` says which triangle of T holds it; `transpose` uses Tᵀ.
    public static func solveTriangular(_ t: DoubleMatrix, _ b: DoubleMatrix, lower: Bool,
                                       transpose: Bool = false, fromRight: Bool = false) -> DoubleMatrix {
        precondition(t.rows == t.cols, "solveTriangular: T must be square")
        precondition(fromRight ? b.cols == t.rows : b.rows == t.rows, "solveTriangular: shapes differ")
        var x = b
        if b.values.isEmpty { return x }
        t.values.withUnsafeBufferPointer { tp in
            x.values.withUnsafeMutableBufferPointer { xp in
                cblas_dtrsm(CblasRowMajor, fromRight ? CblasRight : CblasLeft, lower ? CblasLower : CblasUpper,
                            transpose ? CblasTrans : CblasNoTrans, CblasNonUnit,
                            Int32(b.rows), Int32(b.cols), 1, tp.baseAddress!, Int32(t.rows),
                            xp.baseAddress!, Int32(b.cols))
            }
        }
        return x
    }

    /// L⁻¹ M L⁻ᵀ for a lower-triangular L: whitening of M by the Cholesky factor.
    public static func whiten(_ m: DoubleMatrix, by l: DoubleMatrix) -> DoubleMatrix {
        let left = solveTriangular(l, m, lower: true)
        return solveTriangular(l, left, lower: true, transpose: true, fromRight: true)
    }

    /// A^(-1/2) for a symmetric positive-semidefinite A.
    ///
    /// - `.regularize`: eigendecomposition of A + εI, every direction kept.
    /// - `.truncate`: eigendecomposition of A, directions with eigenvalue ≤ ε dropped, so the
    ///   result is V_r diag(λ_r^(-1/2)) V_rᵀ of rank r.
    public static func inverseSquareRoot(_ a: DoubleMatrix, epsilon: Double,
                                         mode: SpectralMode) throws -> DoubleMatrix {
        guard a.rows == a.cols else { throw LinearAlgebraError.notSquare(rows: a.rows, cols: a.cols) }
        var shifted = a
        if mode == .regularize { for i in 0..<a.rows { shifted[i, i] += epsilon } }
        let (values, vectors) = try symmetricEigen(shifted)
        let n = a.rows
        var result = DoubleMatrix(rows: n, cols: n)
        for (k, lambda) in values.enumerated() {
            let keep = mode == .truncate ? lambda > epsilon : lambda > 0
            guard keep else { continue }
            let s = 1 / lambda.squareRoot()
            for i in 0..<n {
                let vik = vectors[i, k] * s
                for j in 0..<n { result[i, j] += vik * vectors[j, k] }
            }
        }
        if mode == .regularize, values.last.map({ $0 <= 0 }) == true {
            throw LinearAlgebraError.notPositiveDefinite(order: n)
        }
        return result
    }
}
