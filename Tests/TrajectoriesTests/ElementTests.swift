import Foundation
import Testing
import Trajectories

@Suite("Element inference: names, residues, PDB alignment and masses, against MDTraj")
struct ElementTests {
    @Test("every atom of the PDB fixture gets MDTraj's element: 1HD2, HD11, CA of ALA and of Ca, NA, CL, K, CL1/BR1 in column 13")
    func fixtureAgainstMDTraj() throws {
        let path = Repository.fixture("PDB/features.pdb")
        let topology = try PDBFile.readTopology(path: path)
        let reference = try MDTrajTopologyReference.load(path, kind: "pdb")
        #expect(topology.atoms.map { $0.element?.symbol } == reference.atoms.map(\.element))
        let byName = Dictionary(topology.atoms.map { ("\(topology.residues[$0.residueIndex].name):\($0.name)", $0.element?.symbol ?? "-") },
                                uniquingKeysWith: { first, _ in first })
        #expect(byName["ALA:CA"] == "C" && byName["CA:CA"] == "Ca" && byName["NA:NA"] == "Na" && byName["CL:CL"] == "Cl")
        #expect(byName["K:K"] == "K" && byName["LEU:HD11"] == "H" && byName["LEU:1HD2"] == "H")
        #expect(byName["LIG:CL1"] == "Cl" && byName["LIG:BR1"] == "Br" && byName["LIG:C1"] == "C" && byName["LIG:FE"] == "Fe")
    }

    @Test("where lss and MDTraj differ: ions whose names sit in column 14 are ions, not N or C")
    func documentedDifferences() throws {
        let workspace = try Workspace()
        let path = workspace.path("ions.pdb")
        try """
        HETATM    1  NA   NA A   1       1.000   2.000   3.000  1.00  0.00
        HETATM    2  Cl   Cl A   2       4.000   2.000   3.000  1.00  0.00
        HETATM    3  MG   MG A   3       7.000   2.000   3.000  1.00  0.00

        """.write(toFile: path, atomically: true, encoding: .utf8)
        let topology = try PDBFile.readTopology(path: path)
        let reference = try MDTrajTopologyReference.load(path, kind: "pdb")
        #expect(topology.atoms.map { $0.element?.symbol } == ["Na", "Cl", "Mg"])
        #expect(reference.atoms.map(\.element) == ["N", "C", "Mg"])
    }

    @Test("names without column alignment (GRO, PSF, prmtop)", arguments: [
        ("CA", "ALA", 10, "C"), ("CA", "CA", 1, "Ca"), ("NA", "NA", 1, "Na"), ("Na", "SOD", 1, "Na"),
        ("CL", "CL", 1, "Cl"), ("Cl-", "Cl-", 1, "Cl"), ("SOD", "SOD", 1, "Na"), ("CLA", "CLA", 1, "Cl"),
        ("POT", "POT", 1, "K"), ("CAL", "CAL", 1, "Ca"), ("ZN2", "ZN2", 1, "Zn"),
        ("1HH3", "ACE", 6, "H"), ("HH31", "ACE", 6, "H"), ("HD11", "LEU", 19, "H"), ("OW", "SOL", 3, "O"),
        ("HW1", "SOL", 3, "H"), ("OH2", "TIP3", 3, "O"), ("SE", "MSE", 17, "Se"),
        ("Cl1", "LIG", 12, "Cl"), ("CL1", "LIG", 12, "C"), ("C12", "LIG", 12, "C"), ("2H5", "LIG", 12, "H"),
        ("MW", "TIP4", 4, nil), ("LP1", "LIG", 12, nil),
    ] as [(String, String, Int, String?)])
    func unaligned(name: String, residue: String, size: Int, expected: String?) {
        let element = ElementInference.element(atomName: name, residueName: residue, residueAtomCount: size)
        #expect(element?.symbol == expected)
    }

    @Test("masses decide when the name cannot, and repartitioned hydrogen masses keep the name's element", arguments: [
        ("H1", "ALA", 10, 3.024, "H"), ("CB", "ALA", 10, 5.987, "C"), ("OM", "TIP4", 4, 0.0, nil),
        ("SOD", "SOD", 1, 22.98977, "Na"), ("X1", "LIG", 5, 32.06, "S"), ("Q", "LIG", 5, 126.9, "I"),
        ("C1", "LIG", 5, 12.011, "C"), ("N1", "LIG", 5, 35.45, "Cl"),
    ] as [(String, String, Int, Double, String?)])
    func withMass(name: String, residue: String, size: Int, mass: Double, expected: String?) {
        let element = ElementInference.element(atomName: name, residueName: residue, residueAtomCount: size, mass: mass)
        #expect(element?.symbol == expected)
    }

    @Test("masses alone: the closest element, as MDTraj's getByMass")
    func closestMass() throws {
        let masses = [1.008, 4.0, 12.011, 14.007, 15.999, 22.99, 32.06, 35.45, 39.1, 40.08, 65.4, 79.9]
        let reference = try decodeJSON([String].self, from: runPython("""
        import json, sys, mdtraj.core.element as e
        print(json.dumps([e.Element.getByMass(float(m)).symbol for m in sys.argv[1:]]))
        """, masses.map { String($0) }))
        #expect(masses.map { ElementInference.element(closestToMass: $0)?.symbol } == reference.map { Optional($0) })
    }
}
