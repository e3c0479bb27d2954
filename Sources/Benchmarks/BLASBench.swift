import NeuralNet

/// sgemm GFLOP/s on the shapes that training uses, at a fixed thread count.
enum BLASBench {
    /// (transA, transB, m, k, n): C (m × n) = op(A) op(B), k the inner dimension.
    static let shapes: [(Bool, Bool, Int, Int, Int)] = [
        (false, false, 200_000, 300, 100),   // forward of a 300→100 layer at batch 200k
        (true, false, 300, 200_000, 100),    // its weight gradient Xᵀ dZ
        (false, true, 200_000, 100, 300),    // its input gradient dZ Wᵀ
        (false, false, 10_000, 300, 100),
        (false, false, 10_000, 200, 200),
        (false, false, 4096, 100, 100),
        (false, false, 256, 100, 100),
    ]

    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) {
        for (ta, tb, m0, k0, n) in shapes {
            // --quick shrinks the batch dimension tenfold.
            let m = settings.quick && m0 == 200_000 ? 20_000 : m0
            let k = settings.quick && k0 == 200_000 ? 20_000 : k0
            let gflops = measure(transA: ta, transB: tb, m: m, k: k, n: n, threads: settings.threads,
                                 repeats: settings.repeats)
            let op = (ta ? "T" : "N") + (tb ? "T" : "N")
            report(BenchResult(bench: "blas", metric: "sgemm \(op) \(m0)x\(k0)x\(n)", value: gflops, unit: "GFLOP/s"))
        }
    }

    /// GFLOP/s of one sgemm shape, on `threads` threads, or with lss's per-call thread policy
    /// (one thread for small products) when `threads` is nil.
    static func measure(transA: Bool, transB: Bool, m: Int, k: Int, n: Int, threads: Int?, repeats: Int) -> Double {
        var generator = RandomGenerator(seed: 2)
        let a = Matrix.randomUniform(rows: transA ? k : m, cols: transA ? m : k, low: -1, high: 1, generator: &generator)
        let b = Matrix.randomUniform(rows: transB ? n : k, cols: transB ? k : n, low: -1, high: 1, generator: &generator)
        let c = Matrix(rows: m, cols: n)
        let flops = 2.0 * Double(m) * Double(n) * Double(k)
        let savedThreshold = BLAS.parallelThreshold, savedMax = BLAS.maxThreads
        if let threads {
            BLAS.maxThreads = threads
            BLAS.parallelThreshold = 0
        }
        defer { BLAS.parallelThreshold = savedThreshold; BLAS.maxThreads = savedMax }
        // Enough calls per timing to last about 50 ms.
        let calls = max(1, Int(5e9 / flops))
        let seconds = Timing.median(repeats: repeats) {
            for _ in 0..<calls {
                BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a.pointer, lda: a.cols,
                           b: b.pointer, ldb: b.cols, c: c.pointer, ldc: n)
            }
        }
        return flops * Double(calls) / seconds * 1e-9
    }
}
