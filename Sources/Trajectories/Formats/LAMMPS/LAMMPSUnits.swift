/// A LAMMPS unit style (the `units` command) and how its quantities convert to lss units.
///
/// Factors follow the LAMMPS documentation of `units`: real is Å, fs, Å/fs, kcal/(mol Å); metal is
/// Å, ps, Å/ps, eV/Å; si is m, s, m/s, N; cgs is cm, s, cm/s, dyne; micro is µm, µs, µm/µs,
/// pg·µm/µs²; nano is nm, ns, nm/ns, ag·nm/ns². Forces in si, cgs, micro and nano are per atom and
/// become kJ/(mol nm) through Avogadro's number. The reduced `lj` style (and `electron`, with its
/// atomic time unit) have no fixed physical scale here and are not accepted.
public enum LAMMPSUnits: String, Sendable, CaseIterable {
    case real, metal, si, cgs, micro, nano

    /// From the name LAMMPS uses (`units real`, `ITEM: UNITS` in a dump), or nil when unsupported.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// One length unit in nm.
    public var length: Double {
        switch self {
        case .real, .metal: 0.1
        case .si: 1e9
        case .cgs: 1e7
        case .micro: 1e3
        case .nano: 1
        }
    }

    /// One time unit in ps.
    public var time: Double {
        switch self {
        case .real: 1e-3
        case .metal: 1
        case .si, .cgs: 1e12
        case .micro: 1e6
        case .nano: 1e3
        }
    }

    /// One velocity unit (length/time) in nm/ps.
    public var velocity: Double { length / time }

    /// One force unit in kJ/(mol nm).
    public var force: Double {
        // Newtons per atom → kJ/(mol nm): 1 N = 1e-9 J/nm, × N_A / 1000.
        let newton = 6.02214076e23 * 1e-9 / 1000
        switch self {
        case .real: return 41.84
        case .metal: return 96.485332123 * 10
        case .si: return newton
        case .cgs: return 1e-5 * newton
        case .micro: return 1e-9 * newton
        case .nano: return 1e-12 * newton
        }
    }

    /// The default `timestep` of the style, in its own time unit (LAMMPS documentation of `timestep`).
    public var defaultTimestep: Double {
        switch self {
        case .real: 1.0
        case .metal: 0.001
        case .si, .cgs: 1e-8
        case .micro: 2.0
        case .nano: 0.00045
        }
    }
}
