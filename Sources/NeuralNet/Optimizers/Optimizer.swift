import Foundation

/// Updates a fixed list of parameters from their gradients.
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    var learningRate: Float { get set }
    /// One update; `gradients[i]` belongs to `parameters[i]`.
    func step(gradients: [Matrix])
}

/// The learning rate after `epoch` epochs of exponential decay: initial · rate^epoch.
public struct ExponentialDecay: Sendable {
    public var initial: Float
    public var rate: Float

    public init(initial: Float, rate: Float) {
        precondition(initial > 0 && rate > 0 && rate <= 1, "ExponentialDecay: need initial > 0 and 0 < rate <= 1")
        self.initial = initial
        self.rate = rate
    }

    public func learningRate(epoch: Int) -> Float {
        initial * Float(pow(Double(rate), Double(epoch)))
    }
}

/// Scales the gradients down so that their global L2 norm is at most `maxNorm`, in place.
/// Returns the norm before clipping (worth logging: a norm that keeps growing means trouble).
@discardableResult
public func clipGradientNorm(_ gradients: [Matrix], maxNorm: Float) -> Float {
    precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive")
    var total: Double = 0
    for g in gradients {
        var s: Float = 0
        for i in 0..<g.count { s = madd(g.pointer[i], g.pointer[i], s) }
        total += Double(s)
    }
    let norm = Float(total.squareRoot())
    if norm > maxNorm {
        let factor = maxNorm / norm
        for g in gradients { for i in 0..<g.count { g.pointer[i] *= factor } }
    }
    return norm
}
