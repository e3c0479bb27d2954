import Foundation
import Testing
import Trajectories

/// LAMMPS text dumps: made by LAMMPS itself (lmp, a triclinic LJ fluid in real units) and by MDTraj,
/// compared with MDTraj's LAMMPSTrajectoryFile and a plain NumPy parse; the scaled-coordinate dump
/// of the same run must give the same positions as the Cartesian one.
@Suite("LAMMPS dumps")
struct LAMMPSTests {
    /// A triclinic argon-like LJ fluid in `units real`, 2 fs steps, two dumps every 20 steps:
    /// Cartesian positions with velocities (and ITEM: UNITS / TIME), and scaled positions.
    static let input = """
    units real
    atom_style atomic
    lattice fcc 5.26
    region box prism 0 3 0 3 0 3 0.5 0.3 0.2
    create_box 1 box
    create_atoms 1 box
    mass 1 39.948
    pair_style lj/cut 8.0
    pair_coeff 1 1 0.238 3.405
    velocity all create 120.0 12345
    fix 1 all nve
    timestep 2.0
    dump d1 all custom 20 dump.xyz id type x y z vx vy vz
    dump_modify d1 format float %20.15g units yes time yes
    dump d2 all custom 20 dump.scaled id type xs ys zs
    dump_modify d2 format float %20.15g
    run 100

    """

    /// Runs LAMMPS in the workspace and returns the directory.
    func runLAMMPS(_ workspace: Workspace) throws -> String {
        let directory = workspace.url.path
        try Data(Self.input.utf8).write(to: URL(fileURLWithPath: workspace.path("in.lj")))
        // Open MPI (inside Debian's lmp) makes its session folder under TMPDIR; runs that start at
        // the same moment (tests in parallel) collide in /tmp, so each gets its own.
        try runProgram("env", ["TMPDIR=\(directory)", "lmp", "-in", "in.lj", "-log", "none", "-screen", "none"], in: directory)
        return directory
    }

    @Test("a real LAMMPS run: Cartesian dump vs MDTraj and NumPy, scaled dump vs the Cartesian one")
    func realLAMMPS() throws {
        let workspace = try Workspace()
        _ = try runLAMMPS(workspace)
        let cartesianPath = workspace.path("dump.xyz"), scaledPath = workspace.path("dump.scaled")
        let reference = try decodeJSON(NumPyDump.self, from: runPython("""
        import sys, json, numpy as np
        import mdtraj as md
        # Velocities, steps and times straight from the text, sorted by id.
        lines = open(sys.argv[1]).read().split('\\n')
        # MDTraj does not know the ITEM: UNITS / ITEM: TIME blocks; it reads a copy without them.
        plain, k = [], 0
        while k < len(lines):
            if lines[k] in ('ITEM: UNITS', 'ITEM: TIME'): k += 2; continue
            plain.append(lines[k]); k += 1
        open(sys.argv[1] + '.plain', 'w').write('\\n'.join(plain))
        xyz, lengths, angles = md.formats.LAMMPSTrajectoryFile(sys.argv[1] + '.plain').read()
        velocities, steps, times = [], [], []
        i = 0
        while i < len(lines):
            line = lines[i].strip(); i += 1
            if line == 'ITEM: TIMESTEP': steps.append(int(lines[i])); i += 1
            elif line == 'ITEM: TIME': times.append(float(lines[i]) * 1e-3); i += 1
            elif line == 'ITEM: NUMBER OF ATOMS': n = int(lines[i]); i += 1
            elif line.startswith('ITEM: ATOMS'):
                names = line.split()[2:]
                rows = np.array([[float(v) for v in lines[i + k].split()] for k in range(n)]); i += n
                rows = rows[np.argsort(rows[:, names.index('id')])]
                velocities += (rows[:, [names.index(c) for c in ('vx', 'vy', 'vz')]] * 100.0).ravel().tolist()
        box = [md.utils.lengths_and_angles_to_box_vectors(*(list(l / 10) + list(a)))
               for l, a in zip(lengths, angles)]
        print(json.dumps({'positions': (xyz / 10).ravel().tolist(), 'velocities': velocities, 'steps': steps,
                          'times': times, 'box': [[list(map(float, v)) for v in b] for b in box]}))
        """, [cartesianPath]))

        let reader = try LAMMPSDumpReader(path: cartesianPath, timestep: 2.0)
        #expect(reader.units == .real && reader.atomCount == 108)
        #expect(try reader.countFrames() == 6)
        let cartesian = try reader.readAll(chunkSize: 4)
        #expect(cartesian.frameCount == 6)
        #expect(relativeDifference(cartesian.positions, reference.positions) < 1e-6)
        #expect(relativeDifference(try #require(cartesian.velocities), reference.velocities) < 1e-6)
        #expect(cartesian.steps == reference.steps && reference.steps == [0, 20, 40, 60, 80, 100])
        #expect(zip(cartesian.times, reference.times).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(unitCellDifference(try #require(cartesian.boxes), reference.box) < 1e-6)
        #expect(!(cartesian.boxes?.first?.isRectangular ?? true))

        // The scaled dump has no ITEM: TIME, so time = step × timestep (2 fs).
        let scaled = try LAMMPSDumpReader(path: scaledPath, units: .real, timestep: 2.0).readAll()
        #expect(maxAbsoluteDifference(scaled.positions, cartesian.positions) < 1e-5)
        #expect(scaled.boxes == cartesian.boxes)
        #expect(zip(scaled.times, cartesian.times).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(scaled.velocities == nil)
    }

    @Test("atoms in any line order come out in id order; seek equals the sequential read")
    func orderAndSeek() throws {
        let workspace = try Workspace()
        _ = try runLAMMPS(workspace)
        let shuffled = workspace.path("shuffled.dump")
        try runPython("""
        import sys, random
        random.seed(3)
        out, lines, i = [], open(sys.argv[1]).read().split('\\n'), 0
        while i < len(lines):
            out.append(lines[i])
            if lines[i].startswith('ITEM: NUMBER OF ATOMS'): n = int(lines[i + 1])
            if lines[i].startswith('ITEM: ATOMS'):
                block = lines[i + 1:i + 1 + n]; random.shuffle(block); out += block; i += n
            i += 1
        open(sys.argv[2], 'w').write('\\n'.join(out))
        """, [workspace.path("dump.xyz"), shuffled])
        let original = try LAMMPSDumpReader(path: workspace.path("dump.xyz")).readAll()
        let reader = try LAMMPSDumpReader(path: shuffled)
        // Seek before anything was read: the reader scans for frame starts.
        try reader.seek(toFrame: 4)
        let tail = try #require(try reader.read(maxFrames: 5))
        #expect(tail.firstFrame == 4 && tail.frameCount == 2)
        try reader.seek(toFrame: 0)
        let all = try reader.readAll(chunkSize: 2)
        #expect(all == original)
        #expect(tail == all.selecting(frames: [4, 5]))
        try reader.seek(toFrame: 2)
        #expect(try reader.read(maxFrames: 1) == all.selecting(frames: [2]))
        try reader.seek(toFrame: 6)
        #expect(try reader.read(maxFrames: 1) == nil)
        #expect(throws: TrajectoryError.self) { try reader.seek(toFrame: 7) }
    }

    @Test("a dump written by MDTraj (xu yu zu, triclinic) reads as MDTraj reads it")
    func mdtrajWrites() throws {
        let workspace = try Workspace()
        let path = workspace.path("mdtraj.lammpstrj")
        try runPython("""
        import sys, numpy as np, mdtraj as md
        t = md.load(sys.argv[2])
        xyz = t.xyz + np.random.RandomState(6).rand(3, 22, 3).astype(np.float32) * 0.2
        t = md.Trajectory(xyz, t.topology)
        t.unitcell_lengths = np.array([[3.0, 3.1, 3.2]] * 3); t.unitcell_angles = np.array([[80.0, 95.0, 100.0]] * 3)
        t.save_lammpstrj(sys.argv[1])
        """, [path, Repository.alanineDipeptidePDB])
        let reference = try mdtrajSummary(of: path)
        let chunk = try LAMMPSDumpReader(path: path).readAll()
        #expect(chunk.frameCount == 3)
        #expect(maxDifference(chunk.positions, reference.xyz) < 1e-6)
        #expect(unitCellDifference(try #require(chunk.boxes), try #require(reference.box)) < 1e-5)
        #expect(chunk.steps == [0, 1, 2])
        #expect(chunk.times == [0, 0.001, 0.002])
    }

    @Test("metal units, forces, ids with gaps; lj units are refused")
    func unitsAndIDs() throws {
        let workspace = try Workspace()
        let path = workspace.path("metal.dump")
        try Data("""
        ITEM: TIMESTEP
        500
        ITEM: NUMBER OF ATOMS
        3
        ITEM: BOX BOUNDS pp pp pp
        -5 5
        0 20
        0 30
        ITEM: ATOMS id type xu yu zu vx vy vz fx fy fz
        30 1 3.0 3.5 4.0 0.3 0.0 -0.3 1 0 0
        10 1 1.0 1.5 2.0 0.1 0.0 -0.1 0 1 0
        20 2 2.0 2.5 3.0 0.2 0.0 -0.2 0 0 1e-2

        """.utf8).write(to: URL(fileURLWithPath: path))
        let metal = try LAMMPSDumpReader(path: path, units: .metal).readAll()
        #expect(metal.positions == [0.1, 0.15, 0.2, 0.2, 0.25, 0.3, 0.3, 0.35, 0.4].map { Float($0) })
        #expect(metal.velocities == [0.01, 0, -0.01, 0.02, 0, -0.02, 0.03, 0, -0.03].map { Float($0) })
        let force = LAMMPSUnits.metal.force
        #expect(metal.forces == [0, force, 0, 0, 0, 0.01 * force, force, 0, 0].map { Float($0) })
        #expect(abs(force - 964.853) < 1e-3)
        #expect(metal.times == [0.5] && metal.steps == [500])
        #expect(metal.boxes == [Box(rectangular: 1, 2, 3)])

        // The same file read as real units: Å/fs velocities, 1 fs steps.
        let real = try LAMMPSDumpReader(path: path).readAll()
        #expect(real.velocities?.first == Float(0.1 * 100))
        #expect(real.times == [0.5])

        let lj = workspace.path("lj.dump")
        try Data(("ITEM: UNITS\nlj\n" + (try String(contentsOfFile: path, encoding: .utf8))).utf8).write(to: URL(fileURLWithPath: lj))
        #expect(throws: TrajectoryError.self) { try LAMMPSDumpReader(path: lj) }
    }

    /// Not a check: prints the read speed on a big dump when LSS_TRAJ_SPEED_DIR names a folder with
    /// big.lammpstrj (run in release). Compare with MDTraj's LAMMPSTrajectoryFile on the same file.
    @Test("read speed on a big dump", .enabled(if: ProcessInfo.processInfo.environment["LSS_TRAJ_SPEED_DIR"] != nil))
    func readSpeed() throws {
        let path = (ProcessInfo.processInfo.environment["LSS_TRAJ_SPEED_DIR"] ?? ".") + "/big.lammpstrj"
        var best = Double.infinity, bestCPU = Double.infinity, frames = 0
        for _ in 0 ..< 3 {
            let start = ContinuousClock.now, startCPU = processCPUSeconds()
            let reader = try LAMMPSDumpReader(path: path)
            frames = 0
            while let chunk = try reader.read(maxFrames: 10) { frames += chunk.frameCount }
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            bestCPU = min(bestCPU, processCPUSeconds() - startCPU)
        }
        let counted = try LAMMPSDumpReader(path: path).countFrames()
        print("lss LAMMPSDumpReader: \(frames) frames (\(counted) counted) in \(best) s, \(Int(Double(frames) / best)) frames/s (CPU \(bestCPU) s, \(Int(Double(frames) / bestCPU)) frames/s)")
        #expect(frames == counted)
    }

    @Test("broken dumps throw errors naming the file, frame and line")
    func badInput() throws {
        let workspace = try Workspace()
        func frame(_ step: Int, atoms: Int, lines: [String], columns: String = "id type x y z") -> String {
            "ITEM: TIMESTEP\n\(step)\nITEM: NUMBER OF ATOMS\n\(atoms)\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\n"
                + "ITEM: ATOMS \(columns)\n" + lines.joined(separator: "\n") + "\n"
        }
        let good = ["1 1 1.0 2.0 3.0", "2 1 4.0 5.0 6.0"]
        let cases: [(String, String, TrajectoryError.Kind, Int?)] = [
            ("missing-column", frame(0, atoms: 2, lines: ["1 1 1.0 2.0", "2 1 4.0 5.0"], columns: "id type x y"), .malformed, 0),
            ("short-line", frame(0, atoms: 2, lines: good) + frame(1, atoms: 2, lines: ["1 1 1.0 2.0", "2 1 4.0 5.0 6.0"]), .malformed, 1),
            ("count-too-big", frame(0, atoms: 2, lines: good) + frame(1, atoms: 3, lines: good), .mismatch, 1),
            ("count-differs", frame(0, atoms: 2, lines: good) + frame(1, atoms: 2, lines: good) + frame(2, atoms: 3, lines: good + ["3 1 0 0 0"]), .mismatch, 2),
            ("garbage", frame(0, atoms: 2, lines: good) + frame(1, atoms: 2, lines: ["1 1 1.0 2.x 3.0", "2 1 4.0 5.0 6.0"]), .malformed, 1),
            ("nan", frame(0, atoms: 2, lines: ["1 1 1.0 nan 3.0", "2 1 4.0 5.0 6.0"]), .nonFinite, 0),
            ("truncated", frame(0, atoms: 2, lines: good) + frame(1, atoms: 2, lines: ["1 1 1.0 2.0 3.0"]), .malformed, 1),
            ("duplicate-id", frame(0, atoms: 2, lines: ["1 1 1.0 2.0 3.0", "1 1 4.0 5.0 6.0"]), .malformed, 0),
            ("empty", "", .malformed, nil),
            ("huge-count", frame(0, atoms: 1_000_000_000_000, lines: good), .malformed, 0),
            ("not-a-dump", "hello\nworld\n", .malformed, 0),
        ]
        for (name, text, kind, frameIndex) in cases {
            let path = workspace.path(name + ".lammpstrj")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            do {
                let reader = try LAMMPSDumpReader(path: path)
                _ = try reader.readAll(chunkSize: 1)
                Issue.record("\(name) was read without an error")
            } catch let error as TrajectoryError {
                #expect(error.kind == kind, "\(name): \(error)")
                #expect(error.frame == frameIndex, "\(name): \(error)")
                #expect(error.path == path)
            }
            // Counting frames finds the same problems in the headers and line counts.
            if ["count-too-big", "count-differs", "truncated"].contains(name) {
                #expect(throws: TrajectoryError.self) { try LAMMPSDumpReader(path: path).countFrames() }
            }
        }
        let garbageError = try #require(try? errorText(workspace.path("garbage.lammpstrj")))
        #expect(garbageError.contains("line 21") && garbageError.contains("2.x"))
    }

    func errorText(_ path: String) throws -> String {
        do { _ = try LAMMPSDumpReader(path: path).readAll() } catch { return "\(error)" }
        return ""
    }
}

/// What the NumPy/MDTraj reference script prints for a dump.
struct NumPyDump: Decodable {
    var positions: [Double]
    var velocities: [Double]
    var steps: [Int]
    var times: [Double]
    var box: [[[Double]]]
}

func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
}
