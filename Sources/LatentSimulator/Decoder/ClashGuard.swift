/// Redraws decoded frames that put two atoms into each other or invert a chiral centre.
///
/// Why: a generator's output is a continuous distribution over coordinates, so a small tail of its
/// frames can bring two non-bonded atoms closer than any MD frame does (measured on alanine
/// dipeptide: one frame in 20,000 at 0.218 nm, where MD's closest contact in 100,000 frames was
/// 0.243 nm). The true conditional distribution has no mass there: such a frame gets fresh noise
/// and is decoded again, as the propagator redraws samples that leave its box. Conditioning on
/// "no clash" removes only that tail. A frame still clashing after `maximumRedraws` draws is kept
/// (a generator that clashes everywhere must show it in the structure checks, not loop).
///
/// The pairs and distance are `StructureCheck`'s (heavy atoms three or more bonds apart; 0.22 nm,
/// or 0.35 nm for a Cα trace), so what the guard removes is exactly what validation calls a clash.
///
/// A frame with a chiral centre (`StructureCheck.chiralCentres`) of the wrong hand is redrawn too:
/// MD never inverts a centre, so such a frame (a D-residue, or the whole mirror image) is as far
/// outside the true conditional distribution as a clash (measured on alanine dipeptide: 1 decoded
/// frame in 20,000 in one seed's model). Cα traces, judged by pseudo-dihedrals, are not guarded.
public struct ClashGuard: Sendable, Equatable {
    /// Selection indices (of the decoded atoms) of the pairs checked.
    public var pairs: [AtomPair]
    /// Contacts closer than this (nm) are clashes.
    public var distance: Float
    /// Centres whose volume sign must match the reference's.
    public var chiralCentres: [StructureCheck.ChiralCentre]
    public static let maximumRedraws = 8

    public init(pairs: [AtomPair], distance: Double, chiralCentres: [StructureCheck.ChiralCentre] = []) {
        self.pairs = pairs
        self.distance = Float(distance)
        self.chiralCentres = chiralCentres
    }

    public init(_ check: StructureCheck) {
        self.init(pairs: check.clashPairs, distance: check.clashDistance, chiralCentres: check.chiralCentres)
    }

    /// Whether a frame (3a values, nm) clashes or has an inverted chiral centre.
    func rejects(_ frame: UnsafePointer<Float>) -> Bool {
        clashes(frame) || invertsCentre(frame)
    }

    /// Whether any chiral centre's volume (N − CA)·((C − CA) × (CB − CA)) has the wrong sign.
    func invertsCentre(_ frame: UnsafePointer<Float>) -> Bool {
        @inline(__always) func p(_ i: Int) -> SIMD3<Double> {
            SIMD3(Double(frame[3 * i]), Double(frame[3 * i + 1]), Double(frame[3 * i + 2]))
        }
        return chiralCentres.contains { c in
            StructureCheck.volume(p(c.centre), p(c.first), p(c.second), p(c.third)) * c.referenceSign < 0
        }
    }

    /// Whether a frame (3a values, nm) has a pair closer than `distance`.
    func clashes(_ frame: UnsafePointer<Float>) -> Bool {
        let limit = distance * distance
        for pair in pairs {
            let a = frame + 3 * pair.first, b = frame + 3 * pair.second
            let dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2]
            if dx * dx + dy * dy + dz * dz < limit { return true }
        }
        return false
    }
}
