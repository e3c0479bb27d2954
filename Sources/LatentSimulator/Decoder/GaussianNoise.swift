import NeuralNet

/// Standard normal noise for the generator, fast: Box-Muller in Float32 with polynomial log, sin
/// and cos (relative error below 1e-6), two normals per 64-bit draw.
///
/// `RandomGenerator.fillNormal` computes log, cos and sin in Float64 through libm, about 20 ns per
/// value; decoding needs 32 noise values per frame at hundreds of thousands of frames a second, so
/// that alone would take a third of the time.
public enum GaussianNoise {
    /// Fills `count` independent N(0, 1) values. The two uniforms of a pair take 24 bits each of
    /// one draw: u₁ ∈ (0, 1] (so the radius √(−2 ln u₁) is finite, at most 5.77) and u₂ ∈ [0, 1).
    public static func fill(_ p: UnsafeMutablePointer<Float>, count: Int, generator: inout RandomGenerator) {
        var i = 0
        while i + 1 < count {
            let (a, b) = pair(generator.next())
            p[i] = a
            p[i + 1] = b
            i += 2
        }
        if i < count { p[i] = pair(generator.next()).0 }
    }

    @inline(__always)
    static func pair(_ bits: UInt64) -> (Float, Float) {
        let scale: Float = 1.0 / 16_777_216
        let u1 = Float((bits >> 40) + 1) * scale
        let u2 = Float((bits >> 16) & 0xFF_FFFF) * scale
        let radius = (-2 * log(u1)).squareRoot()
        // θ = 2π u₂ − π has the same distribution of (cos θ, sin θ) up to a sign, which a symmetric
        // distribution does not notice; with x = θ/2 ∈ [−π/2, π/2): sin θ = 2 sin x cos x,
        // cos θ = 1 − 2 sin² x.
        let x = Float.pi * u2 - Float.pi / 2
        let (s, c) = sineCosine(x)
        return (radius * (1 - 2 * s * s), radius * 2 * s * c)
    }

    /// Natural logarithm of a positive normal Float: x = m 2ᵉ with m ∈ [√½, √2), then
    /// ln m = 2 atanh(t), t = (m − 1)/(m + 1), |t| < 0.172, by its series to t⁹ (error < 1e-8).
    @inline(__always)
    static func log(_ x: Float) -> Float {
        let bits = x.bitPattern
        var exponent = Int32(bitPattern: bits >> 23) - 127
        var m = Float(bitPattern: (bits & 0x7F_FFFF) | 0x3F80_0000)
        if m > 1.414_213_6 { m *= 0.5; exponent += 1 }
        let t = (m - 1) / (m + 1), t2 = t * t
        let series = 2 * t * (1 + t2 * (1 / 3 + t2 * (1 / 5 + t2 * (1 / 7 + t2 / 9))))
        return Float(exponent) * 0.693_147_18 + series
    }

    /// sin x and cos x for |x| ≤ π/2 by their Taylor series to x¹¹ and x¹² (error < 4e-8).
    @inline(__always)
    static func sineCosine(_ x: Float) -> (Float, Float) {
        let x2 = x * x
        let s = x * (1 - x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72 * (1 - x2 / 110)))))
        let c = 1 - x2 / 2 * (1 - x2 / 12 * (1 - x2 / 30 * (1 - x2 / 56 * (1 - x2 / 90 * (1 - x2 / 132)))))
        return (s, c)
    }
}
