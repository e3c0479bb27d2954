import NeuralNet

/// The losses of a conditional Wasserstein GAN with gradient penalty (Gulrajani et al. 2017,
/// "Improved Training of Wasserstein GANs", Algorithm 1), conditioned by concatenating the latent
/// point ψ to the critic's input: D(x ⊕ ψ).
///
/// Critic:    L_D = E[D(x̃ ⊕ ψ)] − E[D(x ⊕ ψ)] + λ E[(‖∇ₓ̂ D(x̂ ⊕ ψ)‖₂ − 1)²],
///            x̂ = ε x + (1 − ε) x̃ with ε ~ U[0, 1] per sample,
/// Generator: L_G = −E[D(G(ψ ⊕ z) ⊕ ψ)].
/// The gradient is taken with respect to the coordinates x̂ only, with ψ held fixed: the penalty
/// keeps D 1-Lipschitz in x for every ψ, which is what makes E[D(real)] − E[D(fake)] an estimate of
/// the Wasserstein-1 distance between the conditional distributions.
public enum WassersteinObjective {
    /// The critic loss of one batch, recorded on `graph` so that its gradient with respect to the
    /// critic's weights includes the penalty's second derivatives.
    public struct CriticTerms {
        /// L_D (1 × 1).
        public var loss: Tensor
        /// E[D(real)] − E[D(fake)]: the Wasserstein estimate of this batch.
        public var wasserstein: Float
        /// λ E[(‖∇D(x̂)‖ − 1)²].
        public var penalty: Float
        /// E‖∇ₓ̂ D(x̂)‖ (1 at the penalty's target).
        public var gradientNorm: Float
    }

    /// - Parameters:
    ///   - real, fake: b × d samples (network units); `condition`: b × m latent rows;
    ///   - mixing: b × 1 interpolation weights ε in [0, 1].
    public static func criticLoss(graph g: Graph, critic: Sequential, real: Matrix, fake: Matrix,
                                  condition: Matrix, mixing: Matrix, penaltyWeight: Float,
                                  distances: DistanceFeatures? = nil) -> CriticTerms {
        let b = real.rows, d = real.cols
        precondition(fake.rows == b && fake.cols == d && condition.rows == b && mixing.rows == b && mixing.cols == 1,
                     "criticLoss: batch shapes differ")
        let psi = g.constant(condition)
        // Real and fake rows in one pass of the critic; the interpolates in a second pass, as a
        // variable, so that ∇ₓ̂ D is taken per sample.
        let pairs = g.concatenate([criticInput(g.constant(real), psi, distances),
                                   criticInput(g.constant(fake), psi, distances)], axis: 0)
        let scores = critic(pairs, training: true)
        let realMean = g.mean(g.slice(scores, rows: 0..<b, cols: nil))
        let fakeMean = g.mean(g.slice(scores, rows: b..<(2 * b), cols: nil))

        // x̂ = x̃ + ε (x − x̃), computed on constants (pooled buffers, nothing recorded).
        let fakeTensor = g.constant(fake)
        let mixed = g.add(fakeTensor, g.multiply(g.constant(mixing), g.subtract(g.constant(real), fakeTensor)))
        let interpolates = g.variable(mixed.value)
        let hatScores = critic(criticInput(interpolates, psi, distances), training: true)
        let gradient = g.gradients(of: g.sum(hatScores), withRespectTo: [interpolates], createGraph: true)[0]
        // ε = 1e-12 inside the root keeps its derivative finite at a zero gradient.
        let norms = g.sqrt(g.add(g.sum(g.square(gradient), axis: 1), 1e-12))
        let penalty = g.scale(g.mean(g.square(g.add(norms, -1))), by: penaltyWeight)
        let loss = g.add(g.subtract(fakeMean, realMean), penalty)
        var normSum: Double = 0
        for r in 0..<b { normSum += Double(norms.value.pointer[r]) }
        return CriticTerms(loss: loss, wasserstein: realMean.scalar - fakeMean.scalar, penalty: penalty.scalar,
                           gradientNorm: Float(normSum / Double(max(b, 1))))
    }

    /// L_G = −E[D(fake ⊕ ψ)] for generated rows `fake` (a tensor on `graph`, b × d).
    public static func generatorLoss(graph g: Graph, critic: Sequential, fake: Tensor, condition: Matrix,
                                     distances: DistanceFeatures? = nil) -> Tensor {
        let scores = critic(criticInput(fake, g.constant(condition), distances), training: true)
        return g.negate(g.mean(scores))
    }

    /// x ⊕ ψ, with the distance features of x appended when given.
    public static func criticInput(_ x: Tensor, _ psi: Tensor, _ distances: DistanceFeatures?) -> Tensor {
        let g = x.graph
        guard let distances, distances.count > 0 else { return g.concatenate([x, psi], axis: 1) }
        return g.concatenate([x, psi, distances(x)], axis: 1)
    }
}
