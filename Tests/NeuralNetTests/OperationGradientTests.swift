import NeuralNet
import Testing

/// Inputs kept at least 0.1 away from zero, where ReLU, ELU and clamp have kinks that central
/// differences would straddle.
func awayFromZero(_ m: Matrix) -> Matrix {
    for i in 0..<m.count { let v = m.pointer[i]; m.pointer[i] = v >= 0 ? v + 0.1 : v - 0.1 }
    return m
}

@Suite("First derivatives of every operation, against finite differences")
struct OperationGradientTests {
    @Test("add, subtract, multiply, divide with row, column and scalar broadcasting",
          arguments: [(4, 3), (1, 3), (4, 1), (1, 1)])
    func broadcastingArithmetic(bRows: Int, bCols: Int) {
        let a = testMatrix(4, 3, seed: 1)
        let b = testMatrix(bRows, bCols, seed: 2)
        let positive = testMatrix(bRows, bCols, seed: 3, low: 0.5, high: 2)
        GradientCheck.first([a, b]) { g, t in g.add(t[0], t[1]) }
        GradientCheck.first([a, b]) { g, t in g.subtract(t[0], t[1]) }
        GradientCheck.first([b, a]) { g, t in g.subtract(t[0], t[1]) }
        GradientCheck.first([a, b]) { g, t in g.multiply(t[0], t[1]) }
        GradientCheck.first([b, a]) { g, t in g.multiply(t[0], t[1]) }
        GradientCheck.first([a, positive]) { g, t in g.divide(t[0], t[1]) }
        GradientCheck.first([positive, a]) { g, t in g.divide(t[1], t[0]) }
    }

    @Test("scale, scalar add and negate")
    func scalarOperations() {
        let a = testMatrix(3, 4, seed: 4)
        GradientCheck.first([a]) { g, t in g.scale(t[0], by: -2.5) }
        GradientCheck.first([a]) { g, t in g.add(t[0], 3) }
        GradientCheck.first([a]) { g, t in -t[0] }
    }

    @Test("sum and mean over each axis, broadcast")
    func reductions() {
        let a = testMatrix(5, 3, seed: 5)
        for axis in [0, 1, nil] as [Int?] {
            GradientCheck.first([a]) { g, t in g.sum(t[0], axis: axis) }
            GradientCheck.first([a]) { g, t in g.mean(t[0], axis: axis) }
        }
        GradientCheck.first([testMatrix(1, 3, seed: 6)]) { g, t in g.broadcast(t[0], toRows: 4, cols: 3) }
        GradientCheck.first([testMatrix(4, 1, seed: 7)]) { g, t in g.broadcast(t[0], toRows: 4, cols: 3) }
    }

    @Test("exp, log, sqrt, square, clamp")
    func pointwise() {
        let a = testMatrix(4, 3, seed: 8)
        let positive = testMatrix(4, 3, seed: 9, low: 0.3, high: 2)
        GradientCheck.first([a]) { g, t in g.exp(t[0]) }
        GradientCheck.first([positive]) { g, t in g.log(t[0]) }
        GradientCheck.first([positive]) { g, t in g.sqrt(t[0]) }
        GradientCheck.first([a]) { g, t in g.square(t[0]) }
        // Elements at ±0.1 and beyond: the bounds ±0.5 are crossed by some, none sits on a bound.
        let spread = Matrix(rows: 2, cols: 3, values: [-0.9, -0.3, 0.2, 0.35, 0.7, 1.2])
        GradientCheck.first([spread]) { g, t in g.clamp(t[0], min: -0.5, max: 0.5) }
    }

    @Test("activations", arguments: [Activation.tanh, .sigmoid, .relu, .elu(alpha: 0.7), .swish])
    func activations(_ f: Activation) {
        let a = awayFromZero(testMatrix(4, 3, seed: 10, low: -2, high: 2))
        GradientCheck.first([a]) { g, t in g.activation(t[0], f) }
    }

    @Test("matmul with every transpose combination", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmul(transposeA: Bool, transposeB: Bool) {
        let a = transposeA ? testMatrix(3, 4, seed: 11) : testMatrix(4, 3, seed: 11)
        let b = transposeB ? testMatrix(5, 3, seed: 12) : testMatrix(3, 5, seed: 12)
        GradientCheck.first([a, b]) { g, t in g.matmul(t[0], t[1], transposeA: transposeA, transposeB: transposeB) }
    }

    @Test("transpose, slice, pad, concatenate")
    func shapes() {
        let a = testMatrix(4, 5, seed: 13)
        GradientCheck.first([a]) { g, t in g.transpose(t[0]) }
        GradientCheck.first([a]) { g, t in g.slice(t[0], rows: 1..<3, cols: 2..<5) }
        GradientCheck.first([a]) { g, t in g.slice(t[0], cols: 0..<2) }
        GradientCheck.first([a]) { g, t in g.pad(t[0], toRows: 6, cols: 7, rowOffset: 1, colOffset: 2) }
        let b = testMatrix(4, 2, seed: 14), c = testMatrix(3, 5, seed: 15)
        GradientCheck.first([a, b]) { g, t in g.concatenate([t[0], t[1]], axis: 1) }
        GradientCheck.first([a, c]) { g, t in g.concatenate([t[0], t[1]], axis: 0) }
    }

    @Test("log-sum-exp, softmax, log-softmax")
    func softmaxFamily() {
        let a = testMatrix(4, 6, seed: 16, low: -3, high: 3)
        GradientCheck.first([a]) { g, t in g.logSumExp(t[0]) }
        GradientCheck.first([a]) { g, t in g.softmax(t[0]) }
        GradientCheck.first([a]) { g, t in g.logSoftmax(t[0]) }
    }

    @Test("covariance")
    func covariance() {
        let x = testMatrix(6, 3, seed: 17), y = testMatrix(6, 2, seed: 18)
        GradientCheck.first([x, y]) { g, t in g.covariance(t[0], t[1]) }
        GradientCheck.first([x, y]) { g, t in g.covariance(t[0], t[1], removeMean: false) }
    }

    @Test("fused dense layer", arguments: [Activation.identity, .tanh, .sigmoid, .relu, .elu, .elu(alpha: -0.5), .swish])
    func dense(_ f: Activation) {
        let x = testMatrix(5, 4, seed: 19), w = testMatrix(4, 3, seed: 20), b = testMatrix(1, 3, seed: 21)
        // ReLU and ELU have kinks at zero: a smaller step keeps the differences on one side
        // (the fixed seeds put no pre-activation within 1e-3 of zero).
        let h: Float = if case .elu = f { 1e-3 } else if f == .relu { 1e-3 } else { 1e-2 }
        GradientCheck.first([x, w, b], step: h) { g, t in g.dense(t[0], weight: t[1], bias: t[2], activation: f) }
        GradientCheck.first([x, w], step: h) { g, t in g.dense(t[0], weight: t[1], bias: nil, activation: f) }
    }
}
