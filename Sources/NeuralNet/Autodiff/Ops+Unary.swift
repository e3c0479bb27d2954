import Foundation

// Pointwise functions. Each backward pass is written in graph operations, so all of them can be
// differentiated twice.

extension Graph {
    @inline(__always)
    func map(_ a: Tensor, _ f: (Float) -> Float) -> Matrix {
        let out = allocate(a.rows, a.cols)
        let x = a.value.pointer, y = out.pointer
        for i in 0..<out.count { y[i] = f(x[i]) }
        return out
    }

    public func exp(_ a: Tensor) -> Tensor {
        let out = map(a) { fastExp($0) }
        var y: Tensor!
        y = result(out, inputs: [a]) { [unowned self] g, _ in [self.multiply(g, y)] }
        return y
    }

    /// Natural logarithm (inputs must be positive).
    public func log(_ a: Tensor) -> Tensor {
        let out = map(a) { Foundation.log($0) }
        return result(out, inputs: [a]) { [unowned self] g, _ in [self.divide(g, a)] }
    }

    public func sqrt(_ a: Tensor) -> Tensor {
        let out = map(a) { $0.squareRoot() }
        var y: Tensor!
        y = result(out, inputs: [a]) { [unowned self] g, _ in [self.divide(self.scale(g, by: 0.5), y)] }
        return y
    }

    public func square(_ a: Tensor) -> Tensor {
        let out = map(a) { $0 * $0 }
        return result(out, inputs: [a]) { [unowned self] g, _ in [self.multiply(self.scale(g, by: 2), a)] }
    }

    /// Limits every element to [lower, upper]; the gradient is zero where the bound is active.
    public func clamp(_ a: Tensor, min lower: Float, max upper: Float) -> Tensor {
        precondition(lower <= upper, "clamp: lower bound above upper bound")
        let out = map(a) { $0 < lower ? lower : ($0 > upper ? upper : $0) }
        return result(out, inputs: [a]) { [unowned self] g, _ in
            let mask = self.map(a) { $0 >= lower && $0 <= upper ? 1 : 0 }
            return [self.multiply(g, self.constant(mask))]
        }
    }

    public func tanh(_ a: Tensor) -> Tensor { activation(a, .tanh) }
    public func sigmoid(_ a: Tensor) -> Tensor { activation(a, .sigmoid) }
    public func relu(_ a: Tensor) -> Tensor { activation(a, .relu) }
    public func elu(_ a: Tensor, alpha: Float = 1) -> Tensor { activation(a, .elu(alpha: alpha)) }
    /// swish / SiLU: x sigmoid(x).
    public func swish(_ a: Tensor) -> Tensor { activation(a, .swish) }

    /// y = f(x) for an activation f.
    public func activation(_ x: Tensor, _ f: Activation) -> Tensor {
        if f == .identity { return x }
        let out = allocate(x.rows, x.cols)
        f.apply(x.value.pointer, out.pointer, count: out.count)
        var y: Tensor!
        y = result(out, inputs: [x]) { [unowned self] g, _ in [self.activationDerivative(f, x: x, y: y, upstream: g)] }
        return y
    }

    /// g ⊙ f'(x), where y = f(x) is passed so that f' can be written in whichever is cheaper.
    /// Its own backward pass brings in f'', which the gradient penalty needs.
    func activationDerivative(_ f: Activation, x: Tensor, y: Tensor, upstream g: Tensor) -> Tensor {
        let out = allocate(g.rows, g.cols)
        f.derivativeProduct(x: x.value.pointer, y: y.value.pointer, g: g.value.pointer,
                            out: out.pointer, count: out.count)
        let dependency: Tensor? = switch f.derivativeVariable {
        case .none: nil
        case .input: x
        case .output: y
        }
        var inputs = [g]
        if let dependency { inputs.append(dependency) }
        return result(out, inputs: inputs) { [unowned self] h, needs in
            var grads: [Tensor?] = [needs[0] ? self.activationDerivative(f, x: x, y: y, upstream: h) : nil]
            if dependency != nil {
                grads.append(needs[1] ? self.activationCurvature(f, x: x, y: y, upstream: self.multiply(h, g)) : nil)
            }
            return grads
        }
    }

    /// h ⊙ ∂f'/∂v for the variable v that f' is written in. Third derivatives are not provided:
    /// differentiating this again treats f'' as a constant.
    func activationCurvature(_ f: Activation, x: Tensor, y: Tensor, upstream h: Tensor) -> Tensor {
        let out = allocate(h.rows, h.cols)
        f.curvatureProduct(x: x.value.pointer, y: y.value.pointer, h: h.value.pointer,
                           out: out.pointer, count: out.count)
        return result(out, inputs: [h]) { [unowned self] k, _ in
            [self.activationCurvature(f, x: x, y: y, upstream: k)]
        }
    }
}
