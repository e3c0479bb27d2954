/// Matrix products with one tiny dimension (≤ `maximumWidth`): a network's 1-5 latent outputs, a
/// 3-D input, the per-sample weights of a mixture. OpenBLAS packs panels for these shapes as for
/// any other and reaches about 7 GFLOP/s at 10000×100×3 on the development machines; these loops
/// instead read the large operand once and are bound by memory, 2-3x faster.
///
/// Only C = op(A) op(B) (alpha 1, beta 0) is handled; `run` returns false for anything else so
/// the caller falls back to sgemm.
enum SkinnyGEMM {
    static let maximumWidth = 4

    static func run(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                    b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) -> Bool {
        // op(A)[i, p] and op(B)[p, j] for any storage.
        @inline(__always) func opA(_ i: Int, _ p: Int) -> Float { transA ? a[p * lda + i] : a[i * lda + p] }
        @inline(__always) func opB(_ p: Int, _ j: Int) -> Float { transB ? b[j * ldb + p] : b[p * ldb + j] }

        if k <= maximumWidth {
            // C[i, :] = Σ_p op(A)[i, p] op(B)[p, :], with op(B) packed into contiguous rows.
            withRows(of: b, transposed: transB, rows: k, cols: n, ld: ldb) { rowsB in
                for i in 0..<m {
                    let ci = c + i * ldc
                    let first = opA(i, 0)
                    for j in 0..<n { ci[j] = first * rowsB[j] }
                    for p in 1..<k {
                        let s = opA(i, p), bp = rowsB + p * n
                        for j in 0..<n { ci[j] = madd(s, bp[j], ci[j]) }
                    }
                }
            }
            return true
        }
        if n <= maximumWidth && !transA {
            // C[i, j] = A[i, :] · op(B)[:, j], with op(B)ᵀ packed into contiguous rows.
            withRows(of: b, transposed: !transB, rows: n, cols: k, ld: ldb) { columnsB in
                for i in 0..<m {
                    let ai = a + i * lda
                    for j in 0..<n { c[i * ldc + j] = dot(ai, columnsB + j * k, k) }
                }
            }
            return true
        }
        if n <= maximumWidth && transA {
            // The weight gradient of a narrow layer: C = Aᵀ op(B) with A k × m. Accumulate Cᵀ
            // row by row (axpys along m), then transpose it into C.
            withUnsafeTemporaryAllocation(of: Float.self, capacity: n * m) { buffer in
                let ct = buffer.baseAddress!
                ct.update(repeating: 0, count: n * m)
                for p in 0..<k {
                    let ap = a + p * lda
                    for j in 0..<n {
                        let s = opB(p, j), row = ct + j * m
                        for i in 0..<m { row[i] = madd(s, ap[i], row[i]) }
                    }
                }
                for i in 0..<m { for j in 0..<n { c[i * ldc + j] = ct[j * m + i] } }
            }
            return true
        }
        if m <= maximumWidth && !transB {
            // C[i, :] = Σ_p op(A)[i, p] B[p, :]: B is read once, row by row.
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
            for p in 0..<k {
                let bp = b + p * ldb
                for i in 0..<m {
                    let s = opA(i, p), ci = c + i * ldc
                    for j in 0..<n { ci[j] = madd(s, bp[j], ci[j]) }
                }
            }
            return true
        }
        if m <= maximumWidth && transB {
            // C[i, j] = op(A)[i, :] · B[j, :], with op(A) packed into contiguous rows.
            withRows(of: a, transposed: transA, rows: m, cols: k, ld: lda) { rowsA in
                for j in 0..<n {
                    let bj = b + j * ldb
                    for i in 0..<m { c[i * ldc + j] = dot(rowsA + i * k, bj, k) }
                }
            }
            return true
        }
        return false
    }

    /// Calls `body` with a rows × cols contiguous copy of a matrix stored with leading dimension
    /// `ld`, transposed when asked (the stored matrix is then cols × rows).
    @inline(__always)
    private static func withRows(of x: UnsafePointer<Float>, transposed: Bool, rows: Int, cols: Int, ld: Int,
                                 _ body: (UnsafePointer<Float>) -> Void) {
        if !transposed && ld == cols { body(x); return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(rows * cols, 1)) { buffer in
            let packed = buffer.baseAddress!
            for r in 0..<rows {
                for s in 0..<cols { packed[r * cols + s] = transposed ? x[s * ld + r] : x[r * ld + s] }
            }
            body(UnsafePointer(packed))
        }
    }

    /// x · y over n elements with eight-wide partial sums (a plain loop would not vectorize: Swift
    /// does not reassociate floating-point additions).
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        var i = 0
        while i + 16 <= n {
            let x0 = rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            let y0 = ry.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            let x1 = rx.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
            let y1 = ry.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
            #if LSS_FMA
            s0 = s0.addingProduct(x0, y0)
            s1 = s1.addingProduct(x1, y1)
            #else
            s0 += x0 * y0
            s1 += x1 * y1
            #endif
            i += 16
        }
        var total = (s0 + s1).sum()
        while i < n {
            total = madd(x[i], y[i], total)
            i += 1
        }
        return total
    }
}
