import Foundation
import NeuralNet

/// Overdamped Langevin (Brownian) dynamics on a `Potential2D`, integrated with Euler-Maruyama as
/// `BrownianDynamics1D` is: r ← r + (D/kT) F(r) dt + √(2 D dt) ξ, ξ ~ N(0, I₂).
public struct BrownianDynamics2D: Sendable {
    public var potential: any Potential2D
    public var diffusion: Double
    public var kT: Double
    public var timeStep: Double

    public init(potential: any Potential2D, diffusion: Double = 1, kT: Double = 1, timeStep: Double = 1e-4) {
        self.potential = potential
        self.diffusion = diffusion
        self.kT = kT
        self.timeStep = timeStep
    }

    /// `frames` saved positions, one every `saveEvery` steps, the first being `start`; the same
    /// seed gives the same trajectory.
    public func simulate(from start: (x: Double, y: Double), frames: Int, saveEvery: Int = 1,
                         seed: UInt64) -> [(x: Double, y: Double)] {
        precondition(frames >= 0 && saveEvery >= 1, "simulate: frames must be ≥ 0 and saveEvery ≥ 1")
        var rng = RandomGenerator(seed: seed)
        var normals = GaussianPairs()
        let drift = diffusion / kT * timeStep, noise = (2 * diffusion * timeStep).squareRoot()
        var (x, y) = start
        var out: [(x: Double, y: Double)] = []
        out.reserveCapacity(frames)
        for frame in 0..<frames {
            if frame > 0 {
                for _ in 0..<saveEvery {
                    let f = potential.force(x, y)
                    x += drift * f.x + noise * normals.next(&rng)
                    y += drift * f.y + noise * normals.next(&rng)
                }
            }
            out.append((x, y))
        }
        return out
    }
}
