import Foundation
import Testing
import Trajectories

@Suite("AMBER prmtop: topology against MDTraj and ParmEd, bad input")
struct PrmtopTests {
    @Test("ParmEd's prmtop of alanine dipeptide (amber14): names, elements, residues and bonds as MDTraj, charges, masses, types as ParmEd")
    func alanineDipeptide() throws {
        let workspace = try Workspace()
        let path = workspace.path("ala.prmtop")
        let parmed = try ParmEdReference.make(path)
        let topology = try AmberPrmtop.read(path: path)
        let reference = try MDTrajTopologyReference.load(path, kind: "prmtop")
        #expect(topology.atoms.map(\.name) == reference.atoms.map(\.name))
        #expect(topology.atoms.map { $0.element?.symbol } == reference.atoms.map(\.element))
        #expect(topology.atoms.map(\.residueIndex) == reference.atoms.map(\.residue))
        #expect(topology.residues.map(\.name) == reference.residues.map(\.name))
        // MDTraj numbers prmtop residues from 0; lss from 1, as AMBER's tools print them.
        #expect(topology.residues.map(\.number) == reference.residues.map { $0.number + 1 })
        #expect(topology.chains.count == reference.chains)
        #expect(Set(topology.bonds) == Set(reference.bonds.map { Topology.Bond($0[0], $0[1]) }))
        #expect(topology.bonds.count == reference.bonds.count)

        parmed.expectSame(topology)
        #expect(topology.box == nil)
        #expect(abs(topology.atoms.compactMap(\.charge).reduce(0, +)) < 1e-6)
    }

    @Test("BOX_DIMENSIONS with IFBOX: rectangular and truncated octahedron as ParmEd reads them",
          arguments: ["30,31,32,90,90,90", "40,40,40,109.4712206,109.4712206,109.4712206"])
    func box(dimensions: String) throws {
        let workspace = try Workspace()
        let path = workspace.path("box.prmtop")
        let parmed = try ParmEdReference.make(path, box: dimensions)
        let topology = try AmberPrmtop.read(path: path)
        let box = try #require(topology.box)
        let expected = try #require(parmed.box)
        #expect(abs(box.lengths.x * 10 - expected[0]) < 1e-6 && abs(box.lengths.z * 10 - expected[2]) < 1e-6)
        #expect(abs(box.angles.x - expected[3]) < 1e-6 && abs(box.angles.y - expected[4]) < 1e-6)
        #expect(abs(box.angles.z - expected[5]) < 1e-6)
    }

    @Test("a missing %FLAG, too few values, bad numbers, bad bond indices and old-format files are errors")
    func badInput() throws {
        let workspace = try Workspace()
        let path = workspace.path("good.prmtop")
        _ = try ParmEdReference.make(path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        func section(_ flag: String) -> Range<Int> {
            let start = lines.firstIndex(of: "%FLAG \(flag)")!
            let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("%FLAG") } ?? lines.count
            return start ..< end
        }
        func write(_ name: String, _ body: [String]) throws -> String {
            let file = workspace.path(name)
            try body.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }

        var withoutPointers = lines
        withoutPointers.removeSubrange(section("RESIDUE_POINTER"))
        let missing = try write("missing.prmtop", withoutPointers)
        let error1 = topologyTestError { _ = try AmberPrmtop.read(path: missing) }
        #expect(error1?.kind == .malformed && error1?.problem.contains("missing %FLAG RESIDUE_POINTER") == true)

        var fewNames = lines
        let names = section("ATOM_NAME")
        fewNames.remove(at: names.upperBound - 1)  // the second line of names (atoms 21 and 22)
        let few = try write("few.prmtop", fewNames)
        let error2 = topologyTestError { _ = try AmberPrmtop.read(path: few) }
        #expect(error2?.kind == .malformed && error2?.path == few)
        #expect(error2?.problem.contains("ATOM_NAME has 20 values; 22 expected") == true)
        #expect(error2?.problem.contains("line \(names.lowerBound + 1)") == true)

        var badNumber = lines
        let charges = section("CHARGE")
        badNumber[charges.lowerBound + 2] = "  2.0463642QE+00" + badNumber[charges.lowerBound + 2].dropFirst(16)
        let bad = try write("bad.prmtop", badNumber)
        let error3 = topologyTestError { _ = try AmberPrmtop.read(path: bad) }
        #expect(error3?.problem.contains("line \(charges.lowerBound + 3)") == true && error3?.problem.contains("CHARGE") == true)

        let bonds = section("BONDS_INC_HYDROGEN")
        lines[bonds.lowerBound + 2] = "       7" + lines[bonds.lowerBound + 2].dropFirst(8)
        let badBond = try write("bond.prmtop", lines)
        let error4 = topologyTestError { _ = try AmberPrmtop.read(path: badBond) }
        #expect(error4?.kind == .malformed && error4?.problem.contains("BONDS_INC_HYDROGEN") == true)

        let old = try write("old.prmtop", ["ACE ALA NME", "      22       7      12       9      25      11",
                                           "H1  CH3 H2  H3  C   O   N   H   CA  HA  CB  HB1 HB2 HB3 C   O   N   H   C   H1  "])
        let error5 = topologyTestError { _ = try AmberPrmtop.read(path: old) }
        #expect(error5?.kind == .unsupported && error5?.problem.contains("old-format") == true)

        let huge = try write("huge.prmtop", ["%VERSION x", "%FLAG POINTERS", "%FORMAT(10I8)",
                                             "99999999       7      12       9      25      11      39      19       0       0",
                                             "      99       3       9      11      19       7      11      51       1       0"])
        #expect(topologyTestError { _ = try AmberPrmtop.read(path: huge) }?.problem.contains("more than the file") == true)
        #expect(topologyTestError { _ = try AmberPrmtop.read(path: workspace.path("none.prmtop")) }?.kind == .io)
    }
}

/// ParmEd's reading of the topology file it wrote (prmtop or PSF, by extension) for alanine
/// dipeptide with OpenMM's amber14 force field.
struct ParmEdReference: Decodable {
    var charges: [Double]
    var masses: [Double]
    var types: [String]
    var bonds: [[Int]]
    var box: [Double]?

    static let script = """
    import sys, json, openmm.app as app, parmed
    pdb = app.PDBFile(sys.argv[1])
    system = app.ForceField('amber14-all.xml').createSystem(pdb.topology, nonbondedMethod=app.NoCutoff, constraints=None)
    s = parmed.openmm.load_topology(pdb.topology, system, pdb.positions)
    if len(sys.argv) > 3:
        s.box = [float(v) for v in sys.argv[3].split(',')]
    s.save(sys.argv[2], overwrite=True)
    p = parmed.load_file(sys.argv[2])
    print(json.dumps({'charges': [a.charge for a in p.atoms], 'masses': [a.mass for a in p.atoms],
                      'types': [a.type for a in p.atoms],
                      'bonds': sorted(sorted([b.atom1.idx, b.atom2.idx]) for b in p.bonds),
                      'box': None if p.box is None else [float(v) for v in p.box]}))
    """

    /// Writes `path` (its extension chooses prmtop or PSF) and returns ParmEd's reading of it.
    static func make(_ path: String, box: String? = nil) throws -> ParmEdReference {
        try decodeJSON(ParmEdReference.self,
                       from: runPython(script, [Repository.alanineDipeptidePDB, path] + (box.map { [$0] } ?? [])))
    }

    func expectSame(_ topology: Topology, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(topology.atoms.count == charges.count, sourceLocation: sourceLocation)
        let chargeError = zip(topology.atoms.map { $0.charge ?? .nan }, charges).map { abs($0 - $1) }.max() ?? .nan
        #expect(chargeError < 1e-6, "charges differ by \(chargeError)", sourceLocation: sourceLocation)
        let massError = zip(topology.atoms.map { $0.mass ?? .nan }, masses).map { abs($0 - $1) }.max() ?? .nan
        #expect(massError < 1e-6, "masses differ by \(massError)", sourceLocation: sourceLocation)
        #expect(topology.atoms.map(\.type) == types.map { Optional($0) }, sourceLocation: sourceLocation)
        #expect(Set(topology.bonds) == Set(bonds.map { Topology.Bond($0[0], $0[1]) }), sourceLocation: sourceLocation)
    }
}
