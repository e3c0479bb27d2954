import Foundation
import Kinetics
import TestSupport
import Testing

/// Deterministic data for the statistics tests: Gaussian samples and Ornstein-Uhlenbeck series.
enum StatisticsTestData {
    /// `count` independent N(mean, sd²) samples (Box-Muller on SplitMix64).
    static func gaussians(_ count: Int, mean: Double = 0, sd: Double = 1, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var out = [Double]()
        out.reserveCapacity(count + 1)
        while out.count < count {
            let u1 = max(rng.uniform(), 1e-300), u2 = rng.uniform()
            let r = (-2 * log(u1)).squareRoot()
            out.append(mean + sd * r * cos(2 * .pi * u2))
            out.append(mean + sd * r * sin(2 * .pi * u2))
        }
        return Array(out.prefix(count))
    }

    /// An Ornstein-Uhlenbeck process dx = −x/t dt + √(2/t) dW sampled every frame, simulated
    /// exactly by the AR(1) update x' = a x + √(1 − a²) ξ with a = e^{−1/t}, started in equilibrium
    /// (x₀ ~ N(0, 1)). Its ACF is e^{−τ/t}.
    static func ornsteinUhlenbeck(_ count: Int, relaxationTime t: Double, seed: UInt64) -> [Double] {
        let noise = gaussians(count, seed: seed)
        let a = exp(-1 / t), b = (1 - a * a).squareRoot()
        var x = [Double](repeating: 0, count: count)
        var current = noise[0]
        x[0] = current
        for i in 1..<count {
            current = a * current + b * noise[i]
            x[i] = current
        }
        return x
    }

    /// Writes little-endian Float64 values for NumPy's `fromfile(path, '<f8')`.
    static func writeFloat64(_ values: [Double], to path: String) throws {
        let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    static var isReleaseBuild: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }
}

/// Records an issue unless `body` throws a KineticsError of `kind`.
func expectStatisticsError(_ kind: KineticsError.Kind, _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("\(what): expected a KineticsError(.\(kind)), got a result", sourceLocation: sourceLocation)
    } catch let error as KineticsError {
        #expect(error.kind == kind, "\(what): \(error.problem)", sourceLocation: sourceLocation)
        #expect(!error.problem.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what): unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
