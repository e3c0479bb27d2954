/// Where the sum of the autocorrelation function stops.
public enum IntegrationWindow: Sendable, Equatable {
    /// Sokal's self-consistent window: the smallest W with W ≥ factor · τ_int(W) (Sokal, "Monte
    /// Carlo methods in statistical mechanics", 1997; factor 5 is his usual choice, enough for an
    /// exponential tail to leave < 1 % of the sum out). The default, with factor 5.
    case selfConsistent(factor: Double)
    /// Up to the last lag before C(τ) first drops to zero or below.
    case firstNonPositive
    /// Exactly lags 1 … W.
    case fixed(Int)

    public static let automatic = IntegrationWindow.selfConsistent(factor: 5)
}

/// The integrated autocorrelation time τ_int = ½ + Σ_{τ=1}^{W} C(τ), in frames.
///
/// The ½ + Σ form is the trapezoid-rule integral ∫₀^∞ C(τ) dτ, so for an exponential ACF
/// e^{−τ/t} it equals t (to O(1/t)): directly comparable with a fitted relaxation time. The
/// statistical inefficiency g = 1 + 2Σ C(τ) of Sokal and of pymbar is 2 τ_int.
public struct IntegratedAutocorrelationTime: Sendable, Equatable {
    /// τ_int in frames.
    public let value: Double
    /// The last lag W included.
    public let window: Int

    /// τ_int of `acf` summed over `window`. Throws when the window cannot be found within the
    /// ACF's lags (the ACF has not decayed: compute it to a longer maximum lag).
    public init(_ acf: AutocorrelationFunction, window: IntegrationWindow = .automatic) throws {
        try self.init(autocorrelation: acf.values, window: window)
    }

    /// τ_int of autocorrelation values C(0), C(1), … given at lags 0, 1, … frames (an ACF computed
    /// elsewhere).
    public init(autocorrelation c: [Double], window: IntegrationWindow = .automatic) throws {
        guard !c.isEmpty, c.allSatisfy(\.isFinite) else {
            throw KineticsError(.invalidArgument, "integrated autocorrelation time: the ACF must have finite values at lags 0, 1, …")
        }
        let maxLag = c.count - 1
        switch window {
        case .fixed(let w):
            guard w >= 0, w <= maxLag else {
                throw KineticsError(.invalidArgument, "integrated autocorrelation time: window \(w) is outside the "
                                        + "ACF's lags 0…\(maxLag)")
            }
            self.window = w
            self.value = 0.5 + c[0...w].dropFirst().reduce(0, +)
        case .firstNonPositive:
            guard let zero = c.indices.dropFirst().first(where: { c[$0] <= 0 }) else {
                throw KineticsError(.insufficientData, "integrated autocorrelation time: the ACF stays positive up to "
                                        + "its maximum lag \(maxLag); compute it to a longer lag")
            }
            self.window = zero - 1
            self.value = 0.5 + c[0..<zero].dropFirst().reduce(0, +)
        case .selfConsistent(let factor):
            guard factor > 0, factor.isFinite else {
                throw KineticsError(.invalidArgument, "integrated autocorrelation time: window factor must be positive, got \(factor)")
            }
            var tau = 0.5
            var w = 1
            while w <= maxLag {
                tau += c[w]
                if Double(w) >= factor * tau {
                    self.window = w
                    self.value = tau
                    return
                }
                w += 1
            }
            throw KineticsError(.insufficientData, "integrated autocorrelation time: no window W ≤ \(maxLag) "
                                    + "satisfies W ≥ \(factor)·τ_int(W) (τ_int(\(maxLag)) = \(tau) frames); "
                                    + "compute the ACF to a maximum lag of at least \(Int((factor * tau).rounded(.up)) * 2) frames")
        }
    }
}
