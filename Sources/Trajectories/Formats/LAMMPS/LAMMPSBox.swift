/// The simulation box of one dump frame, in the dump's length unit: an origin and three edge
/// vectors, so that a scaled (fractional) position s maps to origin + sx·a + sy·b + sz·c.
///
/// LAMMPS writes an orthogonal box as three "lo hi" lines, and a restricted triclinic box as
/// "lo_bound hi_bound tilt" lines with tilts xy, xz, yz. The bounds enclose the tilted cell, so the
/// box itself is (LAMMPS manual, "Howto triclinic"):
///     xlo = xlo_bound − min(0, xy, xz, xy+xz)    xhi = xhi_bound − max(0, xy, xz, xy+xz)
///     ylo = ylo_bound − min(0, yz)               yhi = yhi_bound − max(0, yz)
///     zlo = zlo_bound                            zhi = zhi_bound
/// with a = (xhi−xlo, 0, 0), b = (xy, yhi−ylo, 0), c = (xz, yz, zhi−zlo). Newer LAMMPS versions may
/// write a general triclinic box as "BOX BOUNDS abc origin": three lines "vx vy vz origin-component".
struct LAMMPSBox {
    var origin: SIMD3<Double>
    var a: SIMD3<Double>
    var b: SIMD3<Double>
    var c: SIMD3<Double>

    /// From the three bound lines; `general` marks the "abc origin" form.
    init?(lines: [[Double]], general: Bool) {
        guard lines.count == 3 else { return nil }
        if general {
            guard lines.allSatisfy({ $0.count == 4 }) else { return nil }
            origin = SIMD3(lines[0][3], lines[1][3], lines[2][3])
            a = SIMD3(lines[0][0], lines[0][1], lines[0][2])
            b = SIMD3(lines[1][0], lines[1][1], lines[1][2])
            c = SIMD3(lines[2][0], lines[2][1], lines[2][2])
            return
        }
        let tilted = lines.allSatisfy { $0.count == 3 }
        guard tilted || lines.allSatisfy({ $0.count == 2 }) else { return nil }
        let (xy, xz, yz) = tilted ? (lines[0][2], lines[1][2], lines[2][2]) : (0, 0, 0)
        let xlo = lines[0][0] - min(0, xy, xz, xy + xz), xhi = lines[0][1] - max(0, xy, xz, xy + xz)
        let ylo = lines[1][0] - min(0, yz), yhi = lines[1][1] - max(0, yz)
        let zlo = lines[2][0], zhi = lines[2][1]
        origin = SIMD3(xlo, ylo, zlo)
        a = SIMD3(xhi - xlo, 0, 0)
        b = SIMD3(xy, yhi - ylo, 0)
        c = SIMD3(xz, yz, zhi - zlo)
    }

    /// Cartesian position of fractional coordinates.
    @inline(__always)
    func cartesian(_ s: SIMD3<Double>) -> SIMD3<Double> {
        origin + s.x * a + s.y * b + s.z * c
    }

    /// The lss box, with the length unit converted by `scale` (nm per dump length unit).
    func box(scale: Double) -> Box {
        Box(a: a * scale, b: b * scale, c: c * scale)
    }

    var isFinite: Bool {
        [origin, a, b, c].allSatisfy { $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }
    }
}
