// Scalar approximations of the transcendental functions the networks need, written so that a plain
// loop over pointers auto-vectorizes: no libm calls (glibc's tanhf costs 15-20 ns per element,
// these cost about 0.3), integer arithmetic with wrapping operators, rounding through a magic
// constant instead of floor().

/// a * b + c, as one fused instruction where the target has FMA (see Package.swift: LSS_FMA).
/// Without hardware FMA, `addingProduct` would become a call to fmaf(), 19x slower, hence the switch.
@inlinable @inline(__always)
public func madd(_ a: Float, _ b: Float, _ c: Float) -> Float {
    #if LSS_FMA
    return c.addingProduct(a, b)
    #else
    return a * b + c
    #endif
}

/// exp(x) with relative error below 3e-7 over the clamped range.
/// Method: x = n ln2 + r with |r| <= ln2/2, exp(r) = 1 + r + r² q(r) with q of degree 4, 2^n
/// assembled in the exponent bits. q's coefficients are a minimax-weighted least-squares fit of
/// (e^r - 1 - r)/r² on [-ln2/2, ln2/2] (relative error 4e-9 in exact arithmetic), so a single-step
/// reduction by a Float ln2 is the accuracy limit, and the whole costs 0.35-0.49 ns per element
/// where a Cephes-style degree-6 form with a two-step reduction cost 0.5-0.63. The input is
/// clamped to [-87.3, 88] so 2^n stays a normal number: exp(-87.3) is about 1.2e-38, the
/// smallest normal Float.
@inlinable @inline(__always)
public func fastExp(_ x: Float) -> Float {
    let clamped = x < -87.3 ? -87.3 : (x > 88.0 ? 88.0 : x)
    // Round x / ln2 to the nearest integer by adding 1.5 * 2^23.
    let shifter: Float = 12_582_912
    let t = madd(clamped, 1.442_695_04, shifter)
    let n = t - shifter
    let r = madd(n, -0.693_147_18, clamped)
    var q: Float = 1.375_176_020e-03
    q = madd(q, r, 8.368_915_310e-03)
    q = madd(q, r, 4.166_952_685e-02)
    q = madd(q, r, 1.666_651_847e-01)
    q = madd(q, r, 4.999_998_862e-01)
    let p = madd(q, r * r, r + 1)
    // 2^n: the integer n sits in the low mantissa bits of t; move it into the exponent field.
    let exponentBits = (t.bitPattern &- shifter.bitPattern &+ 127) &<< 23
    return p * Float(bitPattern: exponentBits)
}

/// tanh(x) with absolute error below 5e-7: an odd rational approximation of degree 13/6
/// (the minimax coefficients Eigen uses), on inputs clamped to ±7.9053, beyond which tanh
/// rounds to ±1 in single precision.
@inlinable @inline(__always)
public func fastTanh(_ x: Float) -> Float {
    let bound: Float = 7.905_311_107_635_498_05
    let c = x < -bound ? -bound : (x > bound ? bound : x)
    let c2 = c * c
    var p: Float = -2.760_768_477_423_55e-16
    p = madd(c2, p, 2.000_187_904_824_77e-13)
    p = madd(c2, p, -8.604_671_522_137_35e-11)
    p = madd(c2, p, 5.122_297_090_371_14e-08)
    p = madd(c2, p, 1.485_722_357_179_79e-05)
    p = madd(c2, p, 6.372_619_288_754_36e-04)
    p = madd(c2, p, 4.893_524_558_917_86e-03)
    p = p * c
    var q: Float = 1.198_258_394_667_02e-06
    q = madd(c2, q, 1.185_347_056_866_54e-04)
    q = madd(c2, q, 2.268_434_632_439_00e-03)
    q = madd(c2, q, 4.893_525_185_543_85e-03)
    // Near saturation the ratio may round one ulp past ±1; clamping it costs 20% and nothing
    // downstream needs |tanh| <= 1 exactly.
    return p / q
}

/// The logistic function 1 / (1 + exp(-x)), computed as (1 + tanh(x/2)) / 2: one rational
/// function instead of an exponential and a division (measured 0.56 against 0.8-0.97 ns per
/// element for swish). Absolute error below 3e-7; saturates to exactly 0 and 1 beyond |x| ≈ 15.8.
@inlinable @inline(__always)
public func fastSigmoid(_ x: Float) -> Float {
    madd(0.5, fastTanh(0.5 * x), 0.5)
}

/// swish / SiLU: x * sigmoid(x) = h (1 + tanh h) with h = x/2.
@inlinable @inline(__always)
public func fastSwish(_ x: Float) -> Float {
    let h = 0.5 * x
    return madd(h, fastTanh(h), h)
}

/// ELU with the given alpha: x for x > 0, alpha (exp(x) - 1) otherwise.
@inlinable @inline(__always)
public func fastELU(_ x: Float, alpha: Float) -> Float {
    x > 0 ? x : alpha * (fastExp(x) - 1)
}
