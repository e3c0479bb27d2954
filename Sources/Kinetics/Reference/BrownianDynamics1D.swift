import Foundation
import NeuralNet

/// Overdamped Langevin (Brownian) dynamics in one dimension, integrated with Euler-Maruyama:
/// x ← x + (D/kT) F(x) dt + √(2 D dt) ξ, ξ ~ N(0, 1).
///
/// The integrator is the discrete-time process itself, not an approximation of something else:
/// `SmoluchowskiReference.eulerMaruyamaTimescales` gives the exact time scales this chain realizes
/// (about 844, 125 and 64 steps for the four-well potential, against 834, 127 and 65 for the
/// continuous-time process).
public struct BrownianDynamics1D: Sendable {
    public var potential: any Potential1D
    public var diffusion: Double
    public var kT: Double
    public var timeStep: Double

    public init(potential: any Potential1D, diffusion: Double = 1, kT: Double = 1, timeStep: Double = 1e-3) {
        self.potential = potential
        self.diffusion = diffusion
        self.kT = kT
        self.timeStep = timeStep
    }

    /// A trajectory of `frames` saved positions, one every `saveEvery` steps, the first being `start`.
    /// The same seed gives the same trajectory.
    public func simulate(from start: Double, frames: Int, saveEvery: Int = 1, seed: UInt64) -> [Double] {
        precondition(frames >= 0 && saveEvery >= 1, "simulate: frames must be ≥ 0 and saveEvery ≥ 1")
        var rng = RandomGenerator(seed: seed)
        var normals = GaussianPairs()
        let drift = diffusion / kT * timeStep, noise = (2 * diffusion * timeStep).squareRoot()
        var x = start
        var out = [Double]()
        out.reserveCapacity(frames)
        for frame in 0..<frames {
            if frame > 0 {
                for _ in 0..<saveEvery { x += drift * potential.force(x) + noise * normals.next(&rng) }
            }
            out.append(x)
        }
        return out
    }
}

/// Standard normal deviates in Float64 by the Box-Muller transform, two per pair of uniforms.
struct GaussianPairs {
    private var spare: Double?

    mutating func next(_ rng: inout RandomGenerator) -> Double {
        if let s = spare { spare = nil; return s }
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u = 1 - rng.uniformDouble(), v = rng.uniformDouble()
        let r = (-2 * log(u)).squareRoot(), angle = 2 * Double.pi * v
        spare = r * sin(angle)
        return r * cos(angle)
    }
}
