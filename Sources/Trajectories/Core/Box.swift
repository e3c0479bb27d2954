import Foundation

/// A periodic cell as three box vectors a, b, c in nm (rows), the representation every format
/// converts to. GROMACS and OpenMM store the vectors; DCD, AMBER, LAMMPS and MDTraj store lengths and
/// angles, which `init(lengths:angles:)` turns into the standard lower-triangular form
/// (a along x, b in the xy plane).
public struct Box: Equatable, Sendable, CustomStringConvertible {
    public var a: SIMD3<Double>
    public var b: SIMD3<Double>
    public var c: SIMD3<Double>

    public init(a: SIMD3<Double>, b: SIMD3<Double>, c: SIMD3<Double>) {
        self.a = a
        self.b = b
        self.c = c
    }

    /// A rectangular box with edge lengths in nm.
    public init(rectangular x: Double, _ y: Double, _ z: Double) {
        self.init(a: [x, 0, 0], b: [0, y, 0], c: [0, 0, z])
    }

    /// From edge lengths (nm) and angles α = ∠(b,c), β = ∠(a,c), γ = ∠(a,b) in degrees.
    public init(lengths: SIMD3<Double>, angles: SIMD3<Double>) {
        let toRadians = Double.pi / 180
        let (alpha, beta, gamma) = (angles.x * toRadians, angles.y * toRadians, angles.z * toRadians)
        // cos(90°) computed in floating point is 6e-17, not 0; exact right angles keep exact zeros.
        func cosine(_ degrees: Double, _ radians: Double) -> Double { degrees == 90 ? 0 : cos(radians) }
        func sine(_ degrees: Double, _ radians: Double) -> Double { degrees == 90 ? 1 : sin(radians) }
        let cosAlpha = cosine(angles.x, alpha), cosBeta = cosine(angles.y, beta)
        let cosGamma = cosine(angles.z, gamma), sinGamma = sine(angles.z, gamma)
        let a = SIMD3<Double>(lengths.x, 0, 0)
        let b = SIMD3<Double>(lengths.y * cosGamma, lengths.y * sinGamma, 0)
        let cx = lengths.z * cosBeta
        let cy = lengths.z * (cosAlpha - cosBeta * cosGamma) / sinGamma
        let cz = (lengths.z * lengths.z - cx * cx - cy * cy).squareRoot()
        self.init(a: a, b: b, c: SIMD3(cx, cy, cz.isNaN ? 0 : cz))
    }

    /// Edge lengths |a|, |b|, |c| in nm.
    public var lengths: SIMD3<Double> {
        SIMD3(Box.norm(a), Box.norm(b), Box.norm(c))
    }

    /// α = ∠(b,c), β = ∠(a,c), γ = ∠(a,b) in degrees.
    public var angles: SIMD3<Double> {
        func angle(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double {
            let nu = Box.norm(u), nv = Box.norm(v)
            guard nu > 0, nv > 0 else { return 90 }
            let cosine = max(-1, min(1, (u * v).sum() / (nu * nv)))
            return acos(cosine) * 180 / Double.pi
        }
        return SIMD3(angle(b, c), angle(a, c), angle(a, b))
    }

    /// True when all off-diagonal components are zero.
    public var isRectangular: Bool {
        a.y == 0 && a.z == 0 && b.x == 0 && b.z == 0 && c.x == 0 && c.y == 0
    }

    /// Cell volume in nm³.
    public var volume: Double {
        let cross = SIMD3(b.y * c.z - b.z * c.y, b.z * c.x - b.x * c.z, b.x * c.y - b.y * c.x)
        return abs((a * cross).sum())
    }

    /// All nine components finite, and the three vectors span a non-degenerate cell.
    public var isValid: Bool {
        let parts = [a, b, c].flatMap { [$0.x, $0.y, $0.z] }
        return parts.allSatisfy(\.isFinite) && volume > 0
    }

    public var description: String {
        if isRectangular { return String(format: "%.5f x %.5f x %.5f nm", a.x, b.y, c.z) }
        let l = lengths, g = angles
        return String(format: "%.5f %.5f %.5f nm, %.3f %.3f %.3f deg", l.x, l.y, l.z, g.x, g.y, g.z)
    }

    static func norm(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
}
