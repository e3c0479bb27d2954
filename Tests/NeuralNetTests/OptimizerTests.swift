import NeuralNet
import Testing

@Suite("Optimizers, schedules and clipping")
struct OptimizerTests {
    /// f(w) = ½ (w - c)ᵀ A (w - c) with A symmetric positive definite; ∇f = A (w - c).
    static let a: [[Float]] = [[3, 1, 0], [1, 2, 0.5], [0, 0.5, 1]]
    static let c: [Float] = [1, -2, 0.5]

    static func gradient(_ w: Matrix) -> Matrix {
        let g = Matrix(rows: 1, cols: 3)
        for i in 0..<3 { g.pointer[i] = (0..<3).reduce(0) { $0 + a[i][$1] * (w.pointer[$1] - c[$1]) } }
        return g
    }

    static func run(_ optimizer: any Optimizer, _ p: Parameter, steps: Int) {
        for _ in 0..<steps { optimizer.step(gradients: [gradient(p.value)]) }
    }

    @Test("Adam converges to the minimum of a convex quadratic")
    func adam() {
        let p = Parameter(name: "w", value: Matrix(rows: 1, cols: 3))
        let adam = Adam(parameters: [p], learningRate: 0.05)
        Self.run(adam, p, steps: 3000)
        for i in 0..<3 { #expect(abs(p.value.pointer[i] - Self.c[i]) < 1e-3) }
    }

    @Test("Adam with L2 weight decay converges to the solution of (A + λI) w = A c")
    func adamL2() throws {
        let lambda: Float = 0.5
        let p = Parameter(name: "w", value: Matrix(rows: 1, cols: 3))
        let adam = Adam(parameters: [p], learningRate: 0.02, weightDecay: lambda, decoupled: false)
        Self.run(adam, p, steps: 6000)
        // Closed form, solved in Float64.
        var m = DoubleMatrix(Self.a.map { $0.map(Double.init) })
        let ac = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + Double(Self.a[i][$1] * Self.c[$1]) } }
        for i in 0..<3 { m[i, i] += Double(lambda) }
        let l = try LinearAlgebra.cholesky(m)
        let y = LinearAlgebra.solveTriangular(l, DoubleMatrix(rows: 3, cols: 1, values: ac), lower: true)
        let w = LinearAlgebra.solveTriangular(l, y, lower: true, transpose: true)
        for i in 0..<3 { #expect(abs(Double(p.value.pointer[i]) - w.values[i]) < 2e-3) }
    }

    @Test("decoupled weight decay shrinks weights by lr·λ per step when the gradient is zero")
    func decoupledDecay() {
        let p = Parameter(name: "w", value: Matrix([[2, -4]]))
        let adam = Adam(parameters: [p], learningRate: 0.1, weightDecay: 0.5)
        adam.step(gradients: [Matrix(rows: 1, cols: 2)])
        #expect(abs(p.value.pointer[0] - 2 * 0.95) < 1e-6 && abs(p.value.pointer[1] + 4 * 0.95) < 1e-6)
    }

    @Test("Adam's first step moves each weight by the learning rate against the gradient's sign")
    func adamFirstStep() {
        let p = Parameter(name: "w", value: Matrix([[1, 1, 1]]))
        let adam = Adam(parameters: [p], learningRate: 0.01)
        adam.step(gradients: [Matrix([[3, -0.2, 1e-3]])])
        #expect(abs(p.value.pointer[0] - 0.99) < 1e-5)
        #expect(abs(p.value.pointer[1] - 1.01) < 1e-5)
        #expect(abs(p.value.pointer[2] - 0.99) < 1e-4)
    }

    @Test("RMSprop converges to the minimum of a convex quadratic")
    func rmsprop() {
        let p = Parameter(name: "w", value: Matrix(rows: 1, cols: 3))
        let rms = RMSprop(parameters: [p], learningRate: 0.01)
        Self.run(rms, p, steps: 3000)
        for i in 0..<3 { #expect(abs(p.value.pointer[i] - Self.c[i]) < 2e-2) }
        // Decaying the learning rate settles it further.
        for k in 0..<2000 { rms.learningRate = 0.01 * Float(pow(0.997, Double(k))); rms.step(gradients: [Self.gradient(p.value)]) }
        for i in 0..<3 { #expect(abs(p.value.pointer[i] - Self.c[i]) < 1e-3) }
    }

    @Test("exponential decay and gradient-norm clipping")
    func scheduleAndClipping() {
        let decay = ExponentialDecay(initial: 0.1, rate: 0.5)
        #expect(decay.learningRate(epoch: 0) == 0.1)
        #expect(abs(decay.learningRate(epoch: 3) - 0.0125) < 1e-9)
        let g1 = Matrix([[3, 0]]), g2 = Matrix([[0], [4]])
        let norm = clipGradientNorm([g1, g2], maxNorm: 1)
        #expect(abs(norm - 5) < 1e-6)
        #expect(abs(g1.pointer[0] - 0.6) < 1e-6 && abs(g2.pointer[1] - 0.8) < 1e-6)
        let small = Matrix([[0.1, 0.1]])
        clipGradientNorm([small], maxNorm: 1)
        #expect(small.values == [0.1, 0.1])
    }
}

import Foundation
