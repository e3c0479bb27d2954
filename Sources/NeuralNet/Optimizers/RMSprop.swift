/// RMSprop: θ ← θ - lr · g / (√v + ε) with v ← α v + (1 - α) g², the optimizer that the WGAN
/// literature often prefers for critics (no momentum to fight the adversarial game).
public final class RMSprop: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public var alpha: Float
    public var epsilon: Float
    public var weightDecay: Float
    private let meanSquares: [Matrix]

    public init(parameters: [Parameter], learningRate: Float = 1e-3, alpha: Float = 0.99, epsilon: Float = 1e-8,
                weightDecay: Float = 0) {
        let trainable = parameters.trainable
        self.parameters = trainable
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        meanSquares = trainable.map { Matrix(rows: $0.rows, cols: $0.cols) }
    }

    public func step(gradients: [Matrix]) {
        precondition(gradients.count == parameters.count,
                     "RMSprop.step: \(gradients.count) gradients for \(parameters.count) parameters")
        let a = alpha, lr = learningRate, eps = epsilon, decay = weightDecay
        for (k, p) in parameters.enumerated() {
            let g = gradients[k]
            precondition(g.rows == p.rows && g.cols == p.cols, "RMSprop.step: gradient shape differs for \(p.name)")
            let w = p.value.pointer, gp = g.pointer, v = meanSquares[k].pointer
            for i in 0..<p.value.count {
                let gi = madd(decay, w[i], gp[i])
                let vi = madd(a, v[i] - gi * gi, gi * gi)
                v[i] = vi
                w[i] = madd(-lr, gi / (vi.squareRoot() + eps), w[i])
            }
        }
    }
}
