import Foundation
import LatentSimulator
import NeuralNet
import Testing

@Suite("MDN boundary policy")
struct MDNBoundaryTests {
    /// Every component's mean on the upper edge of the box (sigmoid(30) = 1), scale σ = 0.05: half of
    /// each untruncated draw lies outside. Reflection and redrawing both give the half-normal
    /// 2 φ((u - 1)/σ)/σ on [0, 1] (the fold beyond 0 is 20σ away), whose mean is 1 - σ√(2/π) and which
    /// has no atom at the edge. Clipping would put half of the mass exactly on u = 1.
    ///
    /// The scaler u = 2x - 1 maps the box to x in [0.5, 1]. 2·10⁵ draws: the mean's standard error is
    /// σ √(1 - 2/π)/√n ≈ 7·10⁻⁵ in u, the bound 10⁻³ is > 10σ; the last 0.004-wide bin below the edge
    /// holds about as much as its neighbour (the half-normal is flat at its mode: ratio 1.00 ± 0.03
    /// expected, bound 1.3); draws within 10⁻⁶ of the edge have probability 1.6·10⁻⁵ (bound 10⁻³;
    /// clipping gives 0.5).
    @Test(arguments: [BoundaryPolicy.reflect, .redraw])
    func edgeMeansGiveNoPointMass(policy: BoundaryPolicy) throws {
        let sigma: Float = 0.05
        let scalePreActivation = Float(log(Double(sigma - 1e-3)))   // ELU(b) + 1 + 10⁻³ = σ for b < 0
        let raw: [Float] = [0, 0.5, 30, 30, scalePreActivation, scalePreActivation]
        let scaler = LatentScaler(factors: [2], offsets: [-1], margin: 0.05)
        let propagator = try PropagatorTestSupport.constantMixture(raw: raw, dimension: 1, components: 2,
                                                                   scaler: scaler, boundary: policy)
        let starts = Matrix(rows: 1000, cols: 1, repeating: 0.7)
        let rollouts = propagator.rollouts(from: starts, steps: 200, seed: 3)
        var draws: [Float] = []
        for r in rollouts { draws.append(contentsOf: r.values.dropFirst()) }
        #expect(draws.count == 200_000)
        #expect(draws.allSatisfy { $0 >= 0.5 && $0 <= 1 }, "a draw left the box [0.5, 1]")
        let u = draws.map { 2 * Double($0) - 1 }
        let mean = u.reduce(0, +) / Double(u.count)
        let expected = 1 - Double(sigma) * (2 / Double.pi).squareRoot()
        #expect(abs(mean - expected) < 1e-3, "mean \(mean), half-normal \(expected)")
        let atEdge = Double(u.filter { $0 > 1 - 1e-6 }.count) / Double(u.count)
        #expect(atEdge < 1e-3, "fraction on the edge \(atEdge)")
        let last = u.filter { $0 > 0.996 }.count, previous = u.filter { $0 > 0.992 && $0 <= 0.996 }.count
        #expect(Double(last) / Double(previous) < 1.3, "edge bin \(last) vs neighbour \(previous)")

        // One-step sampling obeys the same policy.
        var generator = RandomGenerator(seed: 9)
        let next = propagator.sample(from: starts, generator: &generator)
        #expect(next.values.allSatisfy { $0 >= 0.5 && $0 <= 1 })
    }

    /// Rollouts from non-finite or far-away starts stay finite and inside the box.
    @Test func strangeStartsStayFinite() throws {
        let raw: [Float] = [0, 1, -1, 2, -3, 0.5]
        let propagator = try PropagatorTestSupport.constantMixture(
            raw: raw, dimension: 1, components: 2, scaler: LatentScaler(factors: [1], offsets: [0], margin: 0.05))
        let starts = Matrix(rows: 3, cols: 1, values: [.nan, 1e30, -.infinity])
        let rollouts = propagator.rollouts(from: starts, steps: 50, seed: 1)
        for r in rollouts {
            #expect(r.values.dropFirst().allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        }
    }
}
