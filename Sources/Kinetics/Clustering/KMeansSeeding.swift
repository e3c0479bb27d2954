import NeuralNet

/// k-means++ seeding (Arthur & Vassilvitskii 2007) in its greedy form (as in scikit-learn): each new
/// centre is the best of several candidates drawn with probability proportional to the squared
/// distance to the nearest centre chosen so far, "best" meaning the one that lowers the summed
/// squared distances most. One candidate per step is plain k-means++.
enum KMeansPlusPlus {
    /// `k` initial centres (k × d, row-major) drawn from `frames` with `generator`.
    static func seed(_ data: ClusteringFrames, k: Int, trials: Int,
                     generator: inout RandomGenerator) -> [Double] {
        let n = data.frames, d = data.dimensions
        var centers = [Double](repeating: 0, count: k * d)
        var nearest = [Double](repeating: 0, count: n)
        var candidateDistances = [Double](repeating: 0, count: n * trials)
        var cumulative = [Double](repeating: 0, count: n)
        data.values.withUnsafeBufferPointer { xs in
            let x = xs.baseAddress!
            let first = generator.integer(below: n)
            for t in 0..<d { centers[t] = x[first * d + t] }
            for i in 0..<n { nearest[i] = NearestCenter.squaredDistance(x + i * d, x + first * d, d) }
            var norms = [Double](repeating: 0, count: n)
            for i in 0..<n { var s = 0.0; for t in 0..<d { s += x[i * d + t] * x[i * d + t] }; norms[i] = s }
            for c in 1..<max(k, 1) {
                var total = 0.0
                for i in 0..<n { total += nearest[i]; cumulative[i] = total }
                var candidates = [Int]()
                for _ in 0..<trials {
                    if total > 0 {
                        let target = generator.uniformDouble() * total
                        candidates.append(min(firstIndex(in: cumulative, above: target), n - 1))
                    } else {
                        // Every frame coincides with a chosen centre: any frame is as good as any other.
                        candidates.append(generator.integer(below: n))
                    }
                }
                // Squared distances of every frame to every candidate, ‖x‖² − 2 x·c + ‖c‖², with the
                // inner products in one dgemm (clamped at 0 against rounding).
                var candidateRows = [Double](repeating: 0, count: candidates.count * d)
                for (slot, candidate) in candidates.enumerated() {
                    for t in 0..<d { candidateRows[slot * d + t] = x[candidate * d + t] }
                }
                let m = candidates.count
                var bestCandidate = 0, bestPotential = Double.infinity
                candidateDistances.withUnsafeMutableBufferPointer { cd in
                    candidateRows.withUnsafeBufferPointer { cr in
                        // In blocks of frames: small products stay on one BLAS thread.
                        var start = 0
                        while start < n {
                            let rows = min(NearestCenter.blockSize, n - start)
                            BLAS.dgemm(transA: false, transB: true, m: rows, n: m, k: d, a: x + start * d, lda: d,
                                       b: cr.baseAddress!, ldb: d, c: cd.baseAddress! + start * m, ldc: m)
                            start += rows
                        }
                    }
                    let products = cd.baseAddress!
                    var potentials = [Double](repeating: 0, count: m)
                    let candidateNorms = candidates.map { norms[$0] }
                    norms.withUnsafeBufferPointer { xn in
                        nearest.withUnsafeBufferPointer { near in
                            candidateNorms.withUnsafeBufferPointer { cn in
                                potentials.withUnsafeMutableBufferPointer { potential in
                                    for i in 0..<n {
                                        let row = products + i * m
                                        for slot in 0..<m {
                                            let squared = max(0, xn[i] - 2 * row[slot] + cn[slot])
                                            let value = min(near[i], squared)
                                            row[slot] = value
                                            potential[slot] += value
                                        }
                                    }
                                }
                            }
                        }
                    }
                    for slot in 0..<m where potentials[slot] < bestPotential {
                        bestPotential = potentials[slot]
                        bestCandidate = slot
                    }
                }
                let chosen = candidates[bestCandidate]
                for t in 0..<d { centers[c * d + t] = x[chosen * d + t] }
                for i in 0..<n { nearest[i] = candidateDistances[i * candidates.count + bestCandidate] }
            }
        }
        return centers
    }

    /// The first index whose cumulative weight exceeds `target` (binary search).
    private static func firstIndex(in cumulative: [Double], above target: Double) -> Int {
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
