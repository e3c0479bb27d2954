import Foundation

/// A two-dimensional potential energy surface, in the same units as `Potential1D`.
public protocol Potential2D: Sendable {
    func energy(_ x: Double, _ y: Double) -> Double
    /// (−∂V/∂x, −∂V/∂y).
    func force(_ x: Double, _ y: Double) -> (x: Double, y: Double)
}

/// The Müller-Brown surface (Müller & Brown, Theor. Chim. Acta 1979) with its standard parameters,
/// V = scale · Σₖ Aₖ exp[aₖ(x − x0ₖ)² + bₖ(x − x0ₖ)(y − y0ₖ) + cₖ(y − y0ₖ)²].
///
/// Unscaled it has three minima, at (−0.558, 1.442) with V = −146.70, (0.623, 0.028) with −108.17
/// and (−0.050, 0.467) with −80.77, and two saddles, at (−0.822, 0.624) with −40.66 and (0.212,
/// 0.293) with −72.25. The built-in engine uses scale 1/20 with kT = 1 (issue 6), so that the
/// deep minimum lies 5.3 kT below its saddle: its largest curvature there is about 205, so
/// Euler-Maruyama steps need dt ≪ 1/205 (1e-4 keeps dt · curvature at 0.02).
public struct MullerBrownPotential: Potential2D {
    static let a: [Double] = [-200, -100, -170, 15]
    static let alpha: [Double] = [-1, -1, -6.5, 0.7]
    static let beta: [Double] = [0, 0, 11, 0.6]
    static let gamma: [Double] = [-10, -10, -6.5, 0.7]
    static let x0: [Double] = [1, 0, -0.5, -1]
    static let y0: [Double] = [0, 0.5, 1.5, 1]

    /// The factor multiplying the standard surface (1/20 in the built-in engine).
    public var scale: Double

    public init(scale: Double = 1.0 / 20) {
        self.scale = scale
    }

    public func energy(_ x: Double, _ y: Double) -> Double {
        var total = 0.0
        for k in 0..<4 {
            let dx = x - Self.x0[k], dy = y - Self.y0[k]
            total += Self.a[k] * exp(Self.alpha[k] * dx * dx + Self.beta[k] * dx * dy + Self.gamma[k] * dy * dy)
        }
        return scale * total
    }

    public func force(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        var fx = 0.0, fy = 0.0
        for k in 0..<4 {
            let dx = x - Self.x0[k], dy = y - Self.y0[k]
            let term = Self.a[k] * exp(Self.alpha[k] * dx * dx + Self.beta[k] * dx * dy + Self.gamma[k] * dy * dy)
            fx -= term * (2 * Self.alpha[k] * dx + Self.beta[k] * dy)
            fy -= term * (Self.beta[k] * dx + 2 * Self.gamma[k] * dy)
        }
        return (scale * fx, scale * fy)
    }
}
