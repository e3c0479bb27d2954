import NeuralNet
import Trajectories

/// Dihedral angles as (cos φ, sin φ) pairs, two features per dihedral: continuous where the angle
/// wraps at ±π, as pyEMMA's `add_dihedrals(cossin=True)` and `add_backbone_torsions`.
public struct DihedralFeaturizer: Featurizer {
    public let atomCount: Int
    public let labels: [String]
    /// The quartets, one per dihedral (two features each).
    public let quartets: [[Int]]
    public let periodic: Bool
    let kernel: DihedralKernel

    public var featureCount: Int { 2 * quartets.count }

    /// Dihedrals over the given quartets; `names` (one per quartet) make the labels "<name> cos"
    /// and "<name> sin".
    public init(topology: Topology, quartets: [[Int]], names: [String], periodic: Bool = true) throws {
        guard !quartets.isEmpty else { throw KineticsError(.emptySelection, "dihedrals: no quartet given") }
        guard quartets.allSatisfy({ $0.count == 4 }), names.count == quartets.count else {
            throw KineticsError(.invalidArgument, "dihedrals: give four atoms and one name per dihedral")
        }
        try checkAtomIndices(quartets.flatMap { $0 }, atomCount: topology.atomCount, what: "a dihedral quartet")
        atomCount = topology.atomCount
        self.quartets = quartets
        self.periodic = periodic
        labels = names.flatMap { ["\($0) cos", "\($0) sin"] }
        kernel = DihedralKernel(quartets: quartets.flatMap { $0 }, output: .cosineSine)
    }

    /// The protein torsions of the given kinds (MDTraj's definitions, `TorsionKind`), grouped by
    /// kind in the order given and by residue within a kind. When `selection` is given, only
    /// torsions whose four atoms are all selected are kept (pyEMMA's rule).
    public init(topology: Topology, torsions kinds: [TorsionKind], selection: String? = nil, periodic: Bool = true) throws {
        let allowed = try selection.map { Set(try topology.selectAtoms($0, for: "torsions")) }
        var quartets = [[Int]](), names = [String]()
        for kind in kinds {
            for torsion in ProteinTorsion.find(kind, in: topology)
            where allowed.map({ set in torsion.atoms.allSatisfy(set.contains) }) ?? true {
                quartets.append(torsion.atoms)
                names.append("\(kind.rawValue) \(topology.residueLabel(torsion.residue))")
            }
        }
        let kindList = kinds.map(\.rawValue).joined(separator: ", ")
        guard !quartets.isEmpty else {
            throw KineticsError(.emptySelection,
                                "torsions: the topology has no \(kindList) dihedral"
                                    + (selection.map { " within the selection \"\($0)\"" } ?? "")
                                    + " (atoms are found by their PDB names N, CA, C, CB, CG/CG1/SG/OG/OG1)")
        }
        try self.init(topology: topology, quartets: quartets, names: names, periodic: periodic)
    }

    /// Pseudo-dihedrals of four consecutive Cα atoms (i, i+1, i+2, i+3) of the same chain.
    public static func alphaCarbonDihedrals(topology: Topology, selection: String = "name CA", periodic: Bool = true) throws -> DihedralFeaturizer {
        let runs = try alphaCarbonRuns(topology, selection: selection, length: 4, what: "ca-dihedrals")
        return try DihedralFeaturizer(topology: topology, quartets: runs,
                                      names: runs.map { "ca-dihedral " + $0.map { topology.atomLabel($0) }.joined(separator: " - ") },
                                      periodic: periodic)
    }

    public func write(_ chunk: FrameChunk, into output: inout DoubleMatrix, column: Int) throws {
        try checkChunk(chunk)
        try kernel.fill(chunk, periodic: periodic, into: &output, column: column)
    }
}

/// Bond or pseudo-bond angles in radians, in [0, π]: one feature per triple (no wrap-around, so
/// no cos/sin split is needed).
public struct AngleFeaturizer: Featurizer {
    public let atomCount: Int
    public let labels: [String]
    public let triples: [[Int]]
    public let periodic: Bool
    let kernel: AngleKernel

    public var featureCount: Int { triples.count }

    public init(topology: Topology, triples: [[Int]], names: [String], periodic: Bool = true) throws {
        guard !triples.isEmpty else { throw KineticsError(.emptySelection, "angles: no triple given") }
        guard triples.allSatisfy({ $0.count == 3 }), names.count == triples.count else {
            throw KineticsError(.invalidArgument, "angles: give three atoms and one name per angle")
        }
        try checkAtomIndices(triples.flatMap { $0 }, atomCount: topology.atomCount, what: "an angle triple")
        atomCount = topology.atomCount
        self.triples = triples
        self.periodic = periodic
        labels = names
        kernel = AngleKernel(triples: triples.flatMap { $0 })
    }

    /// Pseudo-angles of three consecutive Cα atoms (i, i+1, i+2) of the same chain.
    public static func alphaCarbonAngles(topology: Topology, selection: String = "name CA", periodic: Bool = true) throws -> AngleFeaturizer {
        let runs = try alphaCarbonRuns(topology, selection: selection, length: 3, what: "ca-angles")
        return try AngleFeaturizer(topology: topology, triples: runs,
                                   names: runs.map { "ca-angle " + $0.map { topology.atomLabel($0) }.joined(separator: " - ") },
                                   periodic: periodic)
    }

    public func write(_ chunk: FrameChunk, into output: inout DoubleMatrix, column: Int) throws {
        try checkChunk(chunk)
        try kernel.fill(chunk, periodic: periodic, into: &output, column: column)
    }
}

/// Windows of `length` selected atoms (one per residue, normally Cα) from consecutive residues
/// (residue index i, i+1, ...) of one chain.
func alphaCarbonRuns(_ topology: Topology, selection: String, length: Int, what: String) throws -> [[Int]] {
    let atoms = try topology.selectAtoms(selection, for: what)
    var byResidue = [Int: Int]()
    for atom in atoms where byResidue[topology.atoms[atom].residueIndex] == nil {
        byResidue[topology.atoms[atom].residueIndex] = atom
    }
    var runs = [[Int]]()
    for residue in byResidue.keys.sorted() {
        let window = (0 ..< length).compactMap { offset -> Int? in
            guard topology.residues.indices.contains(residue + offset),
                  topology.residues[residue + offset].chainIndex == topology.residues[residue].chainIndex else { return nil }
            return byResidue[residue + offset]
        }
        if window.count == length { runs.append(window) }
    }
    guard !runs.isEmpty else {
        throw KineticsError(.emptySelection,
                            "\(what): the selection \"\(selection)\" has no \(length) atoms in consecutive residues of one chain")
    }
    return runs
}
