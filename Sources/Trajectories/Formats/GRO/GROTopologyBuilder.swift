/// Builds the topology of a GRO file's first frame: one chain, a new residue wherever the residue
/// number or name changes, numbers unwrapped past GROMACS's modulo-100,000 wrap, and elements
/// inferred from atom and residue names (GRO has no element column).
struct GROTopologyBuilder {
    private var topology = Topology(chains: [Topology.Chain(id: "")])
    private var residueNumbers = GROWrappedCounter()
    private var atomNumbers = GROWrappedCounter()
    private var lastRawResidue: (number: Int, name: String)?

    mutating func add(_ line: LineBytes, path: String, lineNumber: Int) throws {
        guard let rawNumber = ColumnFields.integer(line, 0, 5) else {
            throw TrajectoryError(.malformed, path: path, frame: 0,
                                  "line \(lineNumber): columns 1-5 must hold the residue number; found '\(ColumnFields.rawText(line, 0, 5))'")
        }
        let residueName = ColumnFields.text(line, 5, 10)
        let atomName = ColumnFields.text(line, 10, 15)
        if lastRawResidue?.number != rawNumber || lastRawResidue?.name != residueName {
            topology.residues.append(Topology.Residue(
                name: residueName, number: residueNumbers.unwrap(rawNumber), chainIndex: 0))
            lastRawResidue = (rawNumber, residueName)
        }
        let serial = ColumnFields.integer(line, 15, 20).map { atomNumbers.unwrap($0) }
        topology.atoms.append(Topology.Atom(name: atomName, element: nil,
                                            residueIndex: topology.residues.count - 1, serial: serial))
    }

    mutating func finish(box: Box?) -> Topology {
        var residueSizes = [Int](repeating: 0, count: topology.residues.count)
        for atom in topology.atoms { residueSizes[atom.residueIndex] += 1 }
        for index in topology.atoms.indices {
            let residueIndex = topology.atoms[index].residueIndex
            topology.atoms[index].element = ElementInference.element(
                atomName: topology.atoms[index].name, residueName: topology.residues[residueIndex].name,
                residueAtomCount: residueSizes[residueIndex])
        }
        topology.box = box
        return topology
    }
}
