import Foundation
import NeuralNet

extension PropagatorEnsemble {
    /// How much the members' predictive distributions p_k(· | x) disagree at each row x of `points`
    /// (latent units): their generalized Jensen-Shannon divergence with equal weights, which is the
    /// mutual information between the next state and the member index,
    ///   JSD(x) = H(p̄) - 1/M Σ_k H(p_k) = 1/M Σ_k E_{y ~ p_k}[log p_k(y) - log p̄(y)],  p̄ = 1/M Σ_j p_j,
    /// in nats, between 0 (all members agree) and log M (no overlap at all).
    ///
    /// Estimated by Monte Carlo: `samples` draws from each member's mixture (untruncated, so the
    /// densities are exact), each evaluated under every member. It compares whole mixtures, so it
    /// does not depend on how each network labels its components (draws follow a canonical
    /// component order, so even the Monte Carlo noise is the same), nor on the latent scaling
    /// (a divergence is invariant under an invertible map). A negative Monte Carlo estimate is
    /// reported as 0. Row i uses its own generator from `seed` and i, so a score does not depend
    /// on the other rows. One member gives 0 everywhere.
    public func uncertainty(at points: Matrix, samples: Int = 256, seed: UInt64 = 0) -> [Double] {
        precondition(points.cols == dimension, "uncertainty: points must have \(dimension) columns")
        precondition(samples >= 1, "uncertainty: samples must be positive")
        let n = points.rows, m = dimension, count = members.count
        guard count > 1 else { return [Double](repeating: 0, count: n) }
        let outputs = members.map { $0.predictRaw($0.scaledInput(points)) }
        let rows = members.map { MixtureRow(layout: $0.layout) }
        let logCount = Float(log(Double(count)))
        var draw = [Float](repeating: 0, count: m)
        var logDensities = [Float](repeating: 0, count: count)
        return (0..<n).map { i in
            for k in 0..<count {
                rows[k].load(outputs[k].pointer + i * members[k].layout.outputWidth, canonicalOrder: true)
            }
            var generator = RandomGenerator(seed: seed ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15))
            var total = 0.0
            for k in 0..<count {
                var sum: Float = 0
                for _ in 0..<samples {
                    draw.withUnsafeMutableBufferPointer { rows[k].draw(into: $0.baseAddress!, generator: &generator) }
                    var top = -Float.infinity
                    for j in 0..<count {
                        logDensities[j] = draw.withUnsafeBufferPointer { rows[j].logDensity($0.baseAddress!) }
                        top = max(top, logDensities[j])
                    }
                    var s: Float = 0
                    for j in 0..<count { s += fastExp(logDensities[j] - top) }
                    let logMixture = top + Foundation.log(s) - logCount
                    sum += logDensities[k] - logMixture
                }
                total += Double(sum) / Double(samples)
            }
            let score = total / Double(count)
            return score.isFinite ? max(0, score) : Double(log(Double(count)))
        }
    }
}

extension MDNPropagator {
    /// Raw network outputs (n × C(2m+1)) for scaled inputs, as a fresh matrix.
    func predictRaw(_ scaled: Matrix) -> Matrix {
        Predictor(network, chunkRows: 256).predict(scaled).copy()
    }
}
