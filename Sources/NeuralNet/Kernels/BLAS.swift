import CBLAS
import Foundation

/// Thin wrappers over OpenBLAS with a per-call thread policy.
///
/// OpenBLAS's thread pool busy-waits: on 2 threads, single-row sgemv is 5x slower, and on some
/// CPUs small products are too (4096×100×100 dropped from 92 to 51 GFLOP/s on a Zen 4; on the
/// Zen 2-class machines lss is developed on, 2 threads win from about 10⁷ multiply-adds up). So
/// each call picks its thread count from its size: one thread below `parallelThreshold`
/// multiply-adds (LSS_BLAS_PARALLEL_MIN, default 10⁷), the configured maximum above it. The thread count of OpenBLAS is process-wide state; it is only
/// changed when a call needs a different value.
public enum BLAS {
    /// The most threads any call uses: LSS_THREADS, else OPENBLAS_NUM_THREADS, else the cores.
    public static var maxThreads: Int {
        get { threadState.withLock { $0.max } }
        set { threadState.withLock { $0.max = max(1, newValue) } }
    }

    /// m·n·k at and above which a product runs on `maxThreads` threads.
    public static var parallelThreshold: Int {
        get { threadState.withLock { $0.threshold } }
        set { threadState.withLock { $0.threshold = newValue } }
    }

    struct ThreadState {
        var max: Int
        var threshold: Int
        var current: Int32 = -1
    }

    static let threadState = Locked(ThreadState(
        max: {
            let env = ProcessInfo.processInfo.environment
            if let v = env["LSS_THREADS"].flatMap(Int.init), v > 0 { return v }
            if let v = env["OPENBLAS_NUM_THREADS"].flatMap(Int.init), v > 0 { return v }
            return ProcessInfo.processInfo.activeProcessorCount
        }(),
        threshold: ProcessInfo.processInfo.environment["LSS_BLAS_PARALLEL_MIN"].flatMap(Int.init) ?? 10_000_000))

    /// Sets the OpenBLAS thread count for the next calls, if it differs from the current one.
    @inline(__always)
    public static func useThreads(forWork work: Int) {
        threadState.withLock { state in
            let wanted = Int32(work >= state.threshold ? state.max : 1)
            if wanted != state.current {
                openblas_set_num_threads(wanted)
                state.current = wanted
            }
        }
    }

    /// Forces a thread count (benchmarks compare fixed counts).
    public static func setThreads(_ n: Int) {
        threadState.withLock { state in
            openblas_set_num_threads(Int32(n))
            state.current = Int32(n)
        }
    }

    /// C = alpha op(A) op(B) + beta C, row-major. op(A) is m×k, op(B) is k×n, C is m×n.
    @inline(__always)
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 { scaleOnly(c, m: m, n: n, ldc: ldc, beta: beta); return }
        if alpha == 1 && beta == 0 && min(m, n, k) <= SkinnyGEMM.maximumWidth
            && SkinnyGEMM.run(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                              c: c, ldc: ldc) {
            return
        }
        useThreads(forWork: m * n * k)
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C = beta C for an empty inner dimension, where BLAS would only scale C; beta = 0 clears it
    /// even if it held NaN.
    @inline(__always)
    static func scaleOnly<T: BinaryFloatingPoint>(_ c: UnsafeMutablePointer<T>, m: Int, n: Int, ldc: Int, beta: T) {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
    }

    /// y = alpha op(A) x + beta y for a row-major rows × cols matrix A.
    @inline(__always)
    public static func sgemv(trans: Bool, rows: Int, cols: Int, alpha: Float = 1, a: UnsafePointer<Float>,
                             x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        useThreads(forWork: rows * cols)
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), alpha,
                    a, Int32(cols), x, 1, beta, y, 1)
    }

    /// C = alpha op(A) op(B) + beta C in double precision, row-major.
    @inline(__always)
    public static func dgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double = 1,
                             a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                             beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 { scaleOnly(c, m: m, n: n, ldc: ldc, beta: beta); return }
        useThreads(forWork: 2 * m * n * k)
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

/// A value guarded by a lock: the BLAS thread count (the one piece of process-wide state the library
/// keeps), and results that concurrent tasks hand back to their caller.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    public init(_ value: Value) { self.value = value }
    public func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
