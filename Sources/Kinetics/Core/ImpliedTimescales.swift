import Foundation

/// Implied time scales t_i = -τ / ln|λ_i| of the eigenvalues of a propagator estimated at lag τ.
///
/// Shared by TICA, VAMP, the SRV and MSMs so that every part of lss reports the same number for the
/// same eigenvalue. The absolute value follows deeptime and PyEMMA: a small negative eigenvalue
/// (noise around zero, or an oscillation) gets a short time scale instead of a NaN.
public enum ImpliedTimescales {
    /// The time scale of one eigenvalue, in the unit of `lag` (frames or ps).
    /// |λ| ≥ 1 gives +∞ (a process that never relaxes at this lag); λ = 0 gives 0.
    public static func timescale(eigenvalue: Double, lag: Double) -> Double {
        let magnitude = abs(eigenvalue)
        if magnitude >= 1 { return .infinity }
        if magnitude == 0 { return 0 }
        return -lag / log(magnitude)
    }

    /// The time scales of several eigenvalues, in their order.
    public static func timescales(eigenvalues: [Double], lag: Double) -> [Double] {
        eigenvalues.map { timescale(eigenvalue: $0, lag: lag) }
    }
}
