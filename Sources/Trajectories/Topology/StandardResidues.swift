/// Residue and atom names that selections, element inference and the PDB writer treat specially.
///
/// The sets are lss's own, chosen for the files MD engines write (AMBER, CHARMM, GROMACS, OpenMM
/// naming), not the full PDB chemical component dictionary that MDTraj uses for `protein`: a
/// modified residue from a crystal structure (say 2MR) is not protein here unless listed.
public enum StandardResidues {
    /// The twenty amino acids as the PDB names them.
    public static let aminoAcids: Set<String> = [
        "ALA", "ARG", "ASN", "ASP", "CYS", "GLN", "GLU", "GLY", "HIS", "ILE",
        "LEU", "LYS", "MET", "PHE", "PRO", "SER", "THR", "TRP", "TYR", "VAL",
    ]

    /// Protonation and force-field variants of the amino acids (AMBER, CHARMM, GROMACS names).
    static let aminoAcidVariants: Set<String> = [
        "HID", "HIE", "HIP", "HSD", "HSE", "HSP", "HISA", "HISB", "HISD", "HISE", "HISH", "HIS1", "HIS2",
        "CYX", "CYM", "CYN", "CYS2", "CYSH", "ASH", "ASPH", "GLH", "GLUH", "LYN", "LSN", "LYSH", "ARN",
    ]

    /// Residues that AMBER's tleap names with an N or C prefix at chain termini (NALA, CALA, ...).
    private static let amberTerminalBases: Set<String> = aminoAcids.union(
        ["HID", "HIE", "HIP", "CYX", "CYM", "ASH", "GLH", "LYN"])

    /// Capping groups and common modified residues in simulation inputs.
    static let capsAndModified: Set<String> = [
        "ACE", "NME", "NMA", "NHE", "NH2", "MSE", "SEP", "TPO", "PTR", "HYP", "AIB",
    ]

    /// Residue names counted as protein by `protein`, `backbone` and `sidechain`.
    public static let protein: Set<String> = aminoAcids
        .union(aminoAcidVariants)
        .union(capsAndModified)
        .union(amberTerminalBases.flatMap { ["N" + $0, "C" + $0] })

    /// DNA and RNA residue names (PDB, AMBER terminal variants, CHARMM).
    public static let nucleic: Set<String> = {
        var names: Set<String> = ["ADE", "CYT", "GUA", "THY", "URA"]
        for base in ["DA", "DC", "DG", "DT", "DI", "A", "C", "G", "U", "I"] {
            names.insert(base)
            for suffix in ["5", "3", "N"] { names.insert(base + suffix) }
        }
        for base in ["RA", "RC", "RG", "RU"] {
            for suffix in ["5", "3", "N"] { names.insert(base + suffix) }
        }
        return names
    }()

    /// Water residue names (MDTraj's list, which follows VMD, plus common model names).
    public static let water: Set<String> = [
        "HOH", "WAT", "SOL", "H2O", "HHO", "OHH", "OH2", "DOD", "TIP", "TIP2", "TIP3", "TIP4", "TIP5",
        "T3P", "T4P", "T5P", "TP3", "TIP3P", "TIP4P", "TIP5P", "SPC", "SPCE", "OPC",
    ]

    /// Residue names of monatomic ions, upper-cased (compare with `name.uppercased()`).
    public static let ions: Set<String> = [
        "NA", "NA+", "SOD", "K", "K+", "POT", "LI", "LI+", "LIT", "RB", "RB+", "RUB", "CS", "CS+", "CES",
        "CL", "CL-", "CLA", "F", "F-", "BR", "BR-", "I", "I-", "IOD",
        "MG", "MG2", "MG2+", "CA", "CA2", "CA2+", "CAL", "ZN", "ZN2", "ZN2+", "SR", "BA", "BAR",
        "MN", "MN2", "FE", "FE2", "FE3", "CO", "CO2", "NI", "NI2", "CU", "CU1", "CU2", "CD", "CD2",
    ]

    /// Elements that occur as monatomic ions in simulations; `ion` requires one of them.
    public static let ionElements: Set<String> = [
        "Li", "Na", "K", "Rb", "Cs", "Mg", "Ca", "Sr", "Ba", "Zn", "Mn", "Fe", "Co", "Ni", "Cu", "Cd",
        "F", "Cl", "Br", "I",
    ]

    /// CHARMM names for ions whose letters are not the element symbol.
    public static let charmmIonElements: [String: String] = [
        "SOD": "Na", "POT": "K", "CLA": "Cl", "CAL": "Ca", "CES": "Cs", "LIT": "Li", "RUB": "Rb",
        "BAR": "Ba", "ZN2": "Zn", "CD2": "Cd", "MG2": "Mg",
    ]

    /// Protein backbone atom names (as MDTraj's `backbone`: heavy atoms only).
    public static let backboneNames: Set<String> = ["N", "CA", "C", "O"]

    /// Atom names that `sidechain` leaves out of a protein residue (MDTraj's definition, which keeps
    /// terminal hydrogens H1/H2/H3, OXT and glycine's HA2/HA3 in the side chain).
    public static let nonSidechainNames: Set<String> = ["N", "CA", "C", "O", "HA", "H"]

    public static func isProtein(_ residueName: String) -> Bool { protein.contains(residueName) }
    public static func isNucleic(_ residueName: String) -> Bool { nucleic.contains(residueName) }
    public static func isWater(_ residueName: String) -> Bool { water.contains(residueName) }
    /// Residues whose atoms follow PDB naming, so that the first letter of a name is its element.
    public static func isPolymerOrWater(_ residueName: String) -> Bool {
        protein.contains(residueName) || nucleic.contains(residueName) || water.contains(residueName)
    }
}
