/// Builds a `Topology` from the ATOM/HETATM, TER and CONECT records of a PDB file's first model.
///
/// Chains start at a change of chain identifier or after TER. Residues start at a change of chain,
/// residue number, insertion code or residue name (37, 37A and 38 are three residues); a residue
/// name change under an alternate-location indicator is a point mutation within one residue, as
/// in MDTraj. Residue numbers that do not fit four columns are read as hybrid-36; unreadable ones
/// ("****") count on from the previous residue, which ends when an atom name repeats.
struct PDBTopologyBuilder {
    private(set) var topology = Topology()
    /// Raw four-column names of atoms without a readable element column, for inference once
    /// residues are complete.
    private var nameFields: [Int: String] = [:]
    private var serialToAtom: [Int: Int] = [:]
    private var conectSerials: [[Int]] = []
    private var terPending = false
    private var currentChainID: UInt8?
    /// Columns 18-27 (residue name, chain, number, insertion code) of the current residue, kept at
    /// their line positions.
    private var residueColumns = [UInt8](repeating: ColumnFields.space, count: 27)
    private var haveResidue = false
    private var residueHasUnreadableNumber = false
    private var residueAtomNames: Set<String> = []

    /// Adds one ATOM/HETATM record (already past the alternate-location filter). Strings are made
    /// only for what changes per atom (its name); residue and chain fields only when they start.
    mutating func addAtom(_ line: LineBytes, path: String, lineNumber: Int) throws {
        _ = try PDBRecords.coordinates(line, path: path, lineNumber: lineNumber, frame: 0)
        let name = ColumnFields.text(line, 12, 16)
        let indicator = line.count > 16 ? line[16] : ColumnFields.space
        let chainByte = line.count > 21 ? line[21] : ColumnFields.space

        if currentChainID != chainByte || terPending || topology.chains.isEmpty {
            topology.chains.append(Topology.Chain(id: ColumnFields.text(line, 21, 22),
                                                  segmentID: ColumnFields.text(line, 72, 76)))
            currentChainID = chainByte
            terPending = false
            haveResidue = false
        }
        let sameSite = haveResidue && ColumnFields.sameColumns(line, residueColumns, 21, 27)
        let sameName = haveResidue && ColumnFields.sameColumns(line, residueColumns, 17, 21)
        let renamedInPlace = !sameName && indicator != ColumnFields.space
        let repeatedUnnumbered = residueHasUnreadableNumber && residueAtomNames.contains(name)
        if !sameSite || (!sameName && !renamedInPlace) || repeatedUnnumbered {
            let decoded = ColumnFields.integer(line, 22, 26)
                ?? Hybrid36.decode(ColumnFields.rawText(line, 22, 26), width: 4)
            let number = decoded ?? ((topology.residues.last?.number ?? 0) + 1)
            topology.residues.append(Topology.Residue(
                name: ColumnFields.text(line, 17, 21), number: number, insertionCode: ColumnFields.text(line, 26, 27),
                chainIndex: topology.chains.count - 1))
            for column in 17 ..< 27 { residueColumns[column] = column < line.count ? line[column] : ColumnFields.space }
            haveResidue = true
            residueHasUnreadableNumber = decoded == nil
            residueAtomNames.removeAll(keepingCapacity: true)
        }
        if residueHasUnreadableNumber { residueAtomNames.insert(name) }

        let atomIndex = topology.atoms.count
        let element = ColumnFields.isBlank(line, 76, 78) ? nil : Element(symbol: ColumnFields.text(line, 76, 78))
        if element == nil { nameFields[atomIndex] = ColumnFields.rawText(line, 12, 16) }
        let serial = ColumnFields.integer(line, 6, 11)
            ?? (ColumnFields.isBlank(line, 6, 11) ? nil : Hybrid36.decode(ColumnFields.rawText(line, 6, 11), width: 5))
        let charge = ColumnFields.isBlank(line, 78, 80) ? nil : PDBRecords.formalCharge(line)
        topology.atoms.append(Topology.Atom(
            name: name, element: element, residueIndex: topology.residues.count - 1, serial: serial, charge: charge))
        if let serial, serialToAtom[serial] == nil { serialToAtom[serial] = atomIndex }
    }

    /// A TER record: the next atom starts a new chain even with the same identifier.
    mutating func terminateChain() {
        if !topology.atoms.isEmpty { terPending = true }
    }

    mutating func addConect(_ line: LineBytes) {
        let serials = PDBRecords.conectSerials(line)
        if serials.count >= 2 { conectSerials.append(serials) }
    }

    /// The finished topology: elements inferred where columns 77-78 were blank or unknown, CONECT
    /// bonds between atoms of the first model (serials not found there are ignored, as by MDTraj).
    mutating func finish(box: Box?) -> Topology {
        var residueSizes = [Int](repeating: 0, count: topology.residues.count)
        for atom in topology.atoms { residueSizes[atom.residueIndex] += 1 }
        for (index, field) in nameFields {
            let residueIndex = topology.atoms[index].residueIndex
            topology.atoms[index].element = ElementInference.element(
                atomName: topology.atoms[index].name, residueName: topology.residues[residueIndex].name,
                residueAtomCount: residueSizes[residueIndex], pdbNameField: field)
        }
        var bonds = Set<Topology.Bond>()
        var ordered: [Topology.Bond] = []
        for record in conectSerials {
            guard let first = serialToAtom[record[0]] else { continue }
            for serial in record.dropFirst() {
                guard let other = serialToAtom[serial], other != first else { continue }
                let bond = Topology.Bond(first, other)
                if bonds.insert(bond).inserted { ordered.append(bond) }
            }
        }
        topology.bonds = ordered.sorted { ($0.first, $0.second) < ($1.first, $1.second) }
        topology.box = box
        return topology
    }
}
