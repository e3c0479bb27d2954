/// The molecular system behind a trajectory: chains, residues, atoms and bonds, in file order.
///
/// Indices are zero-based positions in the arrays; the numbers a file shows (PDB serials, residue
/// sequence numbers with insertion codes) are kept as they were read so that writing them back
/// reproduces the file.
public struct Topology: Sendable, Equatable {
    public struct Chain: Sendable, Equatable {
        /// Chain identifier as written (PDB column 22), may be empty.
        public var id: String
        /// Segment identifier (PSF, PDB columns 73-76), may be empty.
        public var segmentID: String
        public init(id: String, segmentID: String = "") {
            self.id = id
            self.segmentID = segmentID
        }
    }

    public struct Residue: Sendable, Equatable {
        public var name: String
        /// Residue sequence number as written (PDB resSeq, GRO residue number).
        public var number: Int
        /// PDB insertion code ("A" in residue 37A), empty when none.
        public var insertionCode: String
        public var chainIndex: Int
        public init(name: String, number: Int, insertionCode: String = "", chainIndex: Int) {
            self.name = name
            self.number = number
            self.insertionCode = insertionCode
            self.chainIndex = chainIndex
        }
    }

    public struct Atom: Sendable, Equatable {
        public var name: String
        public var element: Element?
        public var residueIndex: Int
        /// Serial number as written (PDB serial, GRO atom number), when the file has one.
        public var serial: Int?
        /// Mass in g/mol (prmtop, PSF), when the file has one.
        public var mass: Double?
        /// Partial charge in units of e (prmtop, PSF), when the file has one.
        public var charge: Double?
        /// Force-field atom type (prmtop, PSF), when the file has one.
        public var type: String?
        public init(name: String, element: Element?, residueIndex: Int, serial: Int? = nil,
                    mass: Double? = nil, charge: Double? = nil, type: String? = nil) {
            self.name = name
            self.element = element
            self.residueIndex = residueIndex
            self.serial = serial
            self.mass = mass
            self.charge = charge
            self.type = type
        }
    }

    /// A bond between two atoms (zero-based indices, first < second).
    public struct Bond: Sendable, Equatable, Hashable {
        public var first: Int
        public var second: Int
        public init(_ i: Int, _ j: Int) {
            first = min(i, j)
            second = max(i, j)
        }
    }

    public var chains: [Chain]
    public var residues: [Residue]
    public var atoms: [Atom]
    public var bonds: [Bond]
    /// The unit cell the topology file declares (PDB CRYST1, GRO box line, prmtop box), if any.
    public var box: Box?

    public init(chains: [Chain] = [], residues: [Residue] = [], atoms: [Atom] = [], bonds: [Bond] = [],
                box: Box? = nil) {
        self.chains = chains
        self.residues = residues
        self.atoms = atoms
        self.bonds = bonds
        self.box = box
    }

    public var atomCount: Int { atoms.count }

    /// The residue an atom belongs to.
    public func residue(ofAtom index: Int) -> Residue { residues[atoms[index].residueIndex] }

    /// Indices of the atoms of each residue, in order.
    public func atomsByResidue() -> [[Int]] {
        var groups = Array(repeating: [Int](), count: residues.count)
        for (index, atom) in atoms.enumerated() { groups[atom.residueIndex].append(index) }
        return groups
    }

    /// The sub-topology of the listed atoms (in the order given), keeping only the residues and
    /// chains they use and the bonds between them; used by selections and solvent stripping.
    public func subset(atoms indices: [Int]) -> Topology {
        var residueMap = [Int: Int](), chainMap = [Int: Int](), atomMap = [Int: Int]()
        var result = Topology(box: box)
        for index in indices {
            var atom = atoms[index]
            let oldResidue = atom.residueIndex
            if residueMap[oldResidue] == nil {
                var residue = residues[oldResidue]
                if chainMap[residue.chainIndex] == nil {
                    chainMap[residue.chainIndex] = result.chains.count
                    result.chains.append(chains[residue.chainIndex])
                }
                residue.chainIndex = chainMap[residue.chainIndex]!
                residueMap[oldResidue] = result.residues.count
                result.residues.append(residue)
            }
            atom.residueIndex = residueMap[oldResidue]!
            atomMap[index] = result.atoms.count
            result.atoms.append(atom)
        }
        result.bonds = bonds.compactMap { bond in
            guard let i = atomMap[bond.first], let j = atomMap[bond.second] else { return nil }
            return Bond(i, j)
        }
        return result
    }
}
