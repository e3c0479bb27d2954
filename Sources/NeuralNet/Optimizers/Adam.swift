import Foundation

/// Adam (Kingma & Ba), with optional weight decay.
///
/// `weightDecay` is decoupled (AdamW, Loshchilov & Hutter): θ ← θ - lr · λ · θ alongside the
/// Adam step, which regularizes every weight equally; with `decoupled: false` it is classic L2,
/// λθ added to the gradient before the moments.
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public var decoupled: Bool
    public private(set) var stepCount = 0
    private let firstMoments: [Matrix]
    private let secondMoments: [Matrix]

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = true) {
        let trainable = parameters.trainable
        self.parameters = trainable
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        firstMoments = trainable.map { Matrix(rows: $0.rows, cols: $0.cols) }
        secondMoments = trainable.map { Matrix(rows: $0.rows, cols: $0.cols) }
    }

    public func step(gradients: [Matrix]) {
        precondition(gradients.count == parameters.count,
                     "Adam.step: \(gradients.count) gradients for \(parameters.count) parameters")
        stepCount += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        // Bias corrections folded into the step size and the denominator.
        let correction1 = 1 - Float(pow(Double(b1), Double(stepCount)))
        let correction2 = 1 - Float(pow(Double(b2), Double(stepCount)))
        let stepSize = learningRate / correction1
        let inverseSqrtCorrection2 = 1 / correction2.squareRoot()
        let l2 = decoupled ? 0 : weightDecay
        let shrink = decoupled ? 1 - learningRate * weightDecay : 1
        for (k, p) in parameters.enumerated() {
            let g = gradients[k]
            precondition(g.rows == p.rows && g.cols == p.cols, "Adam.step: gradient shape differs for \(p.name)")
            let w = p.value.pointer, gp = g.pointer, m = firstMoments[k].pointer, v = secondMoments[k].pointer
            for i in 0..<p.value.count {
                let gi = madd(l2, w[i], gp[i])
                let mi = madd(b1, m[i] - gi, gi)            // b1 m + (1 - b1) g
                let vi = madd(b2, v[i] - gi * gi, gi * gi)  // b2 v + (1 - b2) g²
                m[i] = mi
                v[i] = vi
                let denominator = madd(vi.squareRoot(), inverseSqrtCorrection2, eps)
                w[i] = madd(-stepSize, mi / denominator, w[i] * shrink)
            }
        }
    }
}
