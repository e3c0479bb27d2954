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
/// A non-finite norm (NaN or infinite gradients) leaves the gradients as they are: scaling would
/// only hide the problem, and the returned norm reports it.
@discardableResult
public func clipGradientNorm(_ gradients: [Matrix], maxNorm: Float) -> Float {
    precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive")
    let norm = gradientNorm(gradients)
    if norm.isFinite && norm > maxNorm {
        let factor = maxNorm / norm
        // A matrix listed twice is scaled once.
        var seen = Set<ObjectIdentifier>()
        for g in gradients where seen.insert(ObjectIdentifier(g)).inserted {
            for i in 0..<g.count { g.pointer[i] *= factor }
        }
    }
    return norm
}

/// The global L2 norm of a list of gradients, accumulated in Float64.
public func gradientNorm(_ gradients: [Matrix]) -> Float {
    var total: Double = 0
    for g in gradients {
        var s: Float = 0
        for i in 0..<g.count { s = madd(g.pointer[i], g.pointer[i], s) }
        total += Double(s)
    }
    return Float(total.squareRoot())
}
