import NeuralNet

/// Whether synthetic trajectories are new paths or copies of training segments.
///
/// A window is `length` consecutive latent points one MDN lag apart. For each synthetic window the
/// distance to its nearest reference window is the RMS over the window of the Euclidean distance
/// between corresponding points. A model that replays training segments has distances near 0; a
/// model that makes new paths has distances like those of independent MD to the same reference
/// (`baseline`, from MD windows not in the reference).
public struct NoveltyMetric: Codable, Sendable {
    public var window: Int
    /// Median and 10th percentile of the nearest-window distances of synthetic windows.
    public var median: Double
    public var tenthPercentile: Double
    /// The same for the baseline windows (independent MD), when given.
    public var baselineMedian: Double?
    public var baselineTenthPercentile: Double?
    /// Synthetic windows closer to a reference window than 1% of the latent spread: near copies.
    public var nearCopyFraction: Double

    /// - Parameters:
    ///   - synthetic, reference, baseline: latent trajectories, each frames × m, one MDN lag apart.
    ///   - limit: at most this many windows of each set, evenly spaced (the search is brute force).
    public static func measure(synthetic: [Matrix], reference: [Matrix], baseline: [Matrix]?, window: Int,
                               limit: Int = 2000) -> NoveltyMetric? {
        let ref = windows(reference, length: window, limit: 4 * limit)
        let syn = windows(synthetic, length: window, limit: limit)
        guard !ref.isEmpty, !syn.isEmpty else { return nil }
        let spread = latentSpread(reference)
        let synthetic = syn.map { nearest($0, in: ref, points: window) }.sorted()
        let base = baseline.map { windows($0, length: window, limit: limit).map { nearest($0, in: ref, points: window) }.sorted() }
        return NoveltyMetric(window: window, median: quantile(synthetic, 0.5), tenthPercentile: quantile(synthetic, 0.1),
                             baselineMedian: base.flatMap { $0.isEmpty ? nil : quantile($0, 0.5) },
                             baselineTenthPercentile: base.flatMap { $0.isEmpty ? nil : quantile($0, 0.1) },
                             nearCopyFraction: Double(synthetic.count { $0 < 0.01 * spread }) / Double(synthetic.count))
    }

    static func windows(_ trajectories: [Matrix], length: Int, limit: Int) -> [[Float]] {
        var all: [(Matrix, Int)] = []
        for t in trajectories where t.rows >= length {
            for start in 0...(t.rows - length) { all.append((t, start)) }
        }
        guard !all.isEmpty else { return [] }
        let step = max(1, all.count / limit)
        return stride(from: 0, to: all.count, by: step).map { index in
            let (t, start) = all[index]
            return Array(UnsafeBufferPointer(start: t.pointer + start * t.cols, count: length * t.cols))
        }
    }

    /// √((1/L) Σ_t |w_t − r_t|²) to the nearest reference window r, for windows of L = `points`
    /// latent points (each |·| the full Euclidean distance over the m coordinates).
    static func nearest(_ w: [Float], in reference: [[Float]], points: Int) -> Double {
        var best = Float.infinity
        for r in reference {
            var sum: Float = 0
            for i in 0..<w.count {
                let d = w[i] - r[i]
                sum += d * d
                if sum >= best { break }
            }
            best = min(best, sum)
        }
        return Double((best / Float(max(1, points))).squareRoot())
    }

    /// The RMS distance of latent points from their mean, the scale "near" is measured against.
    static func latentSpread(_ trajectories: [Matrix]) -> Double {
        guard let m = trajectories.first?.cols, m > 0 else { return 1 }
        var mean = [Double](repeating: 0, count: m), n = 0.0
        for t in trajectories { for r in 0..<t.rows { for j in 0..<m { mean[j] += Double(t[r, j]) }; n += 1 } }
        mean = mean.map { $0 / max(n, 1) }
        var sum = 0.0
        for t in trajectories { for r in 0..<t.rows { for j in 0..<m { let d = Double(t[r, j]) - mean[j]; sum += d * d } } }
        return (sum / max(n, 1)).squareRoot()
    }

    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        sorted[min(sorted.count - 1, Int(q * Double(sorted.count - 1)))]
    }
}
