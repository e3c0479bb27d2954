import Foundation

/// A one-dimensional potential energy surface in units of kT-scaled energy (the caller picks kT).
///
/// Analytical potentials are the systems with known answers: their stationary density and
/// relaxation time scales follow from `SmoluchowskiReference`, so every estimator in lss can be
/// checked against an exact result rather than against another estimator.
public protocol Potential1D: Sendable {
    func energy(_ x: Double) -> Double
    /// -dV/dx.
    func force(_ x: Double) -> Double
}

/// The four-well potential of the LSS and SRV papers (Sidky, Chen & Ferguson 2020; Chen, Sidky &
/// Ferguson 2019) and msmbuilder's quadwell:
/// V(x) = 4 (x⁸ + 0.8 e^(-80x²) + 0.2 e^(-80(x-0.5)²) + 0.5 e^(-40(x+0.5)²)).
/// With D = kT = 1 and dt = 10⁻³ its three slowest relaxation times are about 834, 127 and 65 steps.
public struct FourWellPotential: Potential1D {
    public init() {}

    public func energy(_ x: Double) -> Double {
        let x2 = x * x, x4 = x2 * x2
        return 4 * (x4 * x4 + 0.8 * exp(-80 * x2) + 0.2 * exp(-80 * (x - 0.5) * (x - 0.5))
            + 0.5 * exp(-40 * (x + 0.5) * (x + 0.5)))
    }

    public func force(_ x: Double) -> Double {
        let x2 = x * x, x7 = x2 * x2 * x2 * x
        let a = x - 0.5, b = x + 0.5
        let derivative = 8 * x7 - 128 * x * exp(-80 * x2) - 32 * a * exp(-80 * a * a) - 40 * b * exp(-40 * b * b)
        return -4 * derivative
    }
}
