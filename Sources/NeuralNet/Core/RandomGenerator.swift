import Foundation

/// A seedable pseudo-random generator: xoshiro256** (Blackman & Vigna), seeded through splitmix64.
///
/// The same seed gives the same stream on every machine and every Swift version, which
/// `SystemRandomNumberGenerator` and the standard library's shuffling do not promise, so lss uses
/// this type and its own shuffle for everything that must be reproducible.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// An independent generator for a sub-task (an ensemble member, a worker): seeded from this
    /// stream, so the whole tree of generators follows from one seed.
    public mutating func split() -> RandomGenerator {
        RandomGenerator(seed: next())
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func uniform() -> Float {
        Float(next() >> 40) * (1 / 16_777_216)
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * (1 / 9_007_199_254_740_992)
    }

    /// A standard normal draw (Box-Muller; the second value of the pair is discarded).
    public mutating func normal() -> Float {
        let u1 = 1 - uniformDouble()           // in (0, 1], so the logarithm is finite
        let u2 = uniformDouble()
        return Float((-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// An integer uniform in 0..<bound, without modulo bias (Lemire's multiply-and-reject method,
    /// written here so the stream never depends on the standard library's algorithm).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "integer(below:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// Fills `count` values uniform in [low, high).
    public mutating func fillUniform(_ p: UnsafeMutablePointer<Float>, count: Int, low: Float = 0, high: Float = 1) {
        let width = high - low
        for i in 0..<count { p[i] = madd(uniform(), width, low) }
    }

    /// Fills `count` normal values with the given mean and standard deviation, using both values of
    /// each Box-Muller pair.
    public mutating func fillNormal(_ p: UnsafeMutablePointer<Float>, count: Int, mean: Float = 0,
                                    standardDeviation: Float = 1) {
        var i = 0
        while i < count {
            let u1 = 1 - uniformDouble(), u2 = uniformDouble()
            let radius = (-2 * Foundation.log(u1)).squareRoot()
            let angle = 2 * Double.pi * u2
            p[i] = mean + standardDeviation * Float(radius * cos(angle))
            if i + 1 < count { p[i + 1] = mean + standardDeviation * Float(radius * sin(angle)) }
            i += 2
        }
    }

    /// A Fisher-Yates shuffle whose result depends only on the seed.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = integer(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }

    /// 0..<count in a random order.
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        shuffle(&indices)
        return indices
    }
}

extension Matrix {
    /// A matrix of independent normal draws.
    public static func randomNormal(rows: Int, cols: Int, mean: Float = 0, standardDeviation: Float = 1,
                                    generator: inout RandomGenerator) -> Matrix {
        let m = Matrix(rows: rows, cols: cols)
        generator.fillNormal(m.pointer, count: m.count, mean: mean, standardDeviation: standardDeviation)
        return m
    }

    /// A matrix of independent uniform draws in [low, high).
    public static func randomUniform(rows: Int, cols: Int, low: Float = 0, high: Float = 1,
                                     generator: inout RandomGenerator) -> Matrix {
        let m = Matrix(rows: rows, cols: cols)
        generator.fillUniform(m.pointer, count: m.count, low: low, high: high)
        return m
    }
}
