import NeuralNet
import Testing

/// Finite-difference checks of the automatic differentiation.
///
/// Every check reduces the function's output to a scalar with a fixed random weighting R
/// (L = Σ R ⊙ f), so every output element contributes, and compares ∂L/∂input from the graph with
/// central differences. The scalar is accumulated in Float64 so that the differences are limited
/// by the Float32 function values, not by the reduction.
enum GradientCheck {
    typealias Function = (Graph, [Tensor]) -> Tensor

    static func weights(rows: Int, cols: Int, seed: UInt64) -> Matrix {
        var generator = RandomGenerator(seed: seed)
        return Matrix.randomUniform(rows: rows, cols: cols, low: -1, high: 1, generator: &generator)
    }

    /// Σ R ⊙ out in Float64.
    static func weightedSum(_ out: Matrix, _ r: Matrix) -> Double {
        var s = 0.0
        for i in 0..<out.count { s += Double(out.pointer[i]) * Double(r.pointer[i]) }
        return s
    }

    /// Checks ∂(Σ R ⊙ f(inputs))/∂inputs against central differences with step h.
    static func first(_ inputs: [Matrix], step h: Float = 1e-2, relative: Double = 2e-2, absolute: Double = 2e-3,
                      sourceLocation: SourceLocation = #_sourceLocation, _ f: Function) {
        let probe = Graph()
        let shape = probe.withoutRecording { f(probe, inputs.map { probe.constant($0) }) }.value
        let r = weights(rows: shape.rows, cols: shape.cols, seed: 99)

        let graph = Graph()
        let variables = inputs.map { graph.variable($0) }
        let out = f(graph, variables)
        let loss = graph.sum(graph.multiply(out, graph.constant(r)))
        let analytic = graph.gradients(of: loss, withRespectTo: variables).map { $0.value.copy() }

        func evaluate() -> Double {
            let g = Graph()
            return g.withoutRecording { weightedSum(f(g, inputs.map { g.constant($0) }).value, r) }
        }
        compare(inputs, analytic, step: h, relative: relative, absolute: absolute,
                sourceLocation: sourceLocation, evaluate)
    }

    /// Checks second derivatives: with g = ∂(Σ R ⊙ f)/∂inputs[k] recorded (createGraph), the
    /// gradient of Σ S ⊙ g with respect to every input, against central differences of that same
    /// first-order quantity.
    static func second(_ inputs: [Matrix], withRespectTo k: Int = 0, step h: Float = 1e-2,
                       relative: Double = 3e-2, absolute: Double = 3e-3,
                       sourceLocation: SourceLocation = #_sourceLocation, _ f: Function) {
        let probe = Graph()
        let shape = probe.withoutRecording { f(probe, inputs.map { probe.constant($0) }) }.value
        let r = weights(rows: shape.rows, cols: shape.cols, seed: 98)
        let s = weights(rows: inputs[k].rows, cols: inputs[k].cols, seed: 97)

        func firstOrder(_ g: Graph, _ variables: [Tensor], createGraph: Bool) -> Tensor {
            let loss = g.sum(g.multiply(f(g, variables), g.constant(r)))
            return g.gradients(of: loss, withRespectTo: [variables[k]], createGraph: createGraph)[0]
        }

        let graph = Graph()
        let variables = inputs.map { graph.variable($0) }
        let gradient = firstOrder(graph, variables, createGraph: true)
        let outer = graph.sum(graph.multiply(gradient, graph.constant(s)))
        let analytic = graph.gradients(of: outer, withRespectTo: variables).map { $0.value.copy() }

        func evaluate() -> Double {
            let g = Graph()
            let vs = inputs.map { g.variable($0) }
            return weightedSum(firstOrder(g, vs, createGraph: false).value, s)
        }
        compare(inputs, analytic, step: h, relative: relative, absolute: absolute,
                sourceLocation: sourceLocation, evaluate)
    }

    /// Central differences of `evaluate` with respect to every element of every input (perturbed in
    /// place and restored), compared with `analytic`.
    static func compare(_ inputs: [Matrix], _ analytic: [Matrix], step h: Float, relative: Double, absolute: Double,
                        sourceLocation: SourceLocation, _ evaluate: () -> Double) {
        var worst = 0.0, worstAt = ""
        for (k, m) in inputs.enumerated() {
            for i in 0..<m.count {
                let saved = m.pointer[i]
                m.pointer[i] = saved + h
                let plus = evaluate()
                m.pointer[i] = saved - h
                let minus = evaluate()
                m.pointer[i] = saved
                let numeric = (plus - minus) / (2 * Double(h))
                let exact = Double(analytic[k].pointer[i])
                let excess = abs(numeric - exact) / (absolute + relative * abs(numeric))
                if excess > worst { worst = excess; worstAt = "input \(k)[\(i)]: autodiff \(exact), finite differences \(numeric)" }
            }
        }
        #expect(worst <= 1, "gradient mismatch at \(worstAt)", sourceLocation: sourceLocation)
    }
}

/// Small deterministic test matrices.
func testMatrix(_ rows: Int, _ cols: Int, seed: UInt64, low: Float = -1, high: Float = 1) -> Matrix {
    var generator = RandomGenerator(seed: seed)
    return Matrix.randomUniform(rows: rows, cols: cols, low: low, high: high, generator: &generator)
}
