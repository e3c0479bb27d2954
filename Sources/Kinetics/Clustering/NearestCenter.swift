import NeuralNet

/// Assignment of frames to their nearest centre (squared Euclidean distance).
///
/// The distance is expanded as ‖x‖² − 2 x·c + ‖c‖², so the expensive part, the frames × centres
/// inner products, is one dgemm per block of frames. The expansion loses digits when x and c are
/// far from the origin compared with their distance, which can only swap near-ties; the distance
/// reported for the chosen centre is recomputed directly, so inertia is exact.
enum NearestCenter {
    /// Frames per dgemm block: the block's inner products (block × centres) stay in cache.
    static let blockSize = 2048

    /// Fills `labels[i]` with the index of the centre nearest to frame i and `distances[i]` with the
    /// squared distance to it.
    static func assign(frames x: UnsafePointer<Double>, count n: Int, dimensions d: Int,
                       centers c: UnsafePointer<Double>, centerCount k: Int,
                       labels: UnsafeMutablePointer<Int>, distances: UnsafeMutablePointer<Double>) {
        var centerNorms = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var s = 0.0
            for t in 0..<d { s += c[j * d + t] * c[j * d + t] }
            centerNorms[j] = s
        }
        var products = [Double](repeating: 0, count: min(blockSize, n) * k)
        products.withUnsafeMutableBufferPointer { g in
            centerNorms.withUnsafeBufferPointer { cn in
                var start = 0
                while start < n {
                    let rows = min(blockSize, n - start)
                    let block = x + start * d
                    BLAS.dgemm(transA: false, transB: true, m: rows, n: k, k: d, a: block, lda: d, b: c, ldb: d,
                               c: g.baseAddress!, ldc: k)
                    for i in 0..<rows {
                        let row = g.baseAddress! + i * k
                        var best = 0, bestValue = cn[0] - 2 * row[0]
                        for j in 1..<k {
                            let value = cn[j] - 2 * row[j]
                            if value < bestValue { bestValue = value; best = j }
                        }
                        labels[start + i] = best
                        distances[start + i] = squaredDistance(block + i * d, c + best * d, d)
                    }
                    start += rows
                }
            }
        }
    }

    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ d: Int) -> Double {
        var s = 0.0
        for t in 0..<d {
            let diff = a[t] - b[t]
            s += diff * diff
        }
        return s
    }
}
