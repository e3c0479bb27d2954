import Foundation

/// The decorrelation time of a torsion angle (one of the metrics MDGen reports for generated
/// trajectories): how long a dihedral takes to forget its value, without assuming any functional
/// form for the decay.
public enum TorsionDecorrelation {
    /// With z = e^{iθ}, C(τ) = ⟨Re z_t z̄_t+τ⟩ − |⟨z⟩|², normalized by
    /// C(0) = 1 − |⟨z⟩|²; the first τ where it falls below 1/e, interpolated linearly between lags.
    /// `trajectories` hold angles in degrees, one frame every `spacing` ps; the result is in ps, nil
    /// when C never falls below 1/e within `maxLag` frames or the angle never varies.
    public static func time(_ trajectories: [[Double]], spacing: Double, maxLag: Int = 2000) -> Double? {
        let radians = trajectories.map { $0.map { $0 * .pi / 180 } }
        var sumCos = 0.0, sumSin = 0.0, count = 0.0
        for t in radians { for a in t { sumCos += cos(a); sumSin += sin(a); count += 1 } }
        guard count > 1 else { return nil }
        let meanSquare = (sumCos * sumCos + sumSin * sumSin) / (count * count)
        let c0 = 1 - meanSquare
        guard c0 > 1e-9 else { return nil }
        let longest = radians.map(\.count).max() ?? 0
        var previous = 1.0
        for lag in 1..<max(1, min(maxLag, longest)) {
            var sum = 0.0, pairs = 0.0
            for t in radians where t.count > lag {
                for i in 0..<(t.count - lag) { sum += cos(t[i] - t[i + lag]); pairs += 1 }
            }
            guard pairs > 0 else { break }
            let c = (sum / pairs - meanSquare) / c0
            if c < 1 / M_E {
                let fraction = (previous - 1 / M_E) / max(previous - c, 1e-12)
                return (Double(lag - 1) + fraction) * spacing
            }
            previous = c
        }
        return nil
    }
}
