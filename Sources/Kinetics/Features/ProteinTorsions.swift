import Trajectories

/// The protein torsions lss knows by name, with MDTraj's atom definitions
/// (`mdtraj.geometry.dihedral`): φ = C(i−1)-N-CA-C, ψ = N-CA-C-N(i+1), ω = CA-C-N(i+1)-CA(i+1), and
/// χ1 = N-CA-CB-X with X the first of CG, CG1, SG, OG, OG1 that the residue has (so VAL and ILE
/// use CG1, THR OG1, SER OG, CYS SG; ALA and GLY have no χ1).
public enum TorsionKind: String, Codable, Sendable, CaseIterable {
    case phi, psi, omega, chi1
}

/// One named torsion of a topology: its kind, the residue it belongs to and its four atoms.
public struct ProteinTorsion: Sendable, Equatable {
    public var kind: TorsionKind
    /// Zero-based residue index (the residue whose φ, ψ, ω or χ1 this is).
    public var residue: Int
    /// The four atom indices, in the order that defines the sign.
    public var atoms: [Int]
}

extension ProteinTorsion {
    /// Every torsion of `kind` in `topology`, in residue order. Neighbouring residues are the
    /// previous and next residue of the same chain (by index, as MDTraj does); atoms are found by
    /// their names as the file writes them, the first atom of a name in a residue counting.
    public static func find(_ kind: TorsionKind, in topology: Topology) -> [ProteinTorsion] {
        let byResidue = topology.atomsByResidue()
        var names = [[String: Int]](repeating: [:], count: topology.residues.count)
        for (residue, atoms) in byResidue.enumerated() {
            for atom in atoms where names[residue][topology.atoms[atom].name] == nil {
                names[residue][topology.atoms[atom].name] = atom
            }
        }
        func atom(_ name: String, _ residue: Int, offset: Int) -> Int? {
            let other = residue + offset
            guard names.indices.contains(other),
                  topology.residues[other].chainIndex == topology.residues[residue].chainIndex else { return nil }
            return names[other][name]
        }
        let patterns: [[(String, Int)]] = switch kind {
        case .phi: [[("C", -1), ("N", 0), ("CA", 0), ("C", 0)]]
        case .psi: [[("N", 0), ("CA", 0), ("C", 0), ("N", 1)]]
        case .omega: [[("CA", 0), ("C", 0), ("N", 1), ("CA", 1)]]
        case .chi1: ["CG", "CG1", "SG", "OG", "OG1"].map { [("N", 0), ("CA", 0), ("CB", 0), ($0, 0)] }
        }
        var found = [ProteinTorsion]()
        for residue in topology.residues.indices {
            for pattern in patterns {
                let atoms = pattern.compactMap { atom($0.0, residue, offset: $0.1) }
                if atoms.count == 4 {
                    found.append(ProteinTorsion(kind: kind, residue: residue, atoms: atoms))
                    break
                }
            }
        }
        return found
    }
}
