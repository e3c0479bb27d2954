/// How many components (TICA eigenvectors, VAMP singular functions) a model keeps for its output.
public enum ComponentSelection: Codable, Sendable, Equatable {
    /// Every component the epsilon cutoff leaves.
    case all
    /// At most this many (fewer if fewer survive the cutoff).
    case count(Int)
    /// The fewest leading components whose cumulative kinetic variance reaches this fraction in (0, 1].
    case kineticVariance(Double)

    /// The output dimension for components with these values (eigenvalues or singular values, in the
    /// model's order), as deeptime's `CovarianceKoopmanModel.effective_output_dimension`.
    func dimension(values: [Double]) throws -> Int {
        switch self {
        case .all:
            return values.count
        case .count(let k):
            guard k >= 1 else { throw KineticsError(.invalidArgument, "the component count must be at least 1, got \(k)") }
            return min(k, values.count)
        case .kineticVariance(let fraction):
            guard fraction > 0, fraction <= 1 else {
                throw KineticsError(.invalidArgument, "the kinetic variance fraction must lie in (0, 1], got \(fraction)")
            }
            if fraction == 1 { return values.count }
            let cumulative = KineticVariance.cumulative(values)
            let index = cumulative.firstIndex { $0 >= fraction } ?? (values.count - 1)
            return min(index + 1, values.count)
        }
    }
}

/// The kinetic variance of a component is its eigenvalue (or singular value) squared (Noé & Clementi,
/// JCTC 11, 5002 (2015)); the cumulative fraction is Σ_{j≤i} λ_j² / Σ_j λ_j², as deeptime's `_cumvar`.
public enum KineticVariance {
    public static func cumulative(_ values: [Double]) -> [Double] {
        var running = 0.0
        let sums = values.map { value -> Double in running += value * value; return running }
        guard running > 0 else { return values.map { _ in 1 } }
        return sums.map { $0 / running }
    }
}
