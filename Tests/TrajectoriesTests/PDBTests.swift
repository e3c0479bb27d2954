import Foundation
import Testing
import Trajectories

@Suite("PDB: reading against MDTraj, writing for MDTraj, bad input")
struct PDBTests {
    // MARK: - Reading

    @Test("alanine dipeptide (1HH3-style names, no element columns) reads as MDTraj reads it")
    func alanineDipeptide() throws {
        let path = Repository.alanineDipeptidePDB
        let reader = try PDBReader(path: path)
        let reference = try MDTrajTopologyReference.load(path, kind: "pdb")
        let topology = try #require(reader.topology)
        expectSameTopology(topology, reference)
        #expect(topology.atoms[0].name == "1HH3" && topology.atoms[0].element == .hydrogen)
        let chunk = try #require(try reader.read(maxFrames: 10))
        #expect(chunk.frameCount == 1 && chunk.boxes == nil)
        #expect(maxDifference(chunk.positions, try #require(reference.xyz)) < 1e-6)
        #expect(try reader.read(maxFrames: 10) == nil)
    }

    @Test("OpenMM's villin in water: names, elements, residues, coordinates and box as MDTraj reads them")
    func villinInWater() throws {
        let path = try openMMTestPDB()
        let reader = try PDBReader(path: path)
        let reference = try MDTrajTopologyReference.load(path, kind: "pdb")
        let topology = try #require(reader.topology)
        #expect(topology.atoms.count == 8867 && topology.residues.count == 2798)
        // The two chloride ions are written " Cl " in residue " Cl": MDTraj takes the name's column
        // alignment and calls them carbon; lss sees a one-atom residue named like its atom (an ion).
        let chlorides = Set(topology.atoms.indices.filter { topology.atoms[$0].name == "Cl" })
        #expect(chlorides.count == 2)
        expectSameTopology(topology, reference, elementExceptions: Dictionary(uniqueKeysWithValues: chlorides.map { ($0, "Cl") }))
        for index in chlorides { #expect(reference.atoms[index].element == "C") }
        let chunk = try #require(try reader.read(maxFrames: 1))
        #expect(maxDifference(chunk.positions, try #require(reference.xyz)) < 1e-6)
        let box = try #require(chunk.boxes?.first)
        expectSameBox(box, try #require(reference.box?.first))
        #expect(topology.box == box)
    }

    @Test("fixture: insertion codes split residues, first altLoc kept, ions, CONECT, two models, as MDTraj")
    func featureFixture() throws {
        let path = Repository.fixture("PDB/features.pdb")
        let reader = try PDBReader(path: path)
        let reference = try MDTrajTopologyReference.load(path, kind: "pdb")
        let topology = try #require(reader.topology)
        expectSameTopology(topology, reference)
        #expect(topology.residues.map(\.number) == [36, 37, 37, 38, 101, 102, 103, 104, 201])
        #expect(topology.residues.map(\.insertionCode) == ["", "", "A", "", "", "", "", "", ""])
        #expect(topology.chains.map(\.id) == ["A", "B", "C"])
        // MDTraj adds template bonds for standard residues; the CONECT bonds are the ligand's.
        let conect = [(18, 19), (18, 20), (18, 21), (18, 23), (21, 22)].map { Topology.Bond($0.0, $0.1) }
        #expect(topology.bonds == conect)
        let referenceBonds = Set(reference.bonds.map { Topology.Bond($0[0], $0[1]) })
        #expect(conect.allSatisfy(referenceBonds.contains))

        #expect(try reader.countFrames() == 2)
        let all = try reader.readAll()
        #expect(all.frameCount == 2 && all.times == [0, 1])
        #expect(maxDifference(all.positions, try #require(reference.xyz)) < 1e-6)
        let boxes = try #require(all.boxes)
        for (box, vectors) in zip(boxes, try #require(reference.box)) { expectSameBox(box, vectors) }

        try reader.seek(toFrame: 1)
        let second = try #require(try reader.readFrame())
        let expected = try #require(reference.xyz)[1]
        #expect(second.positions.indices.allSatisfy { atom in
            (0 ..< 3).allSatisfy { abs(second.positions[atom][$0] - expected[atom][$0]) < 1e-6 }
        })
        #expect(try reader.readFrame() == nil)
    }

    // MARK: - Writing

    @Test("lss writes villin in water with its box; MDTraj reads the same topology and coordinates")
    func writeSingleModel() throws {
        let workspace = try Workspace()
        let source = try PDBReader(path: try openMMTestPDB())
        let topology = try #require(source.topology)
        let chunk = try #require(try source.read(maxFrames: 1))
        let output = workspace.path("villin.pdb")
        let writer = try PDBWriter(path: output, atomCount: topology.atoms.count, topology: topology)
        try writer.write(chunk)
        try writer.close()

        let reference = try MDTrajTopologyReference.load(output, kind: "pdb")
        #expect(reference.atoms.map(\.name) == topology.atoms.map(\.name))
        #expect(reference.atoms.map(\.element) == topology.atoms.map { $0.element?.symbol })
        #expect(reference.residues.map(\.name) == topology.residues.map(\.name))
        #expect(reference.residues.map(\.number) == topology.residues.map(\.number))
        #expect(maxDifference(chunk.positions, try #require(reference.xyz)) < 1e-4)
        expectSameBox(try #require(chunk.boxes?.first), try #require(reference.box?.first))

        let back = try PDBReader(path: output)
        #expect(back.topology?.atoms == topology.atoms)
        #expect(back.topology?.residues == topology.residues)
        #expect(try back.read(maxFrames: 1)?.positions == chunk.positions)
    }

    @Test("lss writes three models with a triclinic box and a ligand; MDTraj reads frames, box and CONECT bonds")
    func writeMultiModel() throws {
        let workspace = try Workspace()
        let source = try PDBReader(path: Repository.fixture("PDB/features.pdb"))
        let topology = try #require(source.topology)
        let box = Box(lengths: [2.5, 2.6, 2.7], angles: [80, 95, 110])
        var chunk = FrameChunk(atomCount: topology.atoms.count)
        let base = try #require(try source.readFrame())
        for frame in 0 ..< 3 {
            let shift = SIMD3<Double>(0.0125 * Double(frame), -0.2, 0.05)
            chunk.append(Frame(positions: base.positions.map { $0 + shift }, box: box, time: Double(frame)))
        }
        let output = workspace.path("models.pdb")
        let writer = try PDBWriter(path: output, atomCount: topology.atoms.count, topology: topology)
        try writer.write(chunk)
        try writer.close()

        let reference = try MDTrajTopologyReference.load(output, kind: "pdb")
        let xyz = try #require(reference.xyz)
        #expect(xyz.count == 3)
        #expect(maxDifference(chunk.positions, xyz) < 1e-4)
        for vectors in try #require(reference.box) { expectSameBox(box, vectors, tolerance: 1e-5) }
        #expect(reference.atoms.map(\.name) == topology.atoms.map(\.name))
        #expect(reference.atoms.map(\.element) == topology.atoms.map { $0.element?.symbol })
        #expect(reference.residues.map(\.number) == topology.residues.map(\.number))
        let referenceBonds = Set(reference.bonds.map { Topology.Bond($0[0], $0[1]) })
        #expect(topology.bonds.allSatisfy(referenceBonds.contains))

        let back = try PDBReader(path: output)
        #expect(try back.countFrames() == 3)
        #expect(back.topology?.bonds == topology.bonds)
        #expect(back.topology?.residues == topology.residues)
        #expect(back.topology?.atoms.map(\.element) == topology.atoms.map(\.element))
        let all = try back.readAll()
        #expect(zip(all.positions, chunk.positions).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(all.boxes?.allSatisfy { abs($0.volume - box.volume) < 1e-4 } == true)
    }

    @Test("more than 99,999 atoms and 9,999 residues: hybrid-36 serials and residue numbers both ways")
    func hybrid36() throws {
        let workspace = try Workspace()
        let residues = 33_335
        var topology = Topology(chains: [Topology.Chain(id: "W")])
        var positions: [Float] = []
        for residue in 0 ..< residues {
            topology.residues.append(Topology.Residue(name: "HOH", number: residue + 1, chainIndex: 0))
            for (name, element) in [("O", Element.oxygen), ("H1", .hydrogen), ("H2", .hydrogen)] {
                topology.atoms.append(Topology.Atom(name: name, element: element, residueIndex: residue))
                positions += [Float(residue % 100) * 0.3, Float(residue / 100 % 100) * 0.3, Float(residue / 10_000) * 0.3]
            }
        }
        let count = topology.atoms.count
        #expect(count == 100_005)
        let output = workspace.path("big.pdb")
        let writer = try PDBWriter(path: output, atomCount: count, topology: topology)
        try writer.write(FrameChunk(atomCount: count, positions: positions, times: [0]))
        try writer.close()

        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("\nHETATMA0000  O   HOH WAI06 "))
        let back = try PDBReader(path: output)
        let read = try #require(back.topology)
        #expect(read.atoms.map(\.serial) == (1 ... count).map { Optional($0) })
        #expect(read.residues.map(\.number) == Array(1 ... residues))
        // MDTraj's "chimera" reading agrees with hybrid-36 for the first upper-case block.
        let reference = try MDTrajTopologyReference.load(output, kind: "pdb")
        #expect(reference.residues.map(\.number) == Array(1 ... residues))
        #expect(reference.atoms.map(\.serial) == (1 ... count).map { Optional($0) })
    }

    @Test("overflowed numbers ('*****', '****') and VMD's hexadecimal serials read without failing")
    func overflowMarkers() throws {
        let workspace = try Workspace()
        let path = workspace.path("overflow.pdb")
        let lines = [
            "ATOM  *****  OW  SOL  ****       1.000   2.000   3.000  1.00  0.00           O",
            "ATOM  *****  HW1 SOL  ****       1.100   2.000   3.000  1.00  0.00           H",
            "ATOM  *****  OW  SOL  ****       4.000   2.000   3.000  1.00  0.00           O",
            "ATOM  *****  HW1 SOL  ****       4.100   2.000   3.000  1.00  0.00           H",
            "ATOM  186a0  NA   NA  A000       7.000   2.000   3.000  1.00  0.00          NA",
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let topology = try PDBFile.readTopology(path: path)
        #expect(topology.residues.count == 3)
        #expect(topology.atoms.map(\.serial) == [nil, nil, nil, nil, 100_000])
        #expect(topology.residues.last?.number == 10_000)
        #expect(topology.atoms.last?.element?.symbol == "Na")
    }

    // MARK: - Bad input

    @Test("truncated lines, bad numbers, NaN and models that differ are errors naming file, line and model")
    func badInput() throws {
        let workspace = try Workspace()
        let good = "ATOM      1  N   ALA A   1       1.000   2.000   3.000  1.00  0.00           N"
        let good2 = "ATOM      2  CA  ALA A   1       1.500   2.000   3.000  1.00  0.00           C"
        func write(_ name: String, _ lines: [String]) throws -> String {
            let path = workspace.path(name)
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        let truncated = try write("truncated.pdb", ["REMARK x", good, "ATOM      2  CA  ALA A   1       1.500   2.0"])
        let error1 = topologyTestError { _ = try PDBReader(path: truncated) }
        #expect(error1?.kind == .malformed && error1?.path == truncated)
        #expect(error1?.problem.contains("line 3") == true && error1?.problem.contains("truncated") == true)

        let letters = try write("letters.pdb", [good, "ATOM      2  CA  ALA A   1       1.500   abcde   3.000  1.00  0.00           C"])
        let error2 = topologyTestError { _ = try PDBReader(path: letters) }
        #expect(error2?.kind == .malformed && error2?.problem.contains("line 2") == true)

        let notANumber = try write("nan.pdb", ["MODEL        1", good, good2, "ENDMDL", "MODEL        2", good,
                                                "ATOM      2  CA  ALA A   1       1.500     nan   3.000  1.00  0.00           C",
                                                "ENDMDL"])
        let reader3 = try PDBReader(path: notANumber)
        let error3 = topologyTestError { _ = try reader3.readAll() }
        #expect(error3?.kind == .nonFinite && error3?.frame == 1 && error3?.problem.contains("line 7") == true)

        let uneven = try write("uneven.pdb", ["MODEL        1", good, good2, "ENDMDL", "MODEL        7", good, "ENDMDL"])
        let reader4 = try PDBReader(path: uneven)
        #expect(try reader4.countFrames() == 2)
        #expect(try reader4.read(maxFrames: 1)?.frameCount == 1)
        let error4 = topologyTestError { _ = try reader4.read(maxFrames: 1) }
        #expect(error4?.kind == .mismatch && error4?.frame == 1)
        #expect(error4?.problem.contains("model 2 (MODEL 7) has 1 atoms; the first model has 2") == true)

        let renamed = try write("renamed.pdb", ["MODEL 1", good, good2, "ENDMDL", "MODEL 2", good,
                                                good2.replacingOccurrences(of: " CA ", with: " CB "), "ENDMDL"])
        let reader5 = try PDBReader(path: renamed)
        try reader5.seek(toFrame: 1)
        let error5 = topologyTestError { _ = try reader5.readFrame() }
        #expect(error5?.kind == .mismatch && error5?.problem.contains("'CB'") == true)

        let empty = try write("empty.pdb", ["REMARK nothing here", "END"])
        #expect(topologyTestError { _ = try PDBReader(path: empty) }?.kind == .malformed)
        #expect(topologyTestError { _ = try PDBReader(path: workspace.path("missing.pdb")) }?.kind == .io)

        let reader6 = try PDBReader(path: uneven)
        #expect(topologyTestError { try reader6.seek(toFrame: 3) }?.kind == .mismatch)
        reader6.close()
        #expect(topologyTestError { _ = try reader6.read(maxFrames: 1) }?.kind == .io)
    }

    @Test("the writer refuses coordinates beyond 8 columns, missing topologies and wrong atom counts")
    func writerErrors() throws {
        let workspace = try Workspace()
        let topology = try PDBFile.readTopology(path: Repository.alanineDipeptidePDB)
        let count = topology.atoms.count
        #expect(topologyTestError { _ = try PDBWriter(path: workspace.path("a.pdb"), atomCount: count) }?.kind == .unsupported)
        #expect(topologyTestError { _ = try PDBWriter(path: workspace.path("b.pdb"), atomCount: 3, topology: topology) }?.kind == .mismatch)
        let writer = try PDBWriter(path: workspace.path("c.pdb"), atomCount: count, topology: topology)
        var positions = [SIMD3<Double>](repeating: .zero, count: count)
        positions[4] = [1000.0001, 0, 0]  // 10000.001 Å
        let error = topologyTestError { try writer.write(Frame(positions: positions)) }
        #expect(error?.kind == .unsupported && error?.frame == 0 && error?.problem.contains("atom 5") == true)
        positions[4] = [-99.9999, 999.9999, 0]  // -999.999 and 9999.999 Å still fit
        try writer.write(Frame(positions: positions))
        positions[4] = [.nan, 0, 0]
        #expect(topologyTestError { try writer.write(Frame(positions: positions)) }?.kind == .nonFinite)
        try writer.close()
        #expect(topologyTestError { try writer.write(Frame(positions: positions)) }?.kind == .io)
    }
}

// MARK: - Helpers shared by the topology-format tests

/// MDTraj's reading of a topology (and of coordinates, for formats that have them), as printed by
/// `script`.
struct MDTrajTopologyReference: Decodable {
    struct Atom: Decodable {
        var name: String
        var element: String?
        var residue: Int
        var serial: Int?
    }
    struct Residue: Decodable {
        var name: String
        var number: Int
        var chain: Int
    }
    var atoms: [Atom]
    var residues: [Residue]
    var chains: Int
    var bonds: [[Int]]
    var xyz: [[[Double]]]?
    var box: [[[Double]]]?

    /// Python: argv[1] path, argv[2] kind (pdb = load_pdb without name standardization,
    /// pdb-standard, gro, prmtop, psf). Elements MDTraj leaves virtual are null.
    static let script = """
    import json, sys, mdtraj
    path, kind = sys.argv[1], sys.argv[2]
    t = None
    if kind == 'pdb':
        t = mdtraj.load_pdb(path, standard_names=False); top = t.topology
    elif kind == 'pdb-standard':
        t = mdtraj.load_pdb(path); top = t.topology
    elif kind == 'gro':
        t = mdtraj.load(path); top = t.topology
    elif kind == 'prmtop':
        top = mdtraj.load_prmtop(path, standard_names=False)
    elif kind == 'psf':
        top = mdtraj.load_psf(path)
    def symbol(a):
        return None if a.element is None or a.element.symbol == 'VS' else a.element.symbol
    out = {
        'atoms': [{'name': a.name, 'element': symbol(a), 'residue': a.residue.index, 'serial': a.serial} for a in top.atoms],
        'residues': [{'name': r.name, 'number': int(r.resSeq), 'chain': r.chain.index} for r in top.residues],
        'chains': top.n_chains,
        'bonds': sorted(sorted([b[0].index, b[1].index]) for b in top.bonds),
        'xyz': None if t is None else t.xyz.astype(float).tolist(),
        'box': None if t is None or t.unitcell_vectors is None else t.unitcell_vectors.astype(float).tolist(),
    }
    print(json.dumps(out))
    """

    static func load(_ path: String, kind: String) throws -> MDTrajTopologyReference {
        try decodeJSON(MDTrajTopologyReference.self, from: runPython(script, [path, kind]))
    }
}

/// Atom names, elements (except the listed atoms, whose lss element is given), residue names,
/// numbers, atom-to-residue and residue-to-chain maps, as MDTraj has them.
func expectSameTopology(_ topology: Topology, _ reference: MDTrajTopologyReference,
                        elementExceptions: [Int: String] = [:],
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(topology.atoms.count == reference.atoms.count, sourceLocation: sourceLocation)
    #expect(topology.residues.count == reference.residues.count, sourceLocation: sourceLocation)
    #expect(topology.chains.count == reference.chains, sourceLocation: sourceLocation)
    guard topology.atoms.count == reference.atoms.count, topology.residues.count == reference.residues.count else { return }
    #expect(topology.atoms.map(\.name) == reference.atoms.map(\.name), sourceLocation: sourceLocation)
    #expect(topology.atoms.map(\.residueIndex) == reference.atoms.map(\.residue), sourceLocation: sourceLocation)
    let elements = topology.atoms.map { $0.element?.symbol }
    let expected = reference.atoms.enumerated().map { index, atom in elementExceptions[index] ?? atom.element }
    let differing = elements.indices.filter { elements[$0] != expected[$0] }
    #expect(differing.isEmpty, "elements differ at atoms \(differing.prefix(10).map { "\($0): \(elements[$0] ?? "nil") vs \(expected[$0] ?? "nil")" })",
            sourceLocation: sourceLocation)
    #expect(topology.residues.map(\.name) == reference.residues.map(\.name), sourceLocation: sourceLocation)
    #expect(topology.residues.map(\.number) == reference.residues.map(\.number), sourceLocation: sourceLocation)
    #expect(topology.residues.map(\.chainIndex) == reference.residues.map(\.chain), sourceLocation: sourceLocation)
}

/// Compares box vectors with MDTraj's 3 × 3 unit cell vectors (nm).
func expectSameBox(_ box: Box, _ vectors: [[Double]], tolerance: Double = 1e-5,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    let rows = [box.a, box.b, box.c]
    let worst = (0 ..< 3).flatMap { row in (0 ..< 3).map { abs(rows[row][$0] - vectors[row][$0]) } }.max() ?? .infinity
    #expect(worst < tolerance, "box \(box) vs \(vectors)", sourceLocation: sourceLocation)
}

/// The error a throwing call raised, as a `TrajectoryError` (nil when it did not throw one).
func topologyTestError(_ body: () throws -> Void) -> TrajectoryError? {
    do {
        try body()
        return nil
    } catch let error as TrajectoryError {
        return error
    } catch {
        return nil
    }
}

/// OpenMM's villin-in-water test structure, shipped with the openmm Python package.
func openMMTestPDB() throws -> String {
    try runPython("import openmm.app, os; print(os.path.dirname(openmm.app.__file__) + '/data/test.pdb')")
        .trimmingCharacters(in: .whitespacesAndNewlines)
}
