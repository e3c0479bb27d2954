import Foundation

/// The unit-cell record of a CHARMM-flavour DCD frame: six doubles in the order
/// A, γ, B, β, α, C, lengths in Å.
///
/// Writers disagree on the angles. CHARMM, NAMD after 2.5, OpenMM, MDTraj and current LAMMPS store
/// the cosines cos γ, cos β, cos α; NAMD 2.5 and older LAMMPS store the angles in degrees. Like VMD's
/// DCD plugin (and so MDTraj), the reader takes the three values as cosines when all of them lie in
/// [−1, 1] (no sensible cell has an angle of at most one degree) and as degrees otherwise. A
/// cosine is turned back into an angle as 90° − asin(cos) rather than acos(cos), so that a stored 0
/// gives exactly 90°.
enum DCDUnitCell {
    /// The box of one frame, or nil when the record holds no cell (all lengths zero, as NAMD writes
    /// for a non-periodic run).
    static func decode(_ values: [Double]) -> Box? {
        let (a, gammaValue, b, betaValue, alphaValue, c) = (values[0], values[1], values[2], values[3], values[4], values[5])
        if a == 0 && b == 0 && c == 0 { return nil }
        let storedAngles = SIMD3(alphaValue, betaValue, gammaValue)
        let areCosines = storedAngles.x >= -1 && storedAngles.x <= 1 && storedAngles.y >= -1 && storedAngles.y <= 1
            && storedAngles.z >= -1 && storedAngles.z <= 1
        let degrees = areCosines ? SIMD3(angle(cosine: storedAngles.x), angle(cosine: storedAngles.y),
                                         angle(cosine: storedAngles.z)) : storedAngles
        return Box(lengths: SIMD3(a, b, c) * 0.1, angles: degrees)
    }

    /// The six doubles to store for `box` (lengths in Å, angles as cosines, exact 0 for 90°).
    static func encode(_ box: Box) -> [Double] {
        let lengths = box.lengths * 10
        let angles = box.isRectangular ? SIMD3<Double>(90, 90, 90) : box.angles
        return [lengths.x, cosine(degrees: angles.z), lengths.y, cosine(degrees: angles.y),
                cosine(degrees: angles.x), lengths.z]
    }

    static func angle(cosine: Double) -> Double {
        90 - asin(max(-1, min(1, cosine))) * 180 / Double.pi
    }

    static func cosine(degrees: Double) -> Double {
        // sin(90° − θ) is exactly 0 for θ = 90°, where cos(π/2) in floating point is 6e-17.
        sin((90 - degrees) * Double.pi / 180)
    }
}
