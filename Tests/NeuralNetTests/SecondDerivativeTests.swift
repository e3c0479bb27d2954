import NeuralNet
import Testing

@Suite("Second derivatives (gradients of gradients), against finite differences")
struct SecondDerivativeTests {
    @Test("fused dense layer, through the input and into the weights",
          arguments: [Activation.identity, .tanh, .sigmoid, .elu, .swish])
    func dense(_ f: Activation) {
        let x = testMatrix(5, 4, seed: 30), w = testMatrix(4, 3, seed: 31), b = testMatrix(1, 3, seed: 32)
        let h: Float = f == .elu ? 1e-3 : 1e-2
        GradientCheck.second([x, w, b], withRespectTo: 0, step: h) { g, t in
            g.dense(t[0], weight: t[1], bias: t[2], activation: f)
        }
        GradientCheck.second([x, w, b], withRespectTo: 1, step: h) { g, t in
            g.dense(t[0], weight: t[1], bias: t[2], activation: f)
        }
    }

    @Test("standalone activations", arguments: [Activation.tanh, .sigmoid, .elu(alpha: 0.5), .swish])
    func activations(_ f: Activation) {
        let a = awayFromZero(testMatrix(4, 3, seed: 33, low: -2, high: 2))
        GradientCheck.second([a], step: 1e-3) { g, t in g.activation(t[0], f) }
    }

    @Test("pointwise and arithmetic operations")
    func pointwise() {
        let a = testMatrix(4, 3, seed: 34), b = testMatrix(1, 3, seed: 35, low: 0.5, high: 2)
        let positive = testMatrix(4, 3, seed: 36, low: 0.5, high: 2)
        GradientCheck.second([a]) { g, t in g.exp(t[0]) }
        GradientCheck.second([positive]) { g, t in g.log(t[0]) }
        GradientCheck.second([positive]) { g, t in g.sqrt(t[0]) }
        GradientCheck.second([a]) { g, t in g.square(t[0]) }
        GradientCheck.second([a, b]) { g, t in g.multiply(t[0], t[1]) }
        GradientCheck.second([a, b], withRespectTo: 1) { g, t in g.divide(t[0], t[1]) }
        GradientCheck.second([a, b]) { g, t in g.divide(g.square(t[0]), t[1]) }
        GradientCheck.second([a]) { g, t in g.square(g.mean(g.square(t[0]), axis: 1)) }
    }

    @Test("matmul, softmax, log-sum-exp, slicing")
    func structured() {
        let a = testMatrix(4, 3, seed: 37), w = testMatrix(3, 5, seed: 38)
        GradientCheck.second([a, w]) { g, t in g.square(g.matmul(t[0], t[1])) }
        GradientCheck.second([a, w], withRespectTo: 1) { g, t in g.tanh(g.matmul(t[0], t[1])) }
        GradientCheck.second([a]) { g, t in g.logSumExp(t[0]) }
        GradientCheck.second([a]) { g, t in g.softmax(t[0]) }
        GradientCheck.second([a]) { g, t in g.square(g.concatenate([g.slice(t[0], cols: 0..<2), t[0]], axis: 1)) }
    }

    /// The WGAN-GP penalty itself: λ mean((‖∇ₓ C(x)‖ - 1)²) for a two-layer critic, differentiated
    /// with respect to the critic's weights, against finite differences of the penalty.
    @Test("gradient penalty of an MLP critic", arguments: [Activation.tanh, .swish])
    func gradientPenalty(_ f: Activation) {
        let x = testMatrix(6, 4, seed: 40)
        let w1 = testMatrix(4, 5, seed: 41), b1 = testMatrix(1, 5, seed: 42)
        let w2 = testMatrix(5, 1, seed: 43), b2 = testMatrix(1, 1, seed: 44)

        func penalty(_ g: Graph, _ t: [Tensor], createGraph: Bool) -> Tensor {
            let hidden = g.dense(t[0], weight: t[1], bias: t[2], activation: f)
            let score = g.dense(hidden, weight: t[3], bias: t[4], activation: .identity)
            let gradX = g.gradients(of: g.sum(score), withRespectTo: [t[0]], createGraph: createGraph)[0]
            let norms = g.sqrt(g.add(g.sum(g.square(gradX), axis: 1), 1e-12))
            return g.scale(g.mean(g.square(g.add(norms, -1))), by: 10)
        }
        let graph = Graph()
        let variables = [x, w1, b1, w2, b2].map { graph.variable($0) }
        let value = penalty(graph, variables, createGraph: true)
        let analytic = graph.gradients(of: value, withRespectTo: variables).map { $0.value.copy() }
        GradientCheck.compare([x, w1, b1, w2, b2], analytic, step: 1e-2, relative: 3e-2, absolute: 3e-3,
                              sourceLocation: #_sourceLocation) {
            let g = Graph()
            return Double(penalty(g, [x, w1, b1, w2, b2].map { g.variable($0) }, createGraph: false).scalar)
        }
    }
}
