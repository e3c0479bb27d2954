/// Builds a `Topology` from the ATOM/HETATM, TER and CONECT records of a PDB file's first model.
///
/// Chains start at a change of chain identifier or after TER. Residues start at a change of chain,
/// residue number, insertion code or residue name (37, 37A and 38 are three residues); a residue
/// name change under an alternate-location indicator is a point mutation within one residue, as
/// in MDTraj. Residue numbers that do not fit four columns are read as hybrid-36; unreadable ones
/// ("****") count on from the previous residue, which ends when an atom name repeats.
struct PDBTopologyBuilder {
    private(set) var topology = Topology()
    /// Raw four-column names, for element inference once residues are complete.
    private var nameFields: [String] = []
    private var explicitElement: [Bool] = []
    private var serialToAtom: [Int: Int] = [:]
    private var conectSerials: [[Int]] = []
    private var terPending = false
    private var currentChainID: String?
    /// Columns 18-27 (residue name, chain, number, insertion code) of the current residue, kept at
    /// their line positions.
    private var residueColumns = [UInt8](repeating: ColumnFields.space, count: 27)
    private var haveResidue = false
    private var residueHasUnreadableNumber = false
    private var residueAtomNames: Set<String> = []

    /// Positions of the first model in Å, three per atom.
    private(set) var positions: [Double] = []

    mutating func addAtom(_ line: LineBytes, path: String, lineNumber: Int) throws {
        let position = try PDBRecords.coordinates(line, path: path, lineNumber: lineNumber, frame: 0)
        let name = ColumnFields.text(line, 12, 16)
        let indicator = line.count > 16 ? line[16] : ColumnFields.space
        let residueName = ColumnFields.text(line, 17, 21)
        let chainID = ColumnFields.text(line, 21, 22)
        let numberField = ColumnFields.rawText(line, 22, 26)
        let segmentID = ColumnFields.text(line, 72, 76)

        if currentChainID != chainID || terPending || topology.chains.isEmpty {
            topology.chains.append(Topology.Chain(id: chainID, segmentID: segmentID))
            currentChainID = chainID
            terPending = false
            haveResidue = false
        }
        let sameSite = haveResidue && ColumnFields.sameColumns(line, residueColumns, 21, 27)
        let sameName = haveResidue && ColumnFields.sameColumns(line, residueColumns, 17, 21)
        let renamedInPlace = !sameName && indicator != ColumnFields.space
        let repeatedUnnumbered = residueHasUnreadableNumber && residueAtomNames.contains(name)
        if !sameSite || (!sameName && !renamedInPlace) || repeatedUnnumbered {
            let decoded = Hybrid36.decode(numberField, width: 4)
            let number = decoded ?? ((topology.residues.last?.number ?? 0) + 1)
            topology.residues.append(Topology.Residue(
                name: residueName, number: number, insertionCode: ColumnFields.text(line, 26, 27),
                chainIndex: topology.chains.count - 1))
            for column in 17 ..< 27 { residueColumns[column] = column < line.count ? line[column] : ColumnFields.space }
            haveResidue = true
            residueHasUnreadableNumber = decoded == nil
            residueAtomNames.removeAll(keepingCapacity: true)
        }
        residueAtomNames.insert(name)

        let elementSymbol = ColumnFields.text(line, 76, 78)
        let element = Element(symbol: elementSymbol)
        let serial = Hybrid36.decode(ColumnFields.rawText(line, 6, 11), width: 5)
        let atomIndex = topology.atoms.count
        topology.atoms.append(Topology.Atom(
            name: name, element: element, residueIndex: topology.residues.count - 1, serial: serial,
            charge: PDBRecords.formalCharge(line)))
        nameFields.append(ColumnFields.rawText(line, 12, 16))
        explicitElement.append(element != nil)
        if let serial, serialToAtom[serial] == nil { serialToAtom[serial] = atomIndex }
        positions.append(position.x)
        positions.append(position.y)
        positions.append(position.z)
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
        for index in topology.atoms.indices where !explicitElement[index] {
            let residueIndex = topology.atoms[index].residueIndex
            topology.atoms[index].element = ElementInference.element(
                atomName: topology.atoms[index].name, residueName: topology.residues[residueIndex].name,
                residueAtomCount: residueSizes[residueIndex], pdbNameField: nameFields[index])
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
