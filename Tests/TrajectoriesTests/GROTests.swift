import Foundation
import Testing
import Trajectories

@Suite("GRO: MDTraj- and GROMACS-written files, full precision, writing for GROMACS, bad input")
struct GROTests {
    // MARK: - Reading

    @Test("three frames written by MDTraj's save_gro: topology, positions, triclinic box and time")
    func mdtrajWritten() throws {
        let workspace = try Workspace()
        let output = workspace.path("mdtraj.gro")
        try runPython("""
        import sys, mdtraj, numpy as np
        t = mdtraj.load(sys.argv[1])
        t = mdtraj.Trajectory(np.concatenate([t.xyz + 0.01 * k for k in range(3)]), t.topology,
                              time=[0.0, 2.5, 5.0], unitcell_lengths=[[2.5, 2.6, 2.7]] * 3,
                              unitcell_angles=[[80.0, 95.0, 110.0]] * 3)
        t.save_gro(sys.argv[2])
        """, [Repository.alanineDipeptidePDB, output])
        let reader = try GROReader(path: output)
        let reference = try MDTrajTopologyReference.load(output, kind: "gro")
        expectSameTopology(try #require(reader.topology), reference)
        #expect(reader.fieldWidth == 8 && !reader.hasVelocities)
        #expect(try reader.countFrames() == 3)
        let chunk = try reader.readAll()
        #expect(chunk.frameCount == 3 && chunk.times == [0, 2.5, 5])
        #expect(maxDifference(chunk.positions, try #require(reference.xyz)) < 1e-6)
        for (box, vectors) in zip(try #require(chunk.boxes), try #require(reference.box)) {
            expectSameBox(box, vectors, tolerance: 1e-6)
        }
        #expect(chunk.velocities == nil)
    }

    @Test("GROMACS output (pdb2gmx, dodecahedron box, trjconv -vel): positions, box and time as MDTraj, velocities as written")
    func gromacsWritten() throws {
        let workspace = try Workspace()
        let path = try GROMACSRun.make(in: workspace)
        let reader = try GROReader(path: path)
        #expect(reader.hasVelocities && reader.fieldWidth == 8)
        #expect(try reader.countFrames() == 3)
        let reference = try MDTrajTopologyReference.load(path, kind: "gro")
        let topology = try #require(reader.topology)
        // MDTraj renames GRO atoms to PDB standard names (ACE HH31 → H1); compare with the text.
        let text = try decodeJSON(GROText.self, from: runPython(GROText.script, [path]))
        #expect(topology.atoms.map(\.name) == text.atomNames)
        #expect(topology.residues.map(\.name) == text.residueNames)
        #expect(topology.residues.map(\.number) == text.residueNumbers)
        #expect(topology.atoms.map { $0.element?.symbol } == reference.atoms.map(\.element))

        let chunk = try reader.readAll()
        #expect(chunk.times == [0, 0.002, 0.004] && chunk.steps == [0, 1, 2])
        #expect(maxDifference(chunk.positions, try #require(reference.xyz)) < 1e-6)
        let boxes = try #require(chunk.boxes)
        for (box, vectors) in zip(boxes, try #require(reference.box)) { expectSameBox(box, vectors, tolerance: 1e-6) }
        // A rhombic dodecahedron: |a| = |b| = |c|, angles 60°, 60°, 90°.
        #expect(abs(boxes[0].angles.x - 60) < 0.01 && abs(boxes[0].angles.y - 60) < 0.01 && abs(boxes[0].angles.z - 90) < 0.01)
        let velocities = try #require(chunk.velocities)
        #expect(maxDifference(velocities, text.velocities) < 1e-6)
        #expect(maxDifference(chunk.positions, text.positions) < 1e-6)

        try reader.seek(toFrame: 2)
        let last = try #require(try reader.readFrame())
        #expect(last.time == 0.004 && last.step == 2)
        #expect(last.velocities?.first == SIMD3(text.velocities[2][0][0], text.velocities[2][0][1], text.velocities[2][0][2]))
        #expect(try reader.readFrame() == nil)
        try reader.seek(toFrame: 3)
        #expect(try reader.read(maxFrames: 5) == nil)
        #expect(topologyTestError { try reader.seek(toFrame: 4) }?.kind == .mismatch)
    }

    @Test("%10.5f positions and %10.6f velocities are read to the last digit")
    func highPrecision() throws {
        let path = Repository.fixture("GRO/high-precision.gro")
        let reader = try GROReader(path: path)
        #expect(reader.fieldWidth == 10 && reader.hasVelocities)
        // The expected values: the file's text, cut at the same columns and converted by Swift.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        func columns(_ line: String, _ field: Int) -> Double {
            let characters = Array(line)
            return Double(String(characters[(20 + 10 * field) ..< (30 + 10 * field)]).trimmingCharacters(in: .whitespaces))!
        }
        for (frame, firstLine) in [(0, 2), (1, 8)] {
            let read = try #require(try reader.readFrame())
            for atom in 0 ..< 3 {
                let line = lines[firstLine + atom]
                #expect(read.positions[atom] == SIMD3(columns(line, 0), columns(line, 1), columns(line, 2)))
                #expect(read.velocities?[atom] == SIMD3(columns(line, 3), columns(line, 4), columns(line, 5)))
            }
            #expect(read.time == [0.0, 0.25][frame] && read.step == [0, 125][frame])
            #expect(read.box == Box(rectangular: frame == 0 ? 3.00001 : 3.00004, frame == 0 ? 3.10002 : 3.10005,
                                    frame == 0 ? 3.20003 : 3.20006))
        }
        #expect(read(reader) == nil)
        let reference = try MDTrajTopologyReference.load(path, kind: "gro")
        try reader.seek(toFrame: 0)
        #expect(maxDifference(try reader.readAll().positions, try #require(reference.xyz)) < 1e-6)
    }

    @Test("residue and atom numbers past 99,999 wrap to 0 in GRO; lss splits and unwraps them")
    func numberWrap() throws {
        let workspace = try Workspace()
        let path = workspace.path("wrap.gro")
        let rows = [(99_998, "SOL", "OW", 99_998), (99_999, "SOL", "OW", 99_999), (0, "SOL", "OW", 0), (1, "NA", "NA", 1)]
        var text = "wrapping numbers\n    4\n"
        for (index, row) in rows.enumerated() {
            let name = row.1.padding(toLength: 5, withPad: " ", startingAt: 0)
            let atom = String(repeating: " ", count: 5 - row.2.count) + row.2
            text += String(format: "%5d", row.0) + name + atom
                + String(format: "%5d%8.3f%8.3f%8.3f\n", row.3, 0.1 * Double(index), 0.2, 0.3)
        }
        text += "   1.00000   1.00000   1.00000\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let topology = try GROFile.readTopology(path: path)
        #expect(topology.residues.map(\.number) == [99_998, 99_999, 100_000, 100_001])
        #expect(topology.atoms.map(\.serial) == [99_998, 99_999, 100_000, 100_001])
        // MDTraj's GRO reader calls this NA nitrogen; a one-atom residue NA is sodium here.
        #expect(topology.atoms.last?.element?.symbol == "Na")
        let reference = try MDTrajTopologyReference.load(path, kind: "gro")
        #expect(reference.residues.count == 4 && reference.atoms.last?.element == "N")
    }

    @Test("CRLF line endings, blank titles and trailing blank lines")
    func lineEndings() throws {
        let workspace = try Workspace()
        let path = workspace.path("crlf.gro")
        let lines = ["", "    1", "    1SOL     OW    1   0.100   0.200   0.300", "   1.00000   1.00000   1.00000",
                     "", "    1", "    1SOL     OW    1   0.400   0.200   0.300", "   1.00000   1.00000   1.00000", "", ""]
        try lines.joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try GROReader(path: path)
        #expect(try reader.countFrames() == 2)
        let chunk = try reader.readAll()
        #expect(chunk.positions == [0.1, 0.2, 0.3, 0.4, 0.2, 0.3] && chunk.times == [0, 1] && chunk.steps == nil)
        #expect(chunk.boxes == [Box(rectangular: 1, 1, 1), Box(rectangular: 1, 1, 1)])

        let pdb = workspace.path("crlf.pdb")
        let text = try String(contentsOfFile: Repository.alanineDipeptidePDB, encoding: .utf8)
        try text.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: pdb, atomically: true, encoding: .utf8)
        #expect(try PDBFile.readTopology(path: pdb) == PDBFile.readTopology(path: Repository.alanineDipeptidePDB))
    }

    // MARK: - Writing

    @Test("lss writes velocities and a triclinic box; gmx reads the file and MDTraj reads back the same numbers", arguments: [3, 5])
    func writeForGROMACS(precision: Int) throws {
        let workspace = try Workspace()
        let source = try GROReader(path: try GROMACSRun.make(in: workspace))
        let topology = try #require(source.topology)
        let frames = [try #require(try source.readFrame()), try #require(try source.readFrame())]
        let output = workspace.path("lss.gro")
        let writer = try GROWriter(path: output, atomCount: topology.atoms.count, topology: topology, precision: precision)
        for var frame in frames {
            // Digits beyond %8.3f, to see them kept (precision 5) or rounded (precision 3).
            frame.positions = frame.positions.map { $0 + SIMD3(1.23456789e-4, -2.2e-5, 7.7e-6) }
            try writer.write(frame)
        }
        try writer.close()

        // gmx check prints its table on standard error.
        let check = try runProgram("sh", ["-c", "gmx -quiet check -f lss.gro 2>&1"], in: workspace.url.path)
        #expect(check.contains("Coords           2") && check.contains("Velocities       2") && check.contains("Box              2"))
        try runProgram("gmx", ["-quiet", "editconf", "-f", output, "-o", "check.gro"], in: workspace.url.path)
        let edited = try GROReader(path: workspace.path("check.gro"))
        let firstWritten = frames[0].positions.map { $0 + SIMD3(1.23456789e-4, -2.2e-5, 7.7e-6) }
        let editedFrame = try #require(try edited.readFrame())
        let tolerance = 0.5 * pow(10, -Double(min(precision, 3))) + 1e-9
        #expect(zip(editedFrame.positions, firstWritten).allSatisfy { pair in
            (0 ..< 3).allSatisfy { abs(pair.0[$0] - pair.1[$0]) <= tolerance }
        })
        expectSameBoxes(try #require(editedFrame.box), try #require(frames[0].box), tolerance: 1e-5)

        let reference = try MDTrajTopologyReference.load(output, kind: "gro")
        let back = try GROReader(path: output)
        #expect(back.fieldWidth == precision + 5 && back.hasVelocities)
        #expect(back.topology?.atoms.map(\.name) == topology.atoms.map(\.name))
        #expect(back.topology?.residues == topology.residues)
        let all = try back.readAll()
        #expect(maxDifference(all.positions, try #require(reference.xyz)) < 1e-6)
        for (box, vectors) in zip(try #require(all.boxes), try #require(reference.box)) { expectSameBox(box, vectors, tolerance: 1e-5) }

        try back.seek(toFrame: 0)
        let reread = try #require(try back.readFrame())
        let scale = pow(10, Double(precision))
        for (atom, value) in firstWritten.enumerated() {
            for axis in 0 ..< 3 {
                let printed = Double(String(format: "%.\(precision)f", value[axis]))!
                #expect(reread.positions[atom][axis] == printed)
                #expect(abs(reread.positions[atom][axis] - value[axis]) <= 0.5 / scale + 1e-12)
            }
            let velocity = try #require(frames[0].velocities)[atom]
            for axis in 0 ..< 3 {
                #expect(reread.velocities?[atom][axis] == Double(String(format: "%.\(precision + 1)f", velocity[axis])))
            }
        }
        #expect(reread.time == frames[0].time && reread.step == frames[0].step)
    }

    // MARK: - Bad input

    @Test("missing atom lines, bad box lines, bad numbers, NaN and changing atom counts are errors with line numbers")
    func badInput() throws {
        let workspace = try Workspace()
        let atom1 = "    1SOL     OW    1   0.100   0.200   0.300"
        let atom2 = "    1SOL    HW1    2   0.150   0.200   0.300"
        let box = "   1.00000   1.00000   1.00000"
        func write(_ name: String, _ lines: [String]) throws -> String {
            let path = workspace.path(name)
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        let short = try write("short.gro", ["title", "    3", atom1, atom2, box])
        let error1 = topologyTestError { _ = try GROReader(path: short) }
        #expect(error1?.kind == .malformed && error1?.path == short)

        let noBox = try write("nobox.gro", ["title", "    2", atom1, atom2])
        #expect(topologyTestError { _ = try GROReader(path: noBox) }?.problem.contains("box line") == true)

        let badBox = try write("badbox.gro", ["title", "    2", atom1, atom2, "   1.00000   1.00000"])
        let error2 = topologyTestError { _ = try GROReader(path: badBox) }
        #expect(error2?.kind == .malformed && error2?.problem.contains("line 5") == true)

        let letters = try write("letters.gro", ["t", "    2", atom1, atom2, box, "t", "    2", atom1,
                                                "    1SOL    HW1    2   0.150   x.yzw   0.300", box])
        let reader3 = try GROReader(path: letters)
        let error3 = topologyTestError { _ = try reader3.readAll() }
        #expect(error3?.kind == .malformed && error3?.frame == 1 && error3?.problem.contains("line 9") == true)

        let notANumber = try write("nan.gro", ["t", "    2", atom1, "    1SOL    HW1    2   0.150     nan   0.300", box])
        let reader4 = try GROReader(path: notANumber)
        let error4 = topologyTestError { _ = try reader4.read(maxFrames: 1) }
        #expect(error4?.kind == .nonFinite && error4?.frame == 0 && error4?.problem.contains("line 4") == true)

        let uneven = try write("uneven.gro", ["t", "    2", atom1, atom2, box, "t", "    1", atom1, box])
        let reader5 = try GROReader(path: uneven)
        let error5 = topologyTestError { _ = try reader5.countFrames() }
        #expect(error5?.kind == .mismatch && error5?.frame == 1 && error5?.problem.contains("line 7") == true)

        let cut = try write("cut.gro", ["t", "    2", atom1, atom2, box, "t", "    2", atom1])
        let reader6 = try GROReader(path: cut)
        #expect(try reader6.read(maxFrames: 1)?.frameCount == 1)
        let error6 = topologyTestError { _ = try reader6.read(maxFrames: 1) }
        #expect(error6?.kind == .malformed && error6?.frame == 1)

        let huge = try write("huge.gro", ["t", "999999999", atom1, box])
        #expect(topologyTestError { _ = try GROReader(path: huge) }?.problem.contains("more than the file") == true)
        let noCount = try write("nocount.gro", ["t", "two", atom1, box])
        #expect(topologyTestError { _ = try GROReader(path: noCount) }?.problem.contains("line 2") == true)
        let misaligned = try write("misaligned.gro", ["t", "    1", "    1SOL     OW    1   0.100  0.2000   0.300", box])
        #expect(topologyTestError { _ = try GROReader(path: misaligned) }?.kind == .malformed)
    }

    @Test("the writer refuses values wider than the columns, NaN and a missing topology")
    func writerErrors() throws {
        let workspace = try Workspace()
        let topology = try PDBFile.readTopology(path: Repository.alanineDipeptidePDB)
        let count = topology.atoms.count
        #expect(topologyTestError { _ = try GROWriter(path: workspace.path("a.gro"), atomCount: count) }?.kind == .unsupported)
        #expect(topologyTestError { _ = try GROWriter(path: workspace.path("p.gro"), atomCount: count, topology: topology, precision: 0) }?.kind == .unsupported)
        let writer = try GROWriter(path: workspace.path("b.gro"), atomCount: count, topology: topology)
        var positions = [SIMD3<Double>](repeating: .zero, count: count)
        positions[1] = [10000, 0, 0]
        let error = topologyTestError { try writer.write(Frame(positions: positions)) }
        #expect(error?.kind == .unsupported && error?.problem.contains("atom 2") == true)
        positions[1] = [.infinity, 0, 0]
        #expect(topologyTestError { try writer.write(Frame(positions: positions)) }?.kind == .nonFinite)
        try writer.close()
    }

    private func read(_ reader: GROReader) -> Frame? { (try? reader.readFrame()) ?? nil }
}

/// Box vectors compared component by component.
func expectSameBoxes(_ a: Box, _ b: Box, tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    expectSameBox(a, [[b.a.x, b.a.y, b.a.z], [b.b.x, b.b.y, b.b.z], [b.c.x, b.c.y, b.c.z]], tolerance: tolerance,
                  sourceLocation: sourceLocation)
}

/// A GRO file's names, numbers, positions and velocities cut from its text by Python (an
/// independent reading of the columns, for what MDTraj does not report or renames).
struct GROText: Decodable {
    var atomNames: [String]
    var residueNames: [String]
    var residueNumbers: [Int]
    var positions: [[[Double]]]
    var velocities: [[[Double]]]

    static let script = """
    import json, sys
    lines = open(sys.argv[1]).read().splitlines()
    out = {'atomNames': [], 'residueNames': [], 'residueNumbers': [], 'positions': [], 'velocities': []}
    i, first = 0, True
    while i < len(lines) and lines[i].strip():
        n = int(lines[i + 1])
        rows = lines[i + 2:i + 2 + n]
        p1 = rows[0].index('.', 20)
        w = rows[0].index('.', p1 + 1) - p1
        out['positions'].append([[float(r[20 + k * w:20 + (k + 1) * w]) for k in range(3)] for r in rows])
        out['velocities'].append([[float(r[20 + k * w:20 + (k + 1) * w]) for k in range(3, 6)] for r in rows])
        if first:
            last = None
            for r in rows:
                out['atomNames'].append(r[10:15].strip())
                key = (r[0:5], r[5:10])
                if key != last:
                    out['residueNames'].append(r[5:10].strip()); out['residueNumbers'].append(int(r[0:5])); last = key
            first = False
        i += n + 3
    print(json.dumps(out))
    """
}

/// Alanine dipeptide prepared and run for two steps by GROMACS: pdb2gmx (amber99sb-ildn, TIP3P),
/// editconf into a rhombic dodecahedron, grompp/mdrun with generated velocities, and trjconv -vel
/// to a three-frame .gro with "t=" and "step=" titles.
enum GROMACSRun {
    static let parameters = """
    integrator = md
    nsteps = 2
    dt = 0.002
    nstxout = 1
    nstvout = 1
    cutoff-scheme = Verlet
    pbc = xyz
    coulombtype = cut-off
    rcoulomb = 1.0
    rvdw = 1.0
    gen-vel = yes
    gen-temp = 300
    gen-seed = 42

    """

    static func make(in workspace: Workspace) throws -> String {
        let directory = workspace.url.path
        try FileManager.default.copyItem(atPath: Repository.alanineDipeptidePDB, toPath: workspace.path("ala.pdb"))
        try parameters.write(toFile: workspace.path("run.mdp"), atomically: true, encoding: .utf8)
        try runProgram("gmx", ["-quiet", "pdb2gmx", "-f", "ala.pdb", "-o", "ala.gro", "-p", "topol.top",
                               "-ff", "amber99sb-ildn", "-water", "tip3p", "-ignh"], in: directory)
        try runProgram("gmx", ["-quiet", "editconf", "-f", "ala.gro", "-o", "box.gro", "-bt", "dodecahedron",
                               "-d", "1.0", "-c"], in: directory)
        try runProgram("gmx", ["-quiet", "grompp", "-f", "run.mdp", "-c", "box.gro", "-p", "topol.top",
                               "-o", "run.tpr", "-maxwarn", "5"], in: directory)
        try runProgram("gmx", ["-quiet", "mdrun", "-s", "run.tpr", "-o", "run.trr", "-c", "out.gro",
                               "-e", "run.edr", "-g", "run.log", "-nt", "1"], in: directory)
        try runProgram("gmx", ["-quiet", "trjconv", "-f", "run.trr", "-s", "run.tpr", "-o", "traj.gro", "-vel"],
                       in: directory, input: "0\n")
        return workspace.path("traj.gro")
    }
}
