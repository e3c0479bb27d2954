import Foundation

/// Removes water and ions from a system, by residue name.
///
/// The names cover the common water models and monatomic ions of AMBER, CHARMM, GROMACS and OpenMM
/// files; matching ignores letter case ("Cl", "CL" and "cl" are one name). Stripping never changes
/// the full system: it gives the indices of the atoms kept, the matching sub-topology, and new
/// chunks holding only those atoms.
public struct SolventStripping: Sendable {
    /// Water residue names (upper case).
    public static let waterResidueNames: Set<String> = [
        "HOH", "WAT", "SOL", "H2O", "TIP", "TIP3", "TIP3P", "TIP4", "TIP4P", "TIP4PEW", "TIP5", "TIP5P", "SPC", "SPCE",
        "T3P", "T4P", "T4E", "T5P", "OPC", "OPC3", "DOD", "D2O", "HHO", "OHH", "TP3", "TP4", "TP5", "SWM4", "WATER",
    ]

    /// Monatomic ion residue names (upper case), with the charge-suffixed spellings.
    public static let ionResidueNames: Set<String> = [
        "NA", "NA+", "SOD", "CL", "CL-", "CLA", "K", "K+", "POT", "MG", "MG2", "MG2+", "CAL", "CA2+", "ZN", "ZN2",
        "ZN2+", "LI", "LI+", "LIT", "CS", "CS+", "CES", "RB", "RB+", "IOD", "I", "I-", "BR", "BR-", "F", "F-",
        "IB", "IB+", "CIO", "BA", "BAR", "SR", "CD", "CD2", "NI", "CO", "CU", "FE2", "MN", "HG",
    ]

    /// Whether ions go together with the water (default) or stay.
    public var removesIons: Bool
    /// Further residue names to remove (any case), e.g. co-solvents.
    public var extraResidueNames: Set<String>

    public init(removesIons: Bool = true, extraResidueNames: Set<String> = []) {
        self.removesIons = removesIons
        self.extraResidueNames = Set(extraResidueNames.map { $0.uppercased() })
    }

    /// Whether residues called `name` are removed.
    public func removes(residueNamed name: String) -> Bool {
        let key = name.trimmingCharacters(in: .whitespaces).uppercased()
        return SolventStripping.waterResidueNames.contains(key) || extraResidueNames.contains(key)
            || (removesIons && SolventStripping.ionResidueNames.contains(key))
    }

    /// Indices of the atoms kept, in order.
    public func retainedAtoms(of topology: Topology) -> [Int] {
        // Decided once per residue, not once per atom: a solvated system has few distinct names.
        let removedResidues = topology.residues.map { removes(residueNamed: $0.name) }
        return topology.atoms.indices.filter { atom in
            let residue = topology.atoms[atom].residueIndex
            return !(removedResidues.indices.contains(residue) && removedResidues[residue])
        }
    }

    /// The kept atoms' indices and the topology of just those atoms.
    public func strip(_ topology: Topology) -> (atoms: [Int], topology: Topology) {
        let atoms = retainedAtoms(of: topology)
        return (atoms, topology.subset(atoms: atoms))
    }

    /// A new chunk with only the atoms `strip(topology)` keeps, and that topology; `chunk` is
    /// unchanged.
    public func strip(_ chunk: FrameChunk, topology: Topology) throws(PeriodicError) -> (chunk: FrameChunk, topology: Topology) {
        guard chunk.atomCount == topology.atomCount else {
            throw PeriodicError("the chunk has \(chunk.atomCount) atoms but the topology \(topology.atomCount)")
        }
        let (atoms, stripped) = strip(topology)
        return (chunk.selecting(atoms: atoms), stripped)
    }
}
