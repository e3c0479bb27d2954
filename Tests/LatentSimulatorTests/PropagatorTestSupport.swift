import Foundation
import LatentSimulator
import NeuralNet
import Testing

/// Helpers shared by the MDN propagator tests.
enum PropagatorTestSupport {
    /// A propagator whose mixture does not depend on the input: the last layer's weights are zero and
    /// its bias is `raw` (C logits, C·m mean pre-activations, C·m scale pre-activations).
    static func constantMixture(raw: [Float], dimension: Int, components: Int, scaler: LatentScaler,
                                boundary: BoundaryPolicy = .reflect) throws -> MDNPropagator {
        let configuration = MDNPropagator.Configuration(dimension: dimension, components: components, lag: 1,
                                                        hiddenLayers: [4], scaler: scaler, boundary: boundary)
        let propagator = try MDNPropagator(configuration: configuration)
        let last = try lastLayer(of: propagator)
        last.weight.value.fill(0)
        let bias = try #require(last.bias)
        precondition(bias.value.count == raw.count, "raw must have C(2m+1) values")
        for (i, v) in raw.enumerated() { bias.value.pointer[i] = v }
        return propagator
    }

    static func lastLayer(of propagator: MDNPropagator) throws -> Dense {
        try #require(propagator.network.layers.last as? Dense)
    }

    /// A 1-D Ornstein-Uhlenbeck process x' = a x + √(1 - a²) s ξ (stationary N(0, s²)), several trajectories.
    static func ornsteinUhlenbeck(trajectories: Int, frames: Int, a: Float = 0.9, s: Float = 0.3,
                                  seed: UInt64) throws -> TrajectoryData {
        var generator = RandomGenerator(seed: seed)
        let noise = (1 - a * a).squareRoot() * s
        return try TrajectoryData((0..<trajectories).map { _ in
            let m = Matrix(rows: frames, cols: 1)
            var x = s * generator.normal()
            for t in 0..<frames {
                m.pointer[t] = x
                x = a * x + noise * generator.normal()
            }
            return m
        })
    }

    static func allFinite(_ m: Matrix) -> Bool { m.values.allSatisfy(\.isFinite) }
}
