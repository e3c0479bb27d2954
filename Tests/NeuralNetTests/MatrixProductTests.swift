import NeuralNet
import Testing

/// Products through `BLAS.sgemm`, on the OpenBLAS path and on the skinny-shape loops, against a
/// plain Float64 triple loop.
@Suite("Matrix products against a reference triple loop")
struct MatrixProductTests {
    static let shapes: [(Int, Int, Int)] = [
        (50, 3, 7), (50, 7, 3), (3, 50, 7), (7, 50, 3), (1, 40, 1), (64, 1, 64), (33, 4, 4),
        (40, 30, 20), (5, 5, 5),
    ]

    @Test("every transpose combination, skinny and regular shapes",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func products(transA: Bool, transB: Bool) {
        for (m, k, n) in Self.shapes {
            let a = transA ? testMatrix(k, m, seed: 110) : testMatrix(m, k, seed: 110)
            let b = transB ? testMatrix(n, k, seed: 111) : testMatrix(k, n, seed: 111)
            let c = Matrix(rows: m, cols: n, repeating: .nan)
            BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a.pointer, lda: a.cols,
                       b: b.pointer, ldb: b.cols, c: c.pointer, ldc: n)
            var worst = 0.0
            for i in 0..<m { for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let x = transA ? a[p, i] : a[i, p], y = transB ? b[j, p] : b[p, j]
                    s += Double(x) * Double(y)
                }
                worst = max(worst, abs(s - Double(c[i, j])))
            } }
            #expect(worst < 1e-5, "m \(m) k \(k) n \(n): error \(worst)")
        }
    }

    @Test("alpha and beta fall back to the full sgemm")
    func alphaBeta() {
        let a = testMatrix(6, 2, seed: 112), b = testMatrix(2, 3, seed: 113)
        let c = Matrix(rows: 6, cols: 3, repeating: 1)
        BLAS.sgemm(transA: false, transB: false, m: 6, n: 3, k: 2, alpha: 2, a: a.pointer, lda: 2,
                   b: b.pointer, ldb: 3, beta: 0.5, c: c.pointer, ldc: 3)
        for i in 0..<6 { for j in 0..<3 {
            let expected = 2 * (a[i, 0] * b[0, j] + a[i, 1] * b[1, j]) + 0.5
            #expect(abs(c[i, j] - expected) < 1e-5)
        } }
    }
}
