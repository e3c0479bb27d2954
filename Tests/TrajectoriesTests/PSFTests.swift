import Foundation
import Testing
import Trajectories

@Suite("PSF: topology against MDTraj and ParmEd, CHARMM columns, bad input")
struct PSFTests {
    @Test("ParmEd's PSF (EXT XPLOR) of alanine dipeptide: names, elements, residues, bonds as MDTraj; charges, masses, types as ParmEd")
    func parmedPSF() throws {
        let workspace = try Workspace()
        let path = workspace.path("ala.psf")
        let parmed = try ParmEdReference.make(path)
        let topology = try PSFFile.read(path: path)
        let reference = try MDTrajTopologyReference.load(path, kind: "psf")
        expectSameTopology(topology, reference)
        #expect(Set(topology.bonds) == Set(reference.bonds.map { Topology.Bond($0[0], $0[1]) }))
        parmed.expectSame(topology)
        #expect(topology.chains.map(\.segmentID) == ["SYS"])
    }

    @Test("CHARMM columns: insertion codes, segments as chains, ions, repartitioned masses, a massless site, a blank segment")
    func charmmColumns() throws {
        let topology = try PSFFile.read(path: Repository.fixture("PSF/charmm.psf"))
        #expect(topology.atoms.count == 13)
        #expect(topology.chains.map(\.segmentID) == ["PROA", "SOD", "CLA", "WAT", ""])
        #expect(topology.residues.map(\.name) == ["ALA", "GLY", "SER", "SOD", "CLA", "TIP4", "LIG"])
        #expect(topology.residues.map(\.number) == [37, 37, 38, 1, 1, 1, 5])
        #expect(topology.residues.map(\.insertionCode) == ["", "A", "", "", "", "", ""])
        #expect(topology.atoms.map(\.name) == ["N", "HN", "CA", "N", "CA", "OG", "SOD", "CLA", "OH2", "H1", "H2", "OM", "BR1"])
        // Hydrogen-mass repartitioning keeps HN hydrogen (3.024 u) and CA carbon (9.987 u), where
        // MDTraj's closest-mass rule would say helium and beryllium; OM has no mass, so no element.
        #expect(topology.atoms.map { $0.element?.symbol } == ["N", "H", "C", "N", "C", "O", "Na", "Cl", "O", "H", "H", nil, "Br"])
        #expect(topology.atoms.map(\.type) == ["54", "1", "22", "54", "23", "73", "90", "91", "75", "4", "4", "76", "97"])
        #expect(topology.atoms.map(\.charge) == [-0.47, 0.31, 0.07, -0.47, -0.02, -0.66, 1, -1, 0, 0.52, 0.52, -1.04, -0.1])
        #expect(topology.atoms[1].mass == 3.024 && topology.atoms[11].mass == 0)
        #expect(topology.bonds == [Topology.Bond(0, 1), Topology.Bond(0, 2), Topology.Bond(3, 4), Topology.Bond(8, 9), Topology.Bond(8, 10)])
        // A residue of one bromine atom is a bromide ion, whatever its name.
        #expect(try AtomSelection("ion").indices(in: topology) == [6, 7, 12])
        #expect(try AtomSelection("resid 37A").indices(in: topology) == [3, 4])
    }

    @Test("NATOM larger than the atom lines, bonds to missing atoms, bad numbers and non-PSF files are errors")
    func badInput() throws {
        let workspace = try Workspace()
        let lines = try String(contentsOfFile: Repository.fixture("PSF/charmm.psf"), encoding: .utf8)
            .components(separatedBy: "\n")
        func write(_ name: String, _ body: [String]) throws -> String {
            let file = workspace.path(name)
            try body.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }
        let natom = lines.firstIndex { $0.hasSuffix("!NATOM") }!

        var tooMany = lines
        tooMany[natom] = "      14 !NATOM"
        let path1 = try write("toomany.psf", tooMany)
        let error1 = topologyTestError { _ = try PSFFile.read(path: path1) }
        #expect(error1?.kind == .malformed && error1?.path == path1)
        #expect(error1?.problem.contains("ends after 13 of its 14 atoms") == true)
        #expect(error1?.problem.contains("line \(natom + 15)") == true)

        let nbond = lines.firstIndex { $0.contains("!NBOND") }!
        var badBond = lines
        badBond[nbond + 2] = "       9      99"
        let path2 = try write("bond.psf", badBond)
        #expect(topologyTestError { _ = try PSFFile.read(path: path2) }?.problem.contains("atoms 9 and 99") == true)

        var shortBonds = lines
        shortBonds[nbond] = "       6 !NBOND: bonds"
        let path3 = try write("shortbonds.psf", shortBonds)
        #expect(topologyTestError { _ = try PSFFile.read(path: path3) }?.problem.contains("10 of its 12 numbers") == true)

        var badMass = lines
        badMass[natom + 3] = "       3 PROA 37   ALA  CA     22       0.070000        x.9870       0"
        let path4 = try write("mass.psf", badMass)
        let error4 = topologyTestError { _ = try PSFFile.read(path: path4) }
        #expect(error4?.kind == .malformed && error4?.problem.contains("line \(natom + 4)") == true)

        let path5 = try write("notpsf.psf", ["REMARK this is a PDB", "END"])
        #expect(topologyTestError { _ = try PSFFile.read(path: path5) }?.problem.contains("line 1") == true)

        var huge = lines
        huge[natom] = "999999999999 !NATOM"
        let path6 = try write("huge.psf", huge)
        #expect(topologyTestError { _ = try PSFFile.read(path: path6) }?.problem.contains("more than the file") == true)
    }
}
