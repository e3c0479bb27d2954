import Foundation
import Kinetics
import Testing

@Suite("Müller-Brown surface and 2-D Brownian dynamics")
struct MullerBrownTests {
    /// Unscaled stationary points and energies of the standard surface (published coordinates,
    /// energies from an independent Newton solve in NumPy), with the number of negative
    /// curvatures each must have: 0 at a minimum, 1 at a saddle.
    static let stationary: [(x: Double, y: Double, energy: Double, negative: Int)] = [
        (-0.558224, 1.441726, -146.6995, 0), (0.623499, 0.028038, -108.1667, 0), (-0.050011, 0.466694, -80.7678, 0),
        (-0.822002, 0.624313, -40.6648, 1), (0.212487, 0.292988, -72.2489, 1),
    ]

    @Test("the force is minus the gradient (central differences)")
    func forceIsGradient() {
        let v = MullerBrownPotential()
        let h = 1e-6
        for (x, y) in [(-0.5, 1.4), (0.6, 0.1), (-1.2, 0.3), (0.9, 1.8), (0, 0)] {
            let f = v.force(x, y)
            let gx = (v.energy(x + h, y) - v.energy(x - h, y)) / (2 * h)
            let gy = (v.energy(x, y + h) - v.energy(x, y - h)) / (2 * h)
            #expect(abs(f.x + gx) < 1e-6 * max(1, abs(gx)) && abs(f.y + gy) < 1e-6 * max(1, abs(gy)), "at (\(x), \(y))")
        }
    }

    @Test("the standard surface has its published minima and saddles")
    func stationaryPoints() {
        let v = MullerBrownPotential(scale: 1)
        for p in Self.stationary {
            #expect(abs(v.energy(p.x, p.y) - p.energy) < 1e-3, "energy at (\(p.x), \(p.y)): \(v.energy(p.x, p.y))")
            let f = v.force(p.x, p.y)
            // Coordinates to six decimals and curvatures of order 10³ leave a force below about 0.01.
            #expect((f.x * f.x + f.y * f.y).squareRoot() < 0.02, "force at (\(p.x), \(p.y)): \(f)")
            // Hessian by differences of the force; its eigenvalues' signs tell minimum from saddle.
            let h = 1e-5
            let fxp = v.force(p.x + h, p.y), fxm = v.force(p.x - h, p.y)
            let fyp = v.force(p.x, p.y + h), fym = v.force(p.x, p.y - h)
            let hxx = -(fxp.x - fxm.x) / (2 * h), hyy = -(fyp.y - fym.y) / (2 * h)
            let hxy = -((fxp.y - fxm.y) + (fyp.x - fym.x)) / (4 * h)
            let determinant = hxx * hyy - hxy * hxy
            #expect(p.negative == 0 ? (determinant > 0 && hxx > 0) : determinant < 0, "(\(p.x), \(p.y))")
        }
        // The built-in engine's scaling divides every energy by 20.
        let scaled = MullerBrownPotential()
        #expect(abs(scaled.energy(0.3, 0.7) * 20 - v.energy(0.3, 0.7)) < 1e-9)
    }

    /// V = ½ k r²: the Euler-Maruyama chain is x' = (1 − a) x + √(2 D dt) ξ with a = D k dt / kT, so
    /// its stationary variance is 2 D dt / (1 − (1 − a)²) per axis and its autocorrelation at n
    /// steps is (1 − a)ⁿ, exactly. dt = 0.05 makes the chain's variance 1.0256 against the
    /// continuous process's kT/k = 1, a difference the test must see.
    struct Harmonic: Potential2D {
        var k: Double
        func energy(_ x: Double, _ y: Double) -> Double { 0.5 * k * (x * x + y * y) }
        func force(_ x: Double, _ y: Double) -> (x: Double, y: Double) { (-k * x, -k * y) }
    }

    @Test("Brownian dynamics realizes the exact Euler-Maruyama variance and autocorrelation")
    func harmonicChain() {
        let dt = 0.05, a = dt
        let dynamics = BrownianDynamics2D(potential: Harmonic(k: 1), timeStep: dt)
        let frames = dynamics.simulate(from: (0, 0), frames: 100_001, saveEvery: 20, seed: 4).dropFirst(1)
        let exact = 2 * dt / (1 - (1 - a) * (1 - a))
        for values in [frames.map(\.x), frames.map(\.y)] {
            let n = Double(values.count), mean = values.reduce(0, +) / n
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
            // Frames 20 steps apart are nearly independent (correlation 0.36), so the standard
            // error of the variance is about exact · √(2 (1 + 2·0.13) / n) ≈ 0.0052.
            #expect(abs(variance - exact) < 0.02, "variance \(variance), exact \(exact)")
            #expect(abs(variance - exact) < abs(variance - 1), "closer to the continuous process than to the chain")
            var lagged = 0.0
            for i in 0..<(values.count - 1) { lagged += (values[i] - mean) * (values[i + 1] - mean) }
            let correlation = lagged / (n - 1) / variance
            #expect(abs(correlation - pow(1 - a, 20)) < 0.02, "lag-20 correlation \(correlation)")
        }
        // The same seed gives the same trajectory.
        let first = dynamics.simulate(from: (0, 0), frames: 50, saveEvery: 20, seed: 4)
        let second = dynamics.simulate(from: (0, 0), frames: 50, saveEvery: 20, seed: 4)
        #expect(zip(first, second).allSatisfy { $0.x == $1.x && $0.y == $1.y })
    }
}
