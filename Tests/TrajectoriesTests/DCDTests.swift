import Foundation
import Testing
import Trajectories

/// DCD against MDTraj (which reads and writes DCD through VMD's C plugin), OpenMM's DCDReporter,
/// and hand-built files whose bytes a Python script lays out record by record (big-endian,
/// degrees instead of cosines, fixed atoms, X-PLOR headers, broken files).
@Suite("DCD")
struct DCDTests {
    // MARK: - MDTraj → lss

    @Test("DCD written by MDTraj, with and without unit cell, reads as MDTraj reads it", arguments: [true, false])
    func mdtrajWrites(withCell: Bool) throws {
        let workspace = try Workspace()
        let path = workspace.path("mdtraj.dcd")
        try runPython("""
        import sys, numpy as np, mdtraj as md
        rng = np.random.RandomState(7)
        xyz = (rng.rand(6, 22, 3) * 30 - 5).astype(np.float32)
        lengths = np.array([[30.0 + i, 31.5 + i, 33.0 + i] for i in range(6)])
        angles = np.array([[80.0, 95.0, 105.0 + i] for i in range(6)])
        with md.formats.DCDTrajectoryFile(sys.argv[1], 'w') as f:
            if sys.argv[2] == '1': f.write(xyz, cell_lengths=lengths, cell_angles=angles)
            else: f.write(xyz)
        """, [path, withCell ? "1" : "0"])
        let reference = try mdtrajSummary(of: path)
        let header = try DCDHeaderFacts.read(path)

        let reader = try DCDReader(path: path)
        #expect(reader.atomCount == 22)
        #expect(try reader.countFrames() == 6)
        let chunk = try reader.readAll(chunkSize: 4)
        #expect(chunk.frameCount == 6)
        #expect(maxDifference(chunk.positions, reference.xyz) < 1e-6)
        for (read, expected) in zip(chunk.times, header.times(count: 6)) { #expect(abs(read - expected) < 1e-12) }
        #expect(chunk.steps == header.steps(count: 6))
        if withCell {
            let boxes = try #require(chunk.boxes)
            let referenceBoxes = try #require(reference.box)
            #expect(unitCellDifference(boxes, referenceBoxes) < 1e-5)
            #expect(abs(boxes[3].angles.z - 108) < 1e-4)
        } else {
            #expect(chunk.boxes == nil)
            #expect(reference.box == nil)
        }
    }

    @Test("seek then read equals the sequential read")
    func randomAccess() throws {
        let workspace = try Workspace()
        let path = workspace.path("seek.dcd")
        try runPython("""
        import sys, numpy as np, mdtraj as md
        xyz = (np.random.RandomState(1).rand(9, 5, 3) * 10).astype(np.float32)
        with md.formats.DCDTrajectoryFile(sys.argv[1], 'w') as f:
            f.write(xyz, cell_lengths=np.full((9, 3), 20.0), cell_angles=np.full((9, 3), 90.0))
        """, [path])
        let reader = try DCDReader(path: path)
        let all = try reader.readAll(chunkSize: 2)
        try reader.seek(toFrame: 6)
        let tail = try #require(try reader.read(maxFrames: 10))
        #expect(tail.firstFrame == 6 && tail.frameCount == 3)
        #expect(tail == all.selecting(frames: [6, 7, 8]))
        try reader.seek(toFrame: 2)
        let middle = try #require(try reader.read(maxFrames: 1))
        #expect(middle == all.selecting(frames: [2]))
        try reader.seek(toFrame: 9)
        #expect(try reader.read(maxFrames: 1) == nil)
        #expect(throws: TrajectoryError.self) { try reader.seek(toFrame: 10) }
        #expect(all.boxes?.first == Box(rectangular: 2, 2, 2))
    }

    // MARK: - lss → MDTraj

    @Test("DCD written by lss reads back in MDTraj: positions, triclinic boxes, times", arguments: [true, false])
    func lssWrites(withSteps: Bool) throws {
        let workspace = try Workspace()
        let path = workspace.path("lss.dcd")
        var generator = SplitMix64(seed: 11)
        let frames = 5, atoms = 22
        let positions = (0 ..< frames * atoms * 3).map { _ in Float.random(in: -1 ... 4, using: &generator) }
        let boxes = (0 ..< frames).map { Box(lengths: [3 + 0.1 * Double($0), 3.2, 3.4], angles: [85, 100, 115]) }
        let times = (0 ..< frames).map { 2.0 * Double($0 + 1) }
        let steps = withSteps ? (0 ..< frames).map { 1000 * ($0 + 1) } : nil
        let chunk = FrameChunk(atomCount: atoms, positions: positions, times: times, steps: steps, boxes: boxes)
        let writer = try DCDWriter(path: path, atomCount: atoms)
        try writer.write(chunk.selecting(frames: [0, 1]))
        try writer.write(chunk.selecting(frames: [2, 3, 4]))
        try writer.close()

        let reference = try mdtrajSummary(of: path)
        #expect(reference.frames == frames)
        #expect(maxDifference(positions, reference.xyz) < 1e-6)
        #expect(unitCellDifference(boxes, try #require(reference.box)) < 1e-5)
        let header = try DCDHeaderFacts.read(path)
        #expect(header.nset == frames)
        for (read, written) in zip(header.times(count: frames), times) { #expect(abs(read - written) < 1e-5 * written) }
        if let steps { #expect(header.steps(count: frames) == steps) }

        // And lss reads its own file back the same way.
        let back = try DCDReader(path: path).readAll()
        #expect(back.positions == positions.map { ($0 * 10) * 0.1 })
        for (read, written) in zip(back.times, times) { #expect(abs(read - written) < 1e-5 * written) }
    }

    @Test("a DCD without unit cells written by lss has no cell in MDTraj, and NaN is refused")
    func lssWritesWithoutCell() throws {
        let workspace = try Workspace()
        let path = workspace.path("nocell.dcd")
        let positions = (0 ..< 22 * 3).map { Float($0) * 0.01 }
        let writer = try DCDWriter(path: path, atomCount: 22)
        try writer.write(FrameChunk(atomCount: 22, positions: positions, times: [0]))
        var bad = positions
        bad[5] = .nan
        #expect(throws: TrajectoryError.self) { try writer.write(FrameChunk(atomCount: 22, positions: bad, times: [1])) }
        #expect(throws: TrajectoryError.self) {
            try writer.write(FrameChunk(atomCount: 22, positions: positions, times: [1], boxes: [Box(rectangular: 3, 3, 3)]))
        }
        try writer.close()
        let reference = try mdtrajSummary(of: path)
        #expect(reference.frames == 1 && reference.box == nil)
        #expect(maxDifference(positions, reference.xyz) < 1e-6)
    }

    // MARK: - Hand-built files

    @Test("a big-endian DCD with the cell angles in degrees")
    func bigEndian() throws {
        let workspace = try Workspace()
        let path = workspace.path("big.dcd")
        let expected = try decodeJSON(DCDExpectedFrames.self, from: runPython(Self.builder + """
        rng = np.random.RandomState(3)
        frames = [rng.rand(5, 3) * 20 for _ in range(3)]
        cells = [[25.0 + k, 70.0, 26.0, 80.0, 85.0, 27.0] for k in range(3)]
        build(sys.argv[1], frames, endian='>', cells=cells, istart=100, nsavc=10, delta=0.0409)
        delta = float(np.float32(0.0409))
        report(frames, times=[(100 + 10 * k) * delta * 0.04888821 for k in range(3)],
               steps=[100 + 10 * k for k in range(3)],
               cells=[[c[0], c[2], c[5], c[4], c[3], c[1]] for c in cells])
        """, [path]))
        let reader = try DCDReader(path: path)
        #expect(reader.isBigEndian)
        #expect(reader.titles == ["made by the lss test"])
        let chunk = try reader.readAll()
        try expected.check(chunk)
    }

    @Test("fixed atoms in an X-PLOR DCD: later frames store only the free atoms")
    func fixedAtoms() throws {
        let workspace = try Workspace()
        let path = workspace.path("fixed.dcd")
        let expected = try decodeJSON(DCDExpectedFrames.self, from: runPython(Self.builder + """
        rng = np.random.RandomState(5)
        first = rng.rand(4, 3) * 10
        frames = [first]
        for k in range(3):
            f = first.copy(); f[[1, 3]] = rng.rand(2, 3) * 10; frames.append(f)
        build(sys.argv[1], frames, version=0, delta=2.0, free=[2, 4])
        report(frames, times=[k * 2.0 * 0.04888821 for k in range(4)], steps=list(range(4)))
        """, [path]))
        try expected.check(try DCDReader(path: path).readAll(chunkSize: 3))
        let reader = try DCDReader(path: path)
        try reader.seek(toFrame: 2)
        let frame2 = try #require(try reader.read(maxFrames: 1))
        #expect(frame2.positions == (try DCDReader(path: path).readAll()).positions(ofFrame: 2).map { $0 })
    }

    @Test("a header with NSET = 0 (writer stopped) falls back to the complete frames in the file")
    func zeroFrameCount() throws {
        let workspace = try Workspace()
        let path = workspace.path("zero.dcd")
        let expected = try decodeJSON(DCDExpectedFrames.self, from: runPython(Self.builder + """
        frames = [np.random.RandomState(k).rand(6, 3) * 9 for k in range(4)]
        build(sys.argv[1], frames, nset=0, cells=[[30, 0, 30, 0, 0, 30]] * 4)
        with open(sys.argv[1], 'ab') as f: f.write(b'\\0' * 37)   # a torn fifth frame
        report(frames[:4], times=[k * float(np.float32(0.0409)) * 0.04888821 for k in range(4)], steps=list(range(4)),
               cells=[[30, 30, 30, 90, 90, 90]] * 4)
        """, [path]))
        let reader = try DCDReader(path: path)
        #expect(try reader.countFrames() == 4)
        try expected.check(try reader.readAll())
    }

    @Test("a LAMMPS-style DCD: DELTA in fs (units real) unless a time step is given")
    func lammpsFlavour() throws {
        let workspace = try Workspace()
        let path = workspace.path("lammps.dcd")
        let expected = try decodeJSON(DCDExpectedFrames.self, from: runPython(Self.builder + """
        frames = [np.random.RandomState(k).rand(3, 3) * 9 for k in range(3)]
        build(sys.argv[1], frames, cells=[[20, 0, 21, 0, 0, 22]] * 3, istart=1000, nsavc=100, delta=2.0,
              title=b'Written by LAMMPS')
        report(frames, times=[(1000 + 100 * k) * 2.0 * 1e-3 for k in range(3)], steps=[1000 + 100 * k for k in range(3)],
               cells=[[20, 21, 22, 90, 90, 90]] * 3)
        """, [path]))
        let reader = try DCDReader(path: path)
        #expect(reader.isLAMMPS)
        try expected.check(try reader.readAll())
        let metal = try DCDReader(path: path, timeStep: 2.0).readAll()
        #expect(metal.times == [2000, 2200, 2400])
    }

    // MARK: - Real programs

    @Test("OpenMM's DCDReporter (vacuum and periodic) reads as MDTraj reads it", arguments: [false, true])
    func openmm(periodic: Bool) throws {
        let workspace = try Workspace()
        let path = workspace.path("openmm.dcd")
        try runPython("""
        import sys
        import openmm as mm, openmm.app as app, openmm.unit as u
        pdb = app.PDBFile(sys.argv[2])
        periodic = sys.argv[3] == '1'
        if periodic:
            pdb.topology.setPeriodicBoxVectors([mm.Vec3(3, 0, 0), mm.Vec3(0, 3.1, 0), mm.Vec3(0, 0, 3.2)] * u.nanometer)
        ff = app.ForceField('amber14-all.xml')
        system = ff.createSystem(pdb.topology, nonbondedMethod=app.CutoffPeriodic if periodic else app.NoCutoff,
                                 nonbondedCutoff=1.0 * u.nanometer, constraints=app.HBonds)
        integrator = mm.LangevinMiddleIntegrator(300 * u.kelvin, 1 / u.picosecond, 0.002 * u.picoseconds)
        integrator.setRandomNumberSeed(1)
        sim = app.Simulation(pdb.topology, system, integrator, mm.Platform.getPlatformByName('Reference'))
        sim.context.setPositions(pdb.positions)
        sim.reporters.append(app.DCDReporter(sys.argv[1], 50))
        sim.step(300)
        """, [path, Repository.alanineDipeptidePDB, periodic ? "1" : "0"])
        let reference = try mdtrajSummary(of: path)
        let reader = try DCDReader(path: path)
        #expect(reader.titles.first == "Created by OpenMM")
        let chunk = try reader.readAll()
        #expect(chunk.frameCount == 6 && reference.frames == 6)
        #expect(maxDifference(chunk.positions, reference.xyz) < 1e-6)
        // OpenMM: ISTART = step of the first report (50), NSAVC = 50, DELTA = 2 fs.
        #expect(chunk.steps == [50, 100, 150, 200, 250, 300])
        for (index, time) in chunk.times.enumerated() { #expect(abs(time - 0.1 * Double(index + 1)) < 1e-6) }
        if periodic {
            #expect(unitCellDifference(try #require(chunk.boxes), try #require(reference.box)) < 1e-6)
            let box = try #require(chunk.boxes?.first)
            #expect(box.isRectangular && abs(box.a.x - 3) < 1e-12 && abs(box.b.y - 3.1) < 1e-12 && abs(box.c.z - 3.2) < 1e-12)
        } else {
            #expect(chunk.boxes == nil)
        }
    }

    // MARK: - Speed

    /// Not a check: prints the read speed on a big file when LSS_TRAJ_SPEED_DIR names a folder with
    /// big.dcd (made by MDTraj; run in release). Compare with MDTraj's reader on the same file.
    @Test("read speed on a big file", .enabled(if: ProcessInfo.processInfo.environment["LSS_TRAJ_SPEED_DIR"] != nil))
    func readSpeed() throws {
        let path = (ProcessInfo.processInfo.environment["LSS_TRAJ_SPEED_DIR"] ?? ".") + "/big.dcd"
        var best = Double.infinity, bestCPU = Double.infinity, frames = 0
        for _ in 0 ..< 3 {
            let start = ContinuousClock.now, startCPU = processCPUSeconds()
            let reader = try DCDReader(path: path)
            frames = 0
            while let chunk = try reader.read(maxFrames: 1000) { frames += chunk.frameCount }
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            bestCPU = min(bestCPU, processCPUSeconds() - startCPU)
        }
        print("lss DCDReader: \(frames) frames in \(best) s, \(Int(Double(frames) / best)) frames/s (CPU \(bestCPU) s, \(Int(Double(frames) / bestCPU)) frames/s)")
        #expect(frames > 0)
    }

    // MARK: - Bad input

    @Test("broken DCD files throw errors naming the file and frame")
    func badInput() throws {
        let workspace = try Workspace()
        let good = workspace.path("good.dcd")
        _ = try runPython(Self.builder + """
        frames = [np.random.RandomState(k).rand(4, 3) for k in range(3)]
        build(sys.argv[1], frames)
        bad = [f.copy() for f in frames]; bad[2][1, 0] = np.nan
        build(sys.argv[2], bad)
        build(sys.argv[3], frames, nset=5)
        build(sys.argv[4], frames, version=24, cells=[[10, 0, 10, 0, 0, 10]] * 3, four_d=True)
        """, [good, workspace.path("nan.dcd"), workspace.path("claims5.dcd"), workspace.path("4d.dcd")])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))

        // Truncated inside frame 2: the header still claims 3 frames.
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: workspace.path("truncated.dcd")))
        let truncated = try expectError(workspace.path("truncated.dcd"))
        #expect(truncated.kind == .malformed && truncated.frame == 2)
        #expect(truncated.description.contains("truncated.dcd"))

        let claims = try expectError(workspace.path("claims5.dcd"))
        #expect(claims.frame == 3 && claims.problem.contains("5 frames"))

        var wrongMarker = bytes
        wrongMarker[0] = 83
        try wrongMarker.write(to: URL(fileURLWithPath: workspace.path("marker.dcd")))
        #expect(try expectError(workspace.path("marker.dcd")).problem.contains("first record marker"))

        try Data(bytes.prefix(50)).write(to: URL(fileURLWithPath: workspace.path("short.dcd")))
        #expect(try expectError(workspace.path("short.dcd")).kind == .malformed)

        #expect(try expectError(workspace.path("4d.dcd")).kind == .unsupported)

        let nanReader = try DCDReader(path: workspace.path("nan.dcd"))
        #expect(try nanReader.read(maxFrames: 2)?.frameCount == 2)
        do {
            _ = try nanReader.read(maxFrames: 1)
            Issue.record("NaN coordinates were accepted")
        } catch let error as TrajectoryError {
            #expect(error.kind == .nonFinite && error.frame == 2 && error.path.hasSuffix("nan.dcd"))
        }

        // A frame whose record markers do not match the atom count.
        var corrupt = bytes
        let frameOffset = bytes.count - 3 * (3 * (8 + 16))
        corrupt[frameOffset + 3 * (8 + 16)] = 99
        try corrupt.write(to: URL(fileURLWithPath: workspace.path("corrupt.dcd")))
        do {
            _ = try DCDReader(path: workspace.path("corrupt.dcd")).readAll()
            Issue.record("a corrupt record marker was accepted")
        } catch let error as TrajectoryError {
            #expect(error.kind == .malformed && error.frame == 1)
        }
    }

    /// Opens and reads `path` completely, expecting a `TrajectoryError`.
    func expectError(_ path: String) throws -> TrajectoryError {
        do {
            let reader = try DCDReader(path: path)
            _ = try reader.readAll()
        } catch let error as TrajectoryError {
            #expect(error.path == path)
            return error
        }
        Issue.record("\(path) was read without an error")
        throw CancellationError()
    }

    // MARK: - Helpers

    /// Python that lays out a DCD file record by record: `build(path, frames, ...)` with frames in Å
    /// (atoms × 3 arrays), and `report(...)` printing what lss must read as JSON.
    static let builder = """
    import sys, json, struct
    import numpy as np
    def build(path, frames, endian='<', cells=None, version=24, delta=0.0409, istart=0, nsavc=1, nset=None,
              free=None, four_d=False, title=b'made by the lss test'):
        e = endian
        def rec(b): return struct.pack(e + 'i', len(b)) + b + struct.pack(e + 'i', len(b))
        n = len(frames[0])
        nset = len(frames) if nset is None else nset
        icntrl = [nset, istart, nsavc, istart + (len(frames) - 1) * nsavc, 0, 0, 0, 0, n - len(free) if free else 0]
        if version:
            body = struct.pack(e + '9i', *icntrl) + struct.pack(e + 'f', delta)
            body += struct.pack(e + '10i', 1 if cells is not None else 0, 1 if four_d else 0, 0, 0, 0, 0, 0, 0, 0, version)
        else:
            body = struct.pack(e + '9i', *icntrl) + struct.pack(e + 'd', delta) + struct.pack(e + '9i', *([0] * 9))
        out = rec(b'CORD' + body) + rec(struct.pack(e + 'i', 1) + title.ljust(80))
        out += rec(struct.pack(e + 'i', n))
        if free: out += rec(np.array(free, e + 'i4').tobytes())
        for k, f in enumerate(frames):
            if cells is not None: out += rec(np.array(cells[k], e + 'f8').tobytes())
            sel = f if (not free or k == 0) else f[np.array(free) - 1]
            for axis in range(3): out += rec(np.ascontiguousarray(sel[:, axis]).astype(e + 'f4').tobytes())
        open(path, 'wb').write(out)
    def report(frames, times, steps, cells=None):
        xyz = [float(v) / 10 for f in frames for v in np.asarray(f, np.float32).ravel()]
        print(json.dumps({'xyz': xyz, 'times': times, 'steps': steps, 'cells': cells}))

    """
}

/// What a hand-built DCD must read as: positions in nm, times, steps, and per frame the cell as
/// lengths (Å) and angles α, β, γ (degrees).
struct DCDExpectedFrames: Decodable {
    var xyz: [Double]
    var times: [Double]
    var steps: [Int]
    var cells: [[Double]]?

    func check(_ chunk: FrameChunk) throws {
        #expect(chunk.positions.count == xyz.count)
        let worst = zip(chunk.positions, xyz).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst < 1e-6)
        #expect(chunk.steps == steps)
        #expect(chunk.times.count == times.count)
        for (read, expected) in zip(chunk.times, times) { #expect(abs(read - expected) < 1e-9 * max(1, expected)) }
        if let cells {
            let boxes = try #require(chunk.boxes)
            for (box, cell) in zip(boxes, cells) {
                let lengths = box.lengths * 10, angles = box.angles
                for axis in 0 ..< 3 {
                    #expect(abs(lengths[axis] - cell[axis]) < 1e-9)
                    #expect(abs(angles[axis] - cell[3 + axis]) < 1e-9)
                }
            }
        } else {
            #expect(chunk.boxes == nil)
        }
    }
}

/// ISTART, NSAVC, DELTA and NSET as Python's struct module reads them from a DCD header.
struct DCDHeaderFacts: Decodable {
    var nset: Int
    var istart: Int
    var nsavc: Int
    var delta: Double

    static func read(_ path: String) throws -> DCDHeaderFacts {
        try decodeJSON(DCDHeaderFacts.self, from: runPython("""
        import sys, json, struct
        data = open(sys.argv[1], 'rb').read(92)
        e = '<' if struct.unpack('<i', data[:4])[0] == 84 else '>'
        nset, istart, nsavc = struct.unpack(e + '3i', data[8:20])
        delta = struct.unpack(e + 'f', data[44:48])[0]
        print(json.dumps({'nset': nset, 'istart': istart, 'nsavc': nsavc, 'delta': delta}))
        """, [path]))
    }

    func steps(count: Int) -> [Int] { (0 ..< count).map { istart + $0 * nsavc } }
    func times(count: Int) -> [Double] { steps(count: count).map { Double($0) * delta * 0.04888821 } }
}

/// MDTraj's view of `path` with the alanine-dipeptide topology. VMD's DCD plugin inside MDTraj prints
/// its chatter ("dcdplugin) detected ...") to standard output first, so the JSON is the last line.
func mdtrajSummary(of path: String, topology: String = Repository.alanineDipeptidePDB) throws -> MDTrajSummary {
    let output = try runPython(mdtrajSummaryScript, [path, topology])
    let lastLine = output.split(separator: "\n").last.map(String.init) ?? ""
    return try decodeJSON(MDTrajSummary.self, from: lastLine)
}

/// The largest difference between lss boxes and MDTraj's unit-cell vectors (nm).
func unitCellDifference(_ boxes: [Box], _ reference: [[[Double]]]) -> Double {
    guard boxes.count == reference.count else { return .infinity }
    var worst = 0.0
    for (box, vectors) in zip(boxes, reference) {
        for (vector, row) in zip([box.a, box.b, box.c], vectors) {
            for axis in 0 ..< 3 { worst = max(worst, abs(vector[axis] - row[axis])) }
        }
    }
    return worst
}


/// CPU time of this process in seconds (the speed tests run on a shared machine, where wall time
/// depends on the neighbours).
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
