import CBLAS
import NeuralNet

/// The dense LAPACK calls the MSM code needs beyond `LinearAlgebra` (general solve, general eigenvalues).
enum MSMLinearAlgebra {
    /// Solves A X = B for a square A by LU with partial pivoting (dgesv). `what` names the system in
    /// the error thrown when A is singular.
    static func solve(_ a: DoubleMatrix, _ b: DoubleMatrix, what: String) throws -> DoubleMatrix {
        precondition(a.rows == a.cols && b.rows == a.rows, "MSMLinearAlgebra.solve: shapes differ")
        let n = a.rows
        if n == 0 || b.cols == 0 { return b }
        var lu = a.values, x = b.values
        var pivots = [Int32](repeating: 0, count: n)
        BLAS.useThreads(forWork: n * n * n)
        let info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), Int32(b.cols), &lu, Int32(n), &pivots, &x, Int32(b.cols))
        guard info == 0, x.allSatisfy(\.isFinite) else {
            throw KineticsError(.numerical, "\(what): the linear system is singular (LAPACK info \(info)); "
                                    + "the states involved may not be connected to the target set")
        }
        return DoubleMatrix(rows: n, cols: b.cols, values: x)
    }

    /// The eigenvalues (real and imaginary parts) of a general square matrix (dgeev, no vectors).
    static func generalEigenvalues(_ a: DoubleMatrix) throws -> [(real: Double, imaginary: Double)] {
        let n = a.rows
        if n == 0 { return [] }
        var work = a.values
        var real = [Double](repeating: 0, count: n), imaginary = [Double](repeating: 0, count: n)
        var unusedLeft = [Double](repeating: 0, count: 1), unusedRight = [Double](repeating: 0, count: 1)
        BLAS.useThreads(forWork: n * n * n)
        let info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "N")), Int32(n),
                                 &work, Int32(n), &real, &imaginary, &unusedLeft, 1, &unusedRight, 1)
        guard info == 0 else {
            throw KineticsError(.numerical, "the eigenvalues of the transition matrix did not converge (LAPACK info \(info))")
        }
        return (0..<n).map { (real[$0], imaginary[$0]) }
    }
}
