import Foundation
import NeuralNet

/// Standard normal deviates for one trajectory: Box-Muller pairs from its own generator, both
/// values used, so a trajectory's noise does not depend on how many others run beside it.
struct NormalStream {
    var generator: RandomGenerator
    private var spare: Float = 0
    private var hasSpare = false

    init(generator: RandomGenerator) { self.generator = generator }

    @inline(__always)
    mutating func next() -> Float {
        if hasSpare { hasSpare = false; return spare }
        let u1 = 1 - generator.uniformDouble(), u2 = generator.uniformDouble()
        let radius = (-2 * Foundation.log(u1)).squareRoot(), angle = 2 * Double.pi * u2
        spare = Float(radius * sin(angle))
        hasSpare = true
        return Float(radius * cos(angle))
    }
}

extension BoundaryPolicy {
    /// Folds a value back into [0, 1] by reflection at the edges (repeated reflections are a fold
    /// with period 2); a non-finite value becomes the box center.
    @inline(__always)
    static func reflect(_ u: Float) -> Float {
        if u >= 0 && u <= 1 { return u }
        guard u.isFinite else { return 0.5 }
        var t = u.truncatingRemainder(dividingBy: 2)
        if t < 0 { t += 2 }
        return t <= 1 ? t : 2 - t
    }
}

extension MixtureLayout {
    /// One draw for one row of raw network output into `out` (m scaled values in [0, 1]), with the
    /// boundary policy applied. Only the chosen component's mean and scale are computed.
    @inline(__always)
    func drawInsideBox(raw: UnsafePointer<Float>, boundary: BoundaryPolicy, noise: inout NormalStream,
                       into out: UnsafeMutablePointer<Float>) {
        let m = dimension
        let meanBase = raw + meanColumns.lowerBound, scaleBase = raw + scaleColumns.lowerBound
        var attempts = 0
        while true {
            let c = DiagonalGaussianMixture.pickComponent(logits: raw, count: components, generator: &noise.generator)
            var inside = true
            for d in 0..<m {
                let k = c * m + d
                let scale = fastELU(scaleBase[k], alpha: 1) + 1 + minimumScale
                let u = madd(scale, noise.next(), fastSigmoid(meanBase[k]))
                out[d] = u
                inside = inside && u >= 0 && u <= 1
            }
            if inside { return }
            attempts += 1
            if boundary == .reflect || attempts >= 16 {
                for d in 0..<m { out[d] = BoundaryPolicy.reflect(out[d]) }
                return
            }
        }
    }
}
