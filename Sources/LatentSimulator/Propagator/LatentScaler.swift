import Foundation
import NeuralNet

/// A per-coordinate affine map of latent values into [0, 1], the space the MDN's sigmoid means live in.
///
/// u = a (x - min) + margin with a = (1 - 2·margin) / (max - min): the data seen when fitting fill
/// [margin, 1 - margin] (margin 0.05 by default), so they never sit on the edges that the sigmoid
/// only reaches asymptotically, and a propagated state has room to move a little beyond the
/// data before the boundary policy acts. A coordinate with no spread (max = min) gets a = 1.
///
/// Densities transform with the Jacobian: p_x(x) = p_u(u) · Π_d a_d, so log p_x = log p_u + `logJacobian`.
public struct LatentScaler: Codable, Sendable, Equatable {
    /// a_d, per coordinate.
    public let factors: [Double]
    /// u = a_d x + offset_d.
    public let offsets: [Double]
    public let margin: Float

    /// Fits the map to the rows of `data` (frames × dimension). Non-finite values are ignored; a
    /// coordinate without finite values gets the identity map.
    public init(fitting data: Matrix, margin: Float = 0.05) {
        precondition(margin >= 0 && margin < 0.5, "LatentScaler: margin must be in [0, 0.5)")
        var factors: [Double] = [], offsets: [Double] = []
        for d in 0..<data.cols {
            var low = Double.infinity, high = -Double.infinity
            for r in 0..<data.rows {
                let v = Double(data.pointer[r * data.cols + d])
                if v.isFinite { low = min(low, v); high = max(high, v) }
            }
            guard low.isFinite, high.isFinite else { factors.append(1); offsets.append(0); continue }
            let span = high - low
            let a = span > 0 ? (1 - 2 * Double(margin)) / span : 1
            factors.append(a)
            offsets.append(span > 0 ? Double(margin) - a * low : 0.5 - low)
        }
        self.init(factors: factors, offsets: offsets, margin: margin)
    }

    public init(factors: [Double], offsets: [Double], margin: Float) {
        precondition(factors.count == offsets.count && factors.allSatisfy { $0 > 0 && $0.isFinite },
                     "LatentScaler: factors must be positive and as many as the offsets")
        self.factors = factors
        self.offsets = offsets
        self.margin = margin
    }

    public var dimension: Int { factors.count }

    /// Σ_d log a_d: add it to a log density in scaled units to get the density in latent units.
    public var logJacobian: Double { factors.reduce(0) { $0 + log($1) } }

    /// Latent values (rows × dimension) to [0, 1] units.
    public func scale(_ x: Matrix) -> Matrix {
        precondition(x.cols == dimension, "LatentScaler: \(x.cols) columns, the scaler has \(dimension)")
        let u = Matrix(rows: x.rows, cols: x.cols)
        scale(x.pointer, into: u.pointer, rows: x.rows)
        return u
    }

    /// Scaled values back to latent units.
    public func unscale(_ u: Matrix) -> Matrix {
        precondition(u.cols == dimension, "LatentScaler: \(u.cols) columns, the scaler has \(dimension)")
        let x = Matrix(rows: u.rows, cols: u.cols)
        unscale(u.pointer, into: x.pointer, rows: u.rows)
        return x
    }

    func scale(_ x: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, rows: Int) {
        let m = dimension
        for r in 0..<rows {
            for d in 0..<m { u[r * m + d] = Float(factors[d] * Double(x[r * m + d]) + offsets[d]) }
        }
    }

    func unscale(_ u: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, rows: Int) {
        let m = dimension
        for r in 0..<rows {
            for d in 0..<m { x[r * m + d] = Float((Double(u[r * m + d]) - offsets[d]) / factors[d]) }
        }
    }
}
