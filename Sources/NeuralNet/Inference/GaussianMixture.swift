import Foundation

/// Sampling from a mixture of diagonal Gaussians whose parameters come straight out of a network:
/// the draw at the heart of an MDN propagator's synthetic trajectories.
public enum DiagonalGaussianMixture {
    /// Draws one point of `dimension` values into `out`.
    ///
    /// - Parameters:
    ///   - logits: `components` unnormalized log weights (softmax gives the weights).
    ///   - means: `components × dimension` means, component-major.
    ///   - logScales: `components × dimension` natural logs of the standard deviations.
    public static func sample(logits: UnsafePointer<Float>, means: UnsafePointer<Float>,
                              logScales: UnsafePointer<Float>, components: Int, dimension: Int,
                              generator: inout RandomGenerator, into out: UnsafeMutablePointer<Float>) {
        let k = pickComponent(logits: logits, count: components, generator: &generator)
        let mean = means + k * dimension, logScale = logScales + k * dimension
        var i = 0
        while i < dimension {
            // Box-Muller pairs; an odd dimension discards the last spare value.
            let u1 = 1 - generator.uniformDouble(), u2 = generator.uniformDouble()
            let radius = (-2 * Foundation.log(u1)).squareRoot(), angle = 2 * Double.pi * u2
            out[i] = madd(fastExp(logScale[i]), Float(radius * cos(angle)), mean[i])
            if i + 1 < dimension {
                out[i + 1] = madd(fastExp(logScale[i + 1]), Float(radius * sin(angle)), mean[i + 1])
            }
            i += 2
        }
    }

    /// A component index drawn with probability softmax(logits).
    public static func pickComponent(logits: UnsafePointer<Float>, count: Int,
                                     generator: inout RandomGenerator) -> Int {
        var top = logits[0]
        for j in 1..<count { top = max(top, logits[j]) }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { weights in
            var total: Float = 0
            for j in 0..<count {
                let w = fastExp(logits[j] - top)
                weights[j] = w
                total += w
            }
            let target = generator.uniform() * total
            var cumulative: Float = 0
            for j in 0..<count {
                cumulative += weights[j]
                if target < cumulative { return j }
            }
            return count - 1
        }
    }
}
