import NeuralNet
import Testing

@Suite("Float64 linear algebra on LAPACKE")
struct LinearAlgebraTests {
    /// A rotation of R³ (product of three Givens rotations), so Q diag(d) Qᵀ has known eigenpairs.
    static func rotation() -> DoubleMatrix {
        func givens(_ i: Int, _ j: Int, _ angle: Double) -> DoubleMatrix {
            var g = DoubleMatrix.identity(3)
            g[i, i] = cos(angle); g[j, j] = cos(angle); g[i, j] = -sin(angle); g[j, i] = sin(angle)
            return g
        }
        return givens(0, 1, 0.4) * givens(1, 2, -1.1) * givens(0, 2, 0.7)
    }

    @Test("symmetric eigendecomposition recovers a constructed spectrum, in descending order")
    func eigen() throws {
        let q = Self.rotation()
        let a = q * DoubleMatrix.diagonal([2, 5, -1]) * q.transposed
        let (values, vectors) = try LinearAlgebra.symmetricEigen(a)
        #expect(zip(values, [5.0, 2, -1]).allSatisfy { abs($0 - $1) < 1e-12 })
        // A V = V Λ and VᵀV = I.
        #expect((a * vectors).maxAbsoluteDifference(vectors * DoubleMatrix.diagonal(values)) < 1e-12)
        #expect((vectors.transposed * vectors).maxAbsoluteDifference(.identity(3)) < 1e-12)
    }

    @Test("Cholesky factor reproduces the matrix; an indefinite matrix is reported")
    func cholesky() throws {
        let a = DoubleMatrix([[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]])
        let l = try LinearAlgebra.cholesky(a)
        #expect((l * l.transposed).maxAbsoluteDifference(a) < 1e-13)
        #expect(l[0, 1] == 0 && l[0, 2] == 0 && l[1, 2] == 0)
        #expect(l[0, 0] == 2)
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) {
            _ = try LinearAlgebra.cholesky(DoubleMatrix([[1, 2], [2, 1]]))
        }
    }

    @Test("triangular solves from either side, transposed or not")
    func triangular() throws {
        let l = try LinearAlgebra.cholesky(DoubleMatrix([[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]]))
        let b = DoubleMatrix([[1, 2], [3, 4], [5, 6]])
        let x1 = LinearAlgebra.solveTriangular(l, b, lower: true)
        #expect((l * x1).maxAbsoluteDifference(b) < 1e-13)
        let x2 = LinearAlgebra.solveTriangular(l, b, lower: true, transpose: true)
        #expect((l.transposed * x2).maxAbsoluteDifference(b) < 1e-13)
        let c = b.transposed
        let x3 = LinearAlgebra.solveTriangular(l, c, lower: true, fromRight: true)
        #expect((x3 * l).maxAbsoluteDifference(c) < 1e-13)
        let m = DoubleMatrix([[2, 1, 0], [1, 3, 1], [0, 1, 4]])
        let w = LinearAlgebra.whiten(m, by: l)
        #expect((l * w * l.transposed).maxAbsoluteDifference(m) < 1e-12)
    }

    @Test("inverse square root: regularize keeps every direction, truncate drops the small ones")
    func inverseSquareRoot() throws {
        let q = Self.rotation()
        let a = q * DoubleMatrix.diagonal([4, 1, 0.25]) * q.transposed
        let s = try LinearAlgebra.inverseSquareRoot(a, epsilon: 0, mode: .regularize)
        #expect((s * a * s).maxAbsoluteDifference(.identity(3)) < 1e-12)
        let expected = q * DoubleMatrix.diagonal([0.5, 1, 2]) * q.transposed
        #expect(s.maxAbsoluteDifference(expected) < 1e-12)

        let eps = 0.1
        let r = try LinearAlgebra.inverseSquareRoot(a, epsilon: eps, mode: .regularize)
        let shifted = q * DoubleMatrix.diagonal([4 + eps, 1 + eps, 0.25 + eps].map { 1 / $0.squareRoot() }) * q.transposed
        #expect(r.maxAbsoluteDifference(shifted) < 1e-12)

        // Rank 2: the third eigenvalue (1e-12) is below epsilon and is dropped.
        let singular = q * DoubleMatrix.diagonal([4, 1, 1e-12]) * q.transposed
        let t = try LinearAlgebra.inverseSquareRoot(singular, epsilon: 1e-8, mode: .truncate)
        let truncated = q * DoubleMatrix.diagonal([0.5, 1, 0]) * q.transposed
        #expect(t.maxAbsoluteDifference(truncated) < 1e-9)
    }

    @Test("non-finite input is reported")
    func nonFinite() {
        #expect(throws: LinearAlgebraError.nonFinite("matrix")) {
            _ = try LinearAlgebra.symmetricEigen(DoubleMatrix([[1, .nan], [.nan, 1]]))
        }
    }
}

import Foundation
