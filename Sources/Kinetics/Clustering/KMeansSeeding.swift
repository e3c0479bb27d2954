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
                var bestCandidate = 0, bestPotential = Double.infinity
                candidateDistances.withUnsafeMutableBufferPointer { cd in
                    for (slot, candidate) in candidates.enumerated() {
                        let base = cd.baseAddress! + slot * n
                        var potential = 0.0
                        for i in 0..<n {
                            let value = min(nearest[i], NearestCenter.squaredDistance(x + i * d, x + candidate * d, d))
                            base[i] = value
                            potential += value
                        }
                        if potential < bestPotential { bestPotential = potential; bestCandidate = slot }
                    }
                }
                let chosen = candidates[bestCandidate]
                for t in 0..<d { centers[c * d + t] = x[chosen * d + t] }
                for i in 0..<n { nearest[i] = candidateDistances[bestCandidate * n + i] }
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
