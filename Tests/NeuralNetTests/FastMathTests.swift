import Foundation
import NeuralNet
import Testing

@Suite("Vectorizable approximations against libm")
struct FastMathTests {
    @Test("tanh: absolute error below 1e-6 over [-20, 20]")
    func tanhAccuracy() {
        var worst: Double = 0
        for i in -200_000...200_000 {
            let x = Float(i) * 1e-4
            worst = max(worst, abs(Double(fastTanh(x)) - Foundation.tanh(Double(x))))
        }
        #expect(worst < 1e-6, "worst absolute error \(worst)")
        #expect(abs(fastTanh(100) - 1) <= 3e-7 && fastTanh(-100) == -fastTanh(100))
    }

    @Test("exp: relative error below 5e-7 over [-80, 80]")
    func expAccuracy() {
        var worst: Double = 0
        for i in -160_000...160_000 {
            let x = Float(i) * 5e-4
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(fastExp(x)) - exact) / exact)
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
        #expect(fastExp(0) == 1)
        #expect(fastExp(-1000) >= 0 && fastExp(-1000) < 1e-37)
        #expect(fastExp(1000).isFinite)
    }

    @Test("sigmoid and swish follow from exp")
    func derived() {
        for x in stride(from: Float(-30), through: 30, by: 0.01) {
            let s = 1 / (1 + Foundation.exp(-Double(x)))
            #expect(abs(Double(fastSigmoid(x)) - s) < 1e-6)
            #expect(abs(Double(fastSwish(x)) - Double(x) * s) < 1e-5 * max(1, abs(Double(x))))
        }
    }

    @Test("activation kernels agree with their scalar definitions", arguments: [Activation.tanh, .sigmoid, .relu, .elu, .swish])
    func kernels(_ f: Activation) {
        let x = testMatrix(1, 1000, seed: 60, low: -6, high: 6)
        let y = Matrix(rows: 1, cols: 1000)
        f.apply(x.pointer, y.pointer, count: 1000)
        for i in 0..<1000 {
            let v = Double(x.pointer[i])
            let expected: Double = switch f {
            case .tanh: Foundation.tanh(v)
            case .sigmoid: 1 / (1 + Foundation.exp(-v))
            case .relu: max(v, 0)
            case .elu: v > 0 ? v : Foundation.exp(v) - 1
            case .swish: v / (1 + Foundation.exp(-v))
            case .identity: v
            }
            #expect(abs(Double(y.pointer[i]) - expected) < 1e-5 * max(1, abs(expected)))
        }
    }
}
