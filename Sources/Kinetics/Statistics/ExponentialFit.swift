import Foundation

/// The model fitted to an autocorrelation function.
public enum RelaxationModel: String, Sendable, CaseIterable {
    /// C(τ) ≈ A e^{−τ/t}.
    case singleExponential
    /// C(τ) ≈ A₁ e^{−τ/t₁} + A₂ e^{−τ/t₂}, for an observable with a fast and a slow process.
    case doubleExponential
}

/// Exponential relaxation fitted to an autocorrelation function by nonlinear least squares.
///
/// Why nonlinear least squares on C(τ) itself (Levenberg-Marquardt) and not a straight line through
/// ln C(τ): the noise of an estimated ACF is roughly the same at every lag, so ln C magnifies it
/// without bound where C is small, and C ≤ 0 in the noisy tail has no logarithm at all, which forces
/// an arbitrary cut. Fitting C directly weighs every lag by its real error. The log-linear fit on
/// the initial decay (lags where C > 0.2) only supplies the starting point.
///
/// The amplitudes are fitted too: C(0) = 1 by normalization, but fast motions (bond vibrations,
/// librations) make the slow exponential start below 1, and forcing A = 1 would bias t. The fit
/// uses lags 1 … maxLag by default (C(0) = 1 carries no information), and time is parametrized as
/// ln t so that it stays positive.
public struct ExponentialFit: Sendable, Equatable {
    public let model: RelaxationModel
    /// The amplitudes, slowest process first.
    public let amplitudes: [Double]
    /// The relaxation times in frames, slowest first.
    public let times: [Double]
    /// The lags fitted.
    public let lags: ClosedRange<Int>
    /// √(mean squared residual) over the fitted lags.
    public let residualRMS: Double

    /// The slowest relaxation time in frames.
    public var relaxationTime: Double { times[0] }

    /// Fits `model` to `acf` over `lags` (default 1 … maxLag).
    public init(_ acf: AutocorrelationFunction, model: RelaxationModel = .singleExponential,
                lags: ClosedRange<Int>? = nil) throws {
        try self.init(autocorrelation: acf.values, model: model, lags: lags)
    }

    /// Fits `model` to autocorrelation values C(0), C(1), … given at lags 0, 1, … frames (an ACF
    /// computed elsewhere, e.g. from an MSM or by deeptime), over `lags` (default 1 … last lag).
    public init(autocorrelation values: [Double], model: RelaxationModel = .singleExponential,
                lags: ClosedRange<Int>? = nil) throws {
        guard !values.isEmpty else {
            throw KineticsError(.insufficientData, "exponential fit: the autocorrelation function has no values")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw KineticsError(.invalidArgument, "exponential fit: C(\(bad)) is \(values[bad]); the ACF must be finite")
        }
        let maxLag = values.count - 1
        let window = lags ?? (min(1, maxLag)...maxLag)
        let parameterCount = model == .singleExponential ? 2 : 4
        guard window.lowerBound >= 0, window.upperBound <= maxLag else {
            throw KineticsError(.invalidArgument, "exponential fit: lags \(window) fall outside the ACF's lags 0…\(maxLag)")
        }
        guard window.count > parameterCount else {
            throw KineticsError(.insufficientData, "exponential fit: \(window.count) lags cannot determine "
                                    + "\(parameterCount) parameters; compute the ACF to a longer maximum lag")
        }
        let tau = window.map(Double.init)
        let c = Array(values[window])
        let start = Self.logLinearStart(values)
        let single = try Self.fit(tau: tau, c: c, start: [start.amplitude, log(start.time)])
        var parameters = single.parameters
        var cost = single.sumOfSquares
        if model == .doubleExponential {
            // Start from the single fit as the slow process and a process ten times faster.
            let slowA = parameters[0], slowT = exp(parameters[1])
            let fastA = max(1 - slowA, 0.1)
            let double = try Self.fit(tau: tau, c: c, start: [slowA, log(slowT), fastA, log(slowT / 10)])
            parameters = double.parameters
            cost = double.sumOfSquares
        }
        var processes = stride(from: 0, to: parameters.count, by: 2).map { (parameters[$0], exp(parameters[$0 + 1])) }
        processes.sort { $0.1 > $1.1 }
        guard processes.allSatisfy({ $0.0.isFinite && $0.1.isFinite && $0.1 > 0 }) else {
            throw KineticsError(.numerical, "exponential fit to the ACF did not converge to finite parameters; "
                                    + "check that the ACF decays within the fitted lags")
        }
        self.model = model
        self.amplitudes = processes.map(\.0)
        self.times = processes.map(\.1)
        self.lags = window
        self.residualRMS = (cost / Double(c.count)).squareRoot()
    }

    /// The fitted curve at `lag` frames.
    public func evaluate(at lag: Double) -> Double {
        zip(amplitudes, times).reduce(0) { $0 + $1.0 * exp(-lag / $1.1) }
    }

    /// Levenberg-Marquardt on Σ (Σ_k A_k e^{−τ/t_k} − C(τ))² with parameters (A_k, ln t_k).
    private static func fit(tau: [Double], c: [Double], start: [Double]) throws -> LevenbergMarquardt.Result {
        let n = start.count
        let result = LevenbergMarquardt.minimize(start: start, residualCount: tau.count) { p, r, jacobian in
            for i in tau.indices {
                var model = 0.0
                for k in stride(from: 0, to: n, by: 2) {
                    let time = exp(p[k + 1])
                    let decay = exp(-tau[i] / time)
                    model += p[k] * decay
                    jacobian[i * n + k] = decay
                    jacobian[i * n + k + 1] = p[k] * decay * tau[i] / time   // ∂/∂ln t
                }
                r[i] = model - c[i]
            }
        }
        guard let result, result.parameters.allSatisfy(\.isFinite) else {
            throw KineticsError(.numerical, "exponential fit to the ACF failed (singular or non-finite least-squares "
                                    + "problem); check that the ACF decays within the fitted lags")
        }
        return result
    }

    /// A and t from a straight line through ln C(τ) on the initial decay: lags 1, 2, … while C > 0.2.
    static func logLinearStart(_ values: [Double]) -> (amplitude: Double, time: Double) {
        var xs = [Double](), ys = [Double]()
        var lag = 1
        while lag < values.count && values[lag] > 0.2 {
            xs.append(Double(lag))
            ys.append(log(values[lag]))
            lag += 1
        }
        if xs.count >= 2 {
            let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
            var sxy = 0.0, sxx = 0.0
            for i in xs.indices { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) * (xs[i] - mx) }
            let slope = sxy / sxx
            if slope < 0 { return (exp(my - slope * mx), -1 / slope) }
        }
        let first = values.count > 1 ? values[1] : 0
        // A decay faster than one frame: the one-lag estimate, bounded to stay finite.
        return (1, first > 0 && first < 1 ? -1 / log(first) : 0.5)
    }
}
