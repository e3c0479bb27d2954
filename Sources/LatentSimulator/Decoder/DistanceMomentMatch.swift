import NeuralNet

/// An auxiliary generator loss that matches the first two moments of every interatomic distance
/// between a generated batch and the real batch of the same latent points, each in units of that
/// distance's fluctuation in the training data:
///
///     L = w · mean_k [ (μ̂_k(fake) − μ̂_k(real))² + (ŝ_k(fake) − ŝ_k(real))² ] / σ_k²
///
/// Why: the gradient penalty makes the critic 1-Lipschitz in Cartesian network units, so a bond
/// stretched by five times its thermal fluctuation (0.015 nm, a few hundredths of a unit) can move
/// the Wasserstein estimate by no more than those few hundredths. The critic cannot see the error
/// the structure checks care about most; this term measures it in σ_k, where it is large. Stiff
/// distances (bonds, 1-3 pairs) get a large weight and soft ones (contacts that change with the
/// conformation) a small one. Moments of a batch, not of single frames: the generator keeps the
/// thermal spread. The weight must stay small: when this term's gradient outweighs the critic's,
/// the generator satisfies it with the dominant conformation for every latent point (measured on
/// alanine dipeptide: w = 0.1 on bonded and 1-3 pairs alone, or w = 1 on all pairs, left no αR).
public struct DistanceMomentMatch {
    public let features: DistanceFeatures
    /// 1 × P row of 1/σ_k², σ_k the standard deviation of distance k over the training frames.
    public let inverseVariance: Matrix
    public let weight: Float

    /// The smallest σ_k used, as a fraction of the median σ over all pairs (and never below 1e-4
    /// network units): a distance the data hold rigid (a constrained bond, a rigid group) must not
    /// get a weight so large that the term drowns the critic.
    public static let smallestRelativeDeviation: Float = 0.1
    public static let smallestDeviation: Float = 1e-4

    /// - Parameters: `frames`: the training frames (n × 3a, network units); statistics are taken on
    ///   at most `sampleSize` evenly spaced frames, which is plenty for a standard deviation.
    public init(frames: Matrix, features: DistanceFeatures, weight: Float, sampleSize: Int = 20_000) {
        self.features = features
        self.weight = weight
        let n = frames.rows, p = features.count, count = min(n, sampleSize)
        var sum = [Double](repeating: 0, count: p), sumSquares = [Double](repeating: 0, count: p)
        for s in 0..<count {
            let row = frames.pointer + (s * n / max(count, 1)) * frames.cols
            for (k, pair) in features.pairs.enumerated() {
                let a = row + 3 * pair.first, b = row + 3 * pair.second
                let dx = Double(a[0] - b[0]), dy = Double(a[1] - b[1]), dz = Double(a[2] - b[2])
                let d = (dx * dx + dy * dy + dz * dz).squareRoot()
                sum[k] += d
                sumSquares[k] += d * d
            }
        }
        inverseVariance = Matrix(rows: 1, cols: max(p, 1))
        let deviations = (0..<p).map { k -> Float in
            let mean = sum[k] / Double(max(count, 1))
            return Float(max(0, sumSquares[k] / Double(max(count, 1)) - mean * mean).squareRoot())
        }
        let median = deviations.isEmpty ? 0 : deviations.sorted()[deviations.count / 2]
        let floor = max(Self.smallestRelativeDeviation * median, Self.smallestDeviation)
        for k in 0..<p {
            let deviation = max(deviations[k], floor)
            inverseVariance.pointer[k] = 1 / (deviation * deviation)
        }
    }

    /// L for generated rows `fake` (on the graph) against the constant rows `real` (same latent points).
    public func loss(graph g: Graph, fake: Tensor, real: Matrix) -> Tensor {
        let (realMean, realDeviation) = g.withoutRecording { () -> (Matrix, Matrix) in
            let (m, s) = moments(features(g.constant(real)))
            return (m.value.copy(), s.value.copy())
        }
        let (fakeMean, fakeDeviation) = moments(features(fake))
        let meanError = g.square(g.subtract(fakeMean, g.constant(realMean)))
        let deviationError = g.square(g.subtract(fakeDeviation, g.constant(realDeviation)))
        let weighted = g.multiply(g.add(meanError, deviationError), g.constant(inverseVariance))
        return g.scale(g.mean(weighted), by: weight)
    }

    /// Column means and standard deviations (1 × P each) of a b × P batch of distances.
    private func moments(_ d: Tensor) -> (mean: Tensor, deviation: Tensor) {
        let g = d.graph
        let mean = g.mean(d, axis: 0)
        let variance = g.mean(g.square(g.subtract(d, mean)), axis: 0)
        // The small constant keeps the root's derivative finite for a collapsed generator.
        return (mean, g.sqrt(g.add(variance, 1e-10)))
    }
}
