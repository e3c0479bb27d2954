import Foundation
import Kinetics
import Testing
import TestSupport

/// The exact answers other tests are judged by, checked themselves against independent numbers.
@Suite struct FourWellReferenceTests {
    let reference: SmoluchowskiReference

    init() throws {
        reference = try SmoluchowskiReference(potential: FourWellPotential(), range: -1.3...1.3, points: 1000)
    }

    @Test func forceIsMinusTheDerivative() {
        let v = FourWellPotential(), h = 1e-6
        for x in stride(from: -1.1, through: 1.1, by: 0.0731) {
            let numeric = -(v.energy(x + h) - v.energy(x - h)) / (2 * h)
            #expect(abs(numeric - v.force(x)) <= 1e-5 * max(1, abs(numeric)), "x = \(x)")
        }
    }

    /// The issue quotes 834, 127 and 65 steps for the continuous-time process.
    @Test func continuousTimeScalesAreTheQuotedOnes() throws {
        let steps = try reference.relaxationTimes(count: 3).map { $0 / 1e-3 }
        #expect(abs(steps[0] - 834) < 1, "\(steps)")
        #expect(abs(steps[1] - 127) < 0.5, "\(steps)")
        #expect(abs(steps[2] - 65) < 0.5, "\(steps)")
    }

    /// ... and about 844, 125 and 64 steps for the Euler-Maruyama chain at dt = 10⁻³.
    @Test func eulerMaruyamaChainTimeScalesAreTheQuotedOnes() throws {
        let coarse = try SmoluchowskiReference(potential: FourWellPotential(), range: -1.3...1.3, points: 500)
        let steps = try coarse.eulerMaruyamaTimescales(timeStep: 1e-3, count: 3)
        #expect(abs(steps[0] - 844) < 2, "\(steps)")
        #expect(abs(steps[1] - 125.5) < 1, "\(steps)")
        #expect(abs(steps[2] - 64.3) < 1, "\(steps)")
    }

    @Test func binProbabilitiesAgreeWithTheGridDensity() throws {
        let edges = stride(from: -1.3, through: 1.3, by: 0.1).map { $0 }
        let exact = try reference.stationaryProbabilities(edges: edges)
        #expect(abs(exact.reduce(0, +) - 1) < 1e-12)
        let density = reference.stationaryDensity, h = reference.grid[1] - reference.grid[0]
        for (k, (a, b)) in zip(edges, edges.dropFirst()).enumerated() {
            let riemann = zip(reference.grid, density).filter { $0.0 >= a && $0.0 < b }.map { $0.1 * h }.reduce(0, +)
            #expect(abs(riemann - exact[k]) < 2e-3, "bin \(k)")
        }
    }

    /// The simulator's long-run histogram matches exp(-V)/Z (a 2·10⁶-step run, ~2400 slowest
    /// relaxation times, so the statistical error of each 0.1-wide bin is ≲ 0.01).
    @Test func simulatorSamplesTheStationaryDensity() throws {
        let dynamics = BrownianDynamics1D(potential: FourWellPotential())
        let x = dynamics.simulate(from: 0, frames: 2_000_000, seed: 7)
        #expect(x == dynamics.simulate(from: 0, frames: 2_000_000, seed: 7).prefix(x.count).map { $0 })
        let edges = stride(from: -1.3, through: 1.3, by: 0.1).map { $0 }
        var counts = [Double](repeating: 0, count: edges.count - 1)
        for value in x { let k = Int((value + 1.3) / 0.1); if k >= 0 && k < counts.count { counts[k] += 1 } }
        let exact = try reference.stationaryProbabilities(edges: edges)
        let worst = zip(counts, exact).map { abs($0 / Double(x.count) - $1) }.max() ?? 1
        #expect(worst < 0.01, "largest bin error \(worst)")
    }
}
