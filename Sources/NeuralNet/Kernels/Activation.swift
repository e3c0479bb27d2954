/// A pointwise activation function, with its first and second derivatives as fused kernels.
///
/// The second derivative is what makes the WGAN gradient penalty trainable: differentiating
/// ∂C/∂x with respect to the weights passes through f'' of every hidden layer.
public enum Activation: Equatable, Sendable, Codable {
    case identity
    case tanh
    case sigmoid
    case relu
    case elu(alpha: Float)
    /// swish / SiLU: x sigmoid(x).
    case swish

    public static let elu = Activation.elu(alpha: 1)

    /// Which value f'(x) is written in terms of. Expressing tanh' as 1 - y² and sigmoid' as
    /// y (1 - y) avoids recomputing the function; the chain rule through y then supplies the
    /// rest of the second derivative.
    public enum DerivativeVariable: Sendable { case none, input, output }

    public var derivativeVariable: DerivativeVariable {
        switch self {
        case .identity, .relu: return .none
        case .tanh, .sigmoid, .elu: return .output
        case .swish: return .input
        }
    }

    /// y = f(x) over `count` elements (x and y may be the same buffer).
    public func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        // With y == x the vectorizer's overlap check fails and the loop runs scalar (3.7 ns per
        // tanh instead of 0.5), so the in-place case gets its own loop over one pointer.
        if UnsafePointer(y) == x {
            applyInPlace(y, count: count)
            return
        }
        switch self {
        case .identity: if UnsafePointer(y) != x { y.update(from: x, count: count) }
        case .tanh: for i in 0..<count { y[i] = fastTanh(x[i]) }
        case .sigmoid: for i in 0..<count { y[i] = fastSigmoid(x[i]) }
        case .relu: for i in 0..<count { let v = x[i]; y[i] = v > 0 ? v : 0 }
        case .elu(let alpha): for i in 0..<count { y[i] = fastELU(x[i], alpha: alpha) }
        case .swish: for i in 0..<count { y[i] = fastSwish(x[i]) }
        }
    }

    /// For a rows × cols block: z += bias (broadcast over rows), then y = f(z). z is kept because
    /// the backward pass of some activations needs the pre-activation. y may alias z only for
    /// `.identity`.
    public func applyWithBias(z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                              y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        switch self {
        case .identity: Self.biasLoop(z, bias, y, rows, cols) { $0 }
        case .tanh: Self.biasLoop(z, bias, y, rows, cols) { fastTanh($0) }
        case .sigmoid: Self.biasLoop(z, bias, y, rows, cols) { fastSigmoid($0) }
        case .relu: Self.biasLoop(z, bias, y, rows, cols) { $0 > 0 ? $0 : 0 }
        case .elu(let alpha): Self.biasLoop(z, bias, y, rows, cols) { fastELU($0, alpha: alpha) }
        case .swish: Self.biasLoop(z, bias, y, rows, cols) { fastSwish($0) }
        }
    }

    /// z = f(z) in place.
    public func applyInPlace(_ z: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity: break
        case .tanh: for i in 0..<count { z[i] = fastTanh(z[i]) }
        case .sigmoid: for i in 0..<count { z[i] = fastSigmoid(z[i]) }
        case .relu: for i in 0..<count { let v = z[i]; z[i] = v > 0 ? v : 0 }
        case .elu(let alpha): for i in 0..<count { z[i] = fastELU(z[i], alpha: alpha) }
        case .swish: for i in 0..<count { z[i] = fastSwish(z[i]) }
        }
    }

    /// z = f(z + bias) in place, where the pre-activation is not needed again.
    public func applyInPlace(_ z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, rows: Int, cols: Int) {
        guard let bias else {
            applyInPlace(z, count: rows * cols)
            return
        }
        switch self {
        case .identity: Self.inPlaceLoop(z, bias, rows, cols) { $0 }
        case .tanh: Self.inPlaceLoop(z, bias, rows, cols) { fastTanh($0) }
        case .sigmoid: Self.inPlaceLoop(z, bias, rows, cols) { fastSigmoid($0) }
        case .relu: Self.inPlaceLoop(z, bias, rows, cols) { $0 > 0 ? $0 : 0 }
        case .elu(let alpha): Self.inPlaceLoop(z, bias, rows, cols) { fastELU($0, alpha: alpha) }
        case .swish: Self.inPlaceLoop(z, bias, rows, cols) { fastSwish($0) }
        }
    }

    @inline(__always)
    private static func inPlaceLoop(_ z: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>,
                                    _ rows: Int, _ cols: Int, _ f: (Float) -> Float) {
        for r in 0..<rows {
            let zr = z + r * cols
            for j in 0..<cols { zr[j] = f(zr[j] + bias[j]) }
        }
    }

    @inline(__always)
    private static func biasLoop(_ z: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>,
                                 _ y: UnsafeMutablePointer<Float>, _ rows: Int, _ cols: Int,
                                 _ f: (Float) -> Float) {
        for r in 0..<rows {
            let zr = z + r * cols, yr = y + r * cols
            for j in 0..<cols {
                let v = zr[j] + bias[j]
                zr[j] = v
                yr[j] = f(v)
            }
        }
    }

    /// out = g ⊙ f'(x), with f' written in terms of x or y = f(x) (see `derivativeVariable`).
    public func derivativeProduct(x: UnsafePointer<Float>, y: UnsafePointer<Float>,
                                  g: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity:
            out.update(from: g, count: count)
        case .tanh:
            for i in 0..<count { let v = y[i]; out[i] = g[i] * madd(-v, v, 1) }
        case .sigmoid:
            for i in 0..<count { let v = y[i]; out[i] = g[i] * (v - v * v) }
        case .relu:
            for i in 0..<count { out[i] = x[i] > 0 ? g[i] : 0 }
        case .elu(let alpha):
            for i in 0..<count { out[i] = x[i] > 0 ? g[i] : g[i] * (y[i] + alpha) }
        case .swish:
            for i in 0..<count {
                let v = x[i], s = fastSigmoid(v)
                out[i] = g[i] * s * madd(v, 1 - s, 1)
            }
        }
    }

    /// out = g ⊙ f'(x) as `derivativeProduct`, and sums[j] = Σ_rows out[:, j] (the bias gradient)
    /// in the same pass over a rows × cols block.
    public func derivativeProductWithColumnSums(x: UnsafePointer<Float>, y: UnsafePointer<Float>,
                                                g: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                                                sums: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        sums.update(repeating: 0, count: cols)
        for r in 0..<rows {
            let offset = r * cols
            derivativeProduct(x: x + offset, y: y + offset, g: g + offset, out: out + offset, count: cols)
            let row = out + offset
            for j in 0..<cols { sums[j] += row[j] }
        }
    }

    /// out = h ⊙ ∂f'/∂v, where v is `derivativeVariable` (x or y). Used only when differentiating
    /// a gradient, so it is the second derivative as seen through the chosen variable.
    public func curvatureProduct(x: UnsafePointer<Float>, y: UnsafePointer<Float>,
                                 h: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity, .relu:
            out.update(repeating: 0, count: count)
        case .tanh:
            for i in 0..<count { out[i] = -2 * y[i] * h[i] }
        case .sigmoid:
            for i in 0..<count { out[i] = h[i] * madd(-2, y[i], 1) }
        case .elu:
            for i in 0..<count { out[i] = x[i] > 0 ? 0 : h[i] }
        case .swish:
            for i in 0..<count {
                let v = x[i], s = fastSigmoid(v)
                out[i] = h[i] * s * (1 - s) * madd(v, madd(-2, s, 1), 2)
            }
        }
    }
}
