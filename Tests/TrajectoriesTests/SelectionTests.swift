import Foundation
import Testing
import Trajectories

@Suite("Atom selections: every keyword against MDTraj's Topology.select, and errors")
struct SelectionTests {
    /// An lss selection and the MDTraj selection that must give the same atoms.
    struct Case: Sendable, CustomStringConvertible {
        var lss: String
        var mdtraj: String
        var description: String { lss }
    }

    static let villinCases: [Case] = [
        Case(lss: "all", mdtraj: "all"),
        Case(lss: "none", mdtraj: "none"),
        Case(lss: "name CA", mdtraj: "name CA"),
        Case(lss: "name CA CB HA", mdtraj: "name CA CB HA"),
        Case(lss: "NAME ca", mdtraj: "name ca"),  // keywords ignore case, values do not
        Case(lss: "name H?", mdtraj: "name =~ 'H.$'"),
        Case(lss: "backbone", mdtraj: "backbone"),
        Case(lss: "sidechain", mdtraj: "sidechain"),
        Case(lss: "protein", mdtraj: "protein"),
        // MDTraj has no `heavy`/`hydrogen`; villin has no virtual sites, so these match exactly.
        Case(lss: "heavy", mdtraj: "not element H"),
        Case(lss: "hydrogen", mdtraj: "element H"),
        Case(lss: "element N O", mdtraj: "element N O"),
        Case(lss: "water", mdtraj: "water"),
        Case(lss: "resname LYS LEU", mdtraj: "resname LYS LEU"),
        // lss `resid` is the residue number as written: MDTraj's `residue`.
        Case(lss: "resid 10 to 20", mdtraj: "residue 10 to 20"),
        Case(lss: "resid 3 7 40 to 42", mdtraj: "residue 3 7 40 41 42"),
        Case(lss: "resid >= 30", mdtraj: "residue >= 30"),
        // lss `resindex` is the zero-based residue index: MDTraj's `resid`.
        Case(lss: "resindex 0 to 4", mdtraj: "resid 0 to 4"),
        Case(lss: "index 0 to 21", mdtraj: "index 0 to 21"),
        Case(lss: "index < 100 and not index 5", mdtraj: "index < 100 and not index 5"),
        Case(lss: "chainindex 0", mdtraj: "chainid 0"),
        Case(lss: "mass > 2", mdtraj: "mass > 2"),
        Case(lss: "mass 12 to 15", mdtraj: "mass 12 to 15"),
        // MDTraj has no `ion`/`solvent`; villin's ions are the two chlorides.
        Case(lss: "ion", mdtraj: "resname Cl"),
        Case(lss: "element Cl", mdtraj: "element Cl"),
        Case(lss: "solvent", mdtraj: "water or resname Cl"),
        Case(lss: "not water and not protein", mdtraj: "not water and not protein"),
        Case(lss: "(name CA or name N) and resid 1 to 5", mdtraj: "(name CA or name N) and residue 1 to 5"),
        Case(lss: "name CA or name N and resid 1 to 5", mdtraj: "name CA or (name N and residue 1 to 5)"),
        Case(lss: "not not backbone", mdtraj: "backbone"),
        Case(lss: "element C and not backbone or resname PHE", mdtraj: "(element C and not backbone) or resname PHE"),
        Case(lss: "protein && !(backbone || hydrogen)", mdtraj: "protein and not (backbone or element H)"),
    ]

    @Test("villin in water: each selection gives MDTraj's atoms, ascending", arguments: villinCases)
    func villin(_ selection: Case) throws {
        let path = try openMMTestPDB()
        let topology = try SelectionReferenceCache.shared.topology(path)
        let expected = try Self.mdtrajSelections(path)[selection.description] ?? []
        let indices = try AtomSelection(selection.lss).indices(in: topology)
        #expect(indices == expected, "\(selection.lss): \(indices.count) atoms, MDTraj \(expected.count)")
        #expect(indices == Array(Set(indices)).sorted())
    }

    @Test("chains by identifier, segment ids, quoted values and insertion codes on the PDB fixture")
    func fixtureKeywords() throws {
        let path = Repository.fixture("PDB/features.pdb")
        let topology = try PDBFile.readTopology(path: path)
        let reference = try decodeJSON([String: [Int]].self, from: runPython("""
        import json, sys, mdtraj
        top = mdtraj.load_pdb(sys.argv[1], standard_names=False).topology
        print(json.dumps({'B': top.select('chainid 1').tolist(), 'AC': top.select('chainid 0 2').tolist(),
                          '37': top.select('residue 37').tolist()}))
        """, [path]))
        #expect(try AtomSelection("chain B").indices(in: topology) == reference["B"])
        #expect(try AtomSelection("chain A C").indices(in: topology) == reference["AC"])
        #expect(try AtomSelection("resid 37").indices(in: topology) == reference["37"])
        #expect(try AtomSelection("resid 37A").indices(in: topology) == [6, 7, 8, 9])
        #expect(try AtomSelection("name 'CL1' \"BR1\"").indices(in: topology) == [19, 20])
        #expect(try AtomSelection("ion").indices(in: topology) == [14, 15, 16, 17])
        #expect(try AtomSelection("element cl").indices(in: topology) == [16, 19])
        #expect(try AtomSelection("name C*").indices(in: topology) == [1, 2, 5, 7, 8, 11, 14, 16, 18, 19])
    }

    @Test("errors name the offending token and its position", arguments: [
        ("", 0, "", "empty"),
        ("name", 4, "", "needs at least one value"),
        ("nme CA", 0, "nme", "unknown keyword"),
        ("name CA protein", 8, "protein", "is a keyword"),
        ("resid x", 6, "x", "not a residue number"),
        ("index 1 to", 10, "", "'to' needs a number"),
        ("index 1.5", 6, "1.5", "not an integer"),
        ("(name CA", 8, "", "never closed"),
        ("name CA)", 7, ")", "no matching '('"),
        ("name CA and", 11, "", "expected a keyword"),
        ("or name CA", 0, "or", "needs a selection on its left"),
        ("chainid 0", 0, "chainid", "chainindex"),
        ("name > 3", 5, ">", "not numeric"),
        ("mass > heavy", 7, "heavy", "not a number"),
        ("element Xx", 8, "Xx", "not an element"),
        ("resname 'ALA", 8, "'ALA", "no closing"),
        ("name CA CB resname", 11, "resname", "is a keyword"),
    ])
    func errors(text: String, position: Int, token: String, problem: String) {
        do {
            _ = try AtomSelection(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.position == position && error.token == token, "\(error)")
            #expect(error.problem.contains(problem), "\(error)")
            #expect(error.description.contains("position \(position)"))
        }
    }

    /// MDTraj's selections for every villin case, computed once (MDTraj takes a second to load).
    private static func mdtrajSelections(_ path: String) throws -> [String: [Int]] {
        try SelectionReferenceCache.shared.value(path) {
            let cases = villinCases.map { [$0.lss, $0.mdtraj] }
            let json = String(decoding: try JSONEncoder().encode(cases), as: UTF8.self)
            // MDTraj's topology with the file's atom names (lss does not rename OC1/OC2/H1 to
            // O/OXT/H as MDTraj's standard names do) and two patches for known differences that are
            // not about selections: HIE, which lss counts as protein, becomes HIS; the chloride ions,
            // which MDTraj reads as carbon (see ElementTests), become chlorine.
            return try decodeJSON([String: [Int]].self, from: runPython("""
            import json, sys, mdtraj
            top = mdtraj.load_pdb(sys.argv[1], standard_names=False).topology
            for residue in top.residues:
                if residue.name == 'HIE':
                    residue.name = 'HIS'
                if residue.name == 'Cl':
                    for atom in residue.atoms:
                        atom.element = mdtraj.element.chlorine
            print(json.dumps({lss: top.select(md).tolist() for lss, md in json.loads(sys.argv[2])}))
            """, [path, json]))
        }
    }
}

/// Runs the MDTraj reference, and reads the structure, once for all parameterized cases.
final class SelectionReferenceCache: @unchecked Sendable {
    static let shared = SelectionReferenceCache()
    private let lock = NSLock()
    private var cached: [String: [String: [Int]]] = [:]
    private var topologies: [String: Topology] = [:]

    /// lss's reading of `path`, parsed once for all cases.
    func topology(_ path: String) throws -> Topology {
        lock.lock()
        defer { lock.unlock() }
        if let topology = topologies[path] { return topology }
        let topology = try PDBFile.readTopology(path: path)
        topologies[path] = topology
        return topology
    }

    func value(_ key: String, _ make: () throws -> [String: [Int]]) throws -> [String: [Int]] {
        lock.lock()
        defer { lock.unlock() }
        if let value = cached[key] { return value }
        let value = try make()
        cached[key] = value
        return value
    }
}
