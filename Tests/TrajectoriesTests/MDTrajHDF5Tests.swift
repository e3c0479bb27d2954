import Foundation
import Testing
import Trajectories

/// What MDTraj reports about an .h5 file and its topology, printed as JSON by `mdtrajH5Script`.
struct MDTrajH5Report: Decodable {
    struct Atom: Decodable, Equatable { var name: String; var element: String; var residue: Int }
    struct Residue: Decodable, Equatable { var name: String; var resSeq: Int; var chain: Int; var segment: String }
    var xyz: [[[Double]]]
    var time: [Double]
    var box: [[[Double]]]?
    var velocities: [[[Double]]]?
    var atoms: [Atom]
    var residues: [Residue]
    var chains: [String?]
    var bonds: [[Int]]
}

/// Python that loads argv[1] with `mdtraj.load(path)` alone (the topology must come from the file)
/// and prints an `MDTrajH5Report`; velocities come from HDF5TrajectoryFile when the file has them.
let mdtrajH5Script = """
import json, sys, mdtraj
path = sys.argv[1]
t = mdtraj.load(path)
top = t.topology
with mdtraj.formats.HDF5TrajectoryFile(path) as f:
    v = f.read().velocities
print(json.dumps({
  'xyz': t.xyz.astype(float).tolist(), 'time': t.time.astype(float).tolist(),
  'box': None if t.unitcell_vectors is None else t.unitcell_vectors.astype(float).tolist(),
  'velocities': None if v is None else v.astype(float).tolist(),
  'atoms': [{'name': a.name, 'element': a.element.symbol, 'residue': a.residue.index} for a in top.atoms],
  'residues': [{'name': r.name, 'resSeq': int(r.resSeq), 'chain': r.chain.index, 'segment': r.segment_id} for r in top.residues],
  'chains': [c.chain_id for c in top.chains],
  'bonds': sorted(sorted([b.atom1.index, b.atom2.index]) for b in top.bonds)}))
"""

/// Python: alanine dipeptide (argv[1]) with 5 perturbed frames, times and a cell (argv[3]:
/// "triclinic" or "rectangular") saved to argv[2] with `Trajectory.save_hdf5`, or ("velocities")
/// through the HDF5TrajectoryFile API with velocities and energies.
let mdtrajWriteH5Script = """
import sys, numpy as np, mdtraj
pdb, out, kind = sys.argv[1:4]
t = mdtraj.load(pdb)
n = 5
rng = np.random.default_rng(11)
xyz = (t.xyz + rng.normal(0, 0.05, (n, t.n_atoms, 3))).astype(np.float32)
time = np.array([0.0, 1.5, 3.0, 4.5, 1000.25])
if kind == 'triclinic':
    lengths = np.array([[2.0 + 0.01 * i, 2.5, 3.0] for i in range(n)])
    angles = np.array([[80.0, 95.0, 110.0 + i] for i in range(n)])
else:
    lengths = np.array([[2.1, 2.2 + 0.01 * i, 2.3] for i in range(n)])
    angles = np.full((n, 3), 90.0)
if kind == 'velocities':
    with mdtraj.formats.HDF5TrajectoryFile(out, 'w') as f:
        f.topology = t.topology
        v = rng.normal(0, 1, (n, t.n_atoms, 3)).astype(np.float32)
        f.write(coordinates=xyz, time=time, cell_lengths=lengths, cell_angles=angles, velocities=v,
                kineticEnergy=np.arange(n) * 1.0, potentialEnergy=np.arange(n) * -2.0, temperature=np.full(n, 300.0))
else:
    mdtraj.Trajectory(xyz, t.topology, time=time, unitcell_lengths=lengths, unitcell_angles=angles).save_hdf5(out)
"""

/// Checks lss's reading of an .h5 file against what MDTraj reports for it.
func expectSameAsMDTraj(_ reader: MDTrajHDF5Reader, _ report: MDTrajH5Report) throws {
    let chunk = try reader.readAll(chunkSize: 2)
    #expect(chunk.frameCount == report.xyz.count)
    #expect(maxDifference(chunk.positions, report.xyz) == 0)
    #expect(chunk.times == report.time)
    if let reference = report.box {
        let boxes = try #require(chunk.boxes)
        for (box, vectors) in zip(boxes, reference) {
            for (mine, theirs) in zip([box.a, box.b, box.c], vectors) {
                #expect(abs(mine.x - theirs[0]) < 1e-5 && abs(mine.y - theirs[1]) < 1e-5 && abs(mine.z - theirs[2]) < 1e-5,
                        "box \(box) vs \(vectors)")
            }
        }
    } else {
        #expect(chunk.boxes == nil)
    }
    if let velocities = report.velocities {
        #expect(maxDifference(try #require(chunk.velocities), velocities) == 0)
    } else {
        #expect(chunk.velocities == nil)
    }
    let topology = try #require(reader.topology)
    #expect(topology.atoms.map(\.name) == report.atoms.map(\.name))
    #expect(topology.atoms.map { $0.element?.symbol ?? "VS" } == report.atoms.map(\.element))
    #expect(topology.atoms.map(\.residueIndex) == report.atoms.map(\.residue))
    #expect(topology.residues.map(\.name) == report.residues.map(\.name))
    #expect(topology.residues.map(\.number) == report.residues.map(\.resSeq))
    #expect(topology.residues.map(\.chainIndex) == report.residues.map(\.chain))
    #expect(topology.chains.map(\.id) == report.chains.map { $0 ?? "" })
    #expect(topology.bonds.map { [$0.first, $0.second] }.sorted { $0.lexicographicallyPrecedes($1) } == report.bonds)
}

@Suite("MDTraj HDF5: reading and writing against MDTraj")
struct MDTrajHDF5Tests {
    @Test("files MDTraj writes are read with their coordinates, times, cells, velocities and topology",
          arguments: ["triclinic", "rectangular", "velocities"])
    func readsMDTrajFiles(kind: String) throws {
        let workspace = try Workspace()
        let path = workspace.path("\(kind).h5")
        try runPython(mdtrajWriteH5Script, [Repository.alanineDipeptidePDB, path, kind])
        let report = try decodeJSON(MDTrajH5Report.self, from: try runPython(mdtrajH5Script, [path]))
        let reader = try MDTrajHDF5Reader(path: path)
        #expect(reader.atomCount == 22)
        #expect(try reader.countFrames() == 5)
        #expect(reader.conventions == "Pande")
        let firstBox = try #require(try reader.read(maxFrames: 1)?.boxes?.first)
        #expect(firstBox.isRectangular == (kind != "triclinic"))
        try reader.seek(toFrame: 0)
        try expectSameAsMDTraj(reader, report)
        #expect(report.time.last == 1000.25)

        // Seeking lands on the right frame; reading past the end gives nil.
        try reader.seek(toFrame: 3)
        let tail = try #require(try reader.read(maxFrames: 10))
        #expect(tail.firstFrame == 3 && tail.frameCount == 2)
        #expect(maxDifference(tail.positions, Array(report.xyz[3...])) == 0)
        #expect(try reader.read(maxFrames: 10) == nil)
        #expect(throws: TrajectoryError.self) { try reader.seek(toFrame: 6) }
        reader.close()
        #expect(throws: TrajectoryError.self) { try reader.read(maxFrames: 1) }
    }

    /// A small hand-made system: a peptide chain with a segment ID, two waters, one of them with a
    /// massless extra point, and a sodium ion in an unnamed chain.
    static func handMadeTopology() -> Topology {
        var topology = Topology(chains: [Topology.Chain(id: "A", segmentID: "PROT"), Topology.Chain(id: "")])
        func residue(_ name: String, _ number: Int, chain: Int, atoms: [(String, String?)]) {
            topology.residues.append(Topology.Residue(name: name, number: number, chainIndex: chain))
            for (atomName, symbol) in atoms {
                topology.atoms.append(Topology.Atom(name: atomName, element: symbol.flatMap { Element(symbol: $0) },
                                                    residueIndex: topology.residues.count - 1))
            }
        }
        residue("GLY", 5, chain: 0, atoms: [("N", "N"), ("H", "H"), ("CA", "C"), ("C", "C"), ("O", "O")])
        residue("HOH", 101, chain: 1, atoms: [("O", "O"), ("H1", "H"), ("H2", "H")])
        residue("HOH", 102, chain: 1, atoms: [("O", "O"), ("H1", "H"), ("H2", "H"), ("EPW", nil)])
        residue("NA", 201, chain: 1, atoms: [("NA", "Na")])
        topology.bonds = [(0, 1), (0, 2), (2, 3), (3, 4), (5, 6), (5, 7), (8, 9), (8, 10)].map { Topology.Bond($0.0, $0.1) }
        return topology
    }

    /// Seven frames with triclinic boxes, velocities and times, written in chunks of 3, 1 and 3.
    static func handMadeFrames(atoms: Int) -> [FrameChunk] {
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int, _ scale: Float) -> [Float] {
            (0 ..< count).map { _ in Float.random(in: -scale ... scale, using: &generator) }
        }
        var first = 0
        return [3, 1, 3].map { count in
            defer { first += count }
            let boxes = (0 ..< count).map { Box(lengths: [3 + 0.1 * Double(first + $0), 3.2, 3.4], angles: [70, 80, 100]) }
            return FrameChunk(atomCount: atoms, firstFrame: first, positions: random(count * atoms * 3, 2),
                              velocities: random(count * atoms * 3, 1),
                              times: (0 ..< count).map { 0.002 * Double(first + $0) + 123_456.789 }, boxes: boxes)
        }
    }

    @Test("files lss writes in several chunks load in MDTraj with no other argument")
    func mdtrajLoadsWhatLssWrites() throws {
        let workspace = try Workspace()
        let path = workspace.path("lss.h5")
        let topology = Self.handMadeTopology()
        let chunks = Self.handMadeFrames(atoms: topology.atomCount)
        let writer = try MDTrajHDF5Writer(path: path, atomCount: topology.atomCount, topology: topology)
        for chunk in chunks { try writer.write(chunk) }
        try writer.close()

        let report = try decodeJSON(MDTrajH5Report.self, from: try runPython(mdtrajH5Script, [path]))
        let positions = chunks.flatMap(\.positions), velocities = chunks.flatMap { $0.velocities ?? [] }
        #expect(maxDifference(positions, report.xyz) == 0)
        #expect(maxDifference(velocities, try #require(report.velocities)) == 0)
        #expect(report.time == chunks.flatMap(\.times), "times are stored in float64 and come back exactly")
        let boxes = chunks.flatMap { $0.boxes ?? [] }
        let reportBoxes = try #require(report.box)
        #expect(reportBoxes.count == 7)
        for (box, vectors) in zip(boxes, reportBoxes) {
            for (mine, theirs) in zip([box.a, box.b, box.c], vectors) {
                #expect(abs(mine.x - theirs[0]) < 2e-6 && abs(mine.y - theirs[1]) < 2e-6 && abs(mine.z - theirs[2]) < 2e-6)
            }
        }
        #expect(report.atoms.map(\.name) == topology.atoms.map(\.name))
        #expect(report.atoms.map(\.element) == topology.atoms.map { $0.element?.symbol ?? "VS" })
        #expect(report.residues.map(\.name) == ["GLY", "HOH", "HOH", "NA"])
        #expect(report.residues.map(\.resSeq) == [5, 101, 102, 201])
        #expect(report.residues.map(\.segment) == ["PROT", "", "", ""])
        #expect(report.chains == ["A", nil])
        #expect(report.bonds == topology.bonds.map { [$0.first, $0.second] }.sorted { $0.lexicographicallyPrecedes($1) })

        // And lss reads its own file back the same way MDTraj did.
        try expectSameAsMDTraj(try MDTrajHDF5Reader(path: path), report)
        let reread = try #require(try MDTrajHDF5Reader(path: path).topology)
        #expect(reread == topology)
    }

    @Test("OpenMM's HDF5Reporter output (with energies and temperature) reads like MDTraj reads it")
    func readsHDF5Reporter() throws {
        let workspace = try Workspace()
        let path = workspace.path("reporter.h5")
        try runPython("""
        import sys, openmm as mm, openmm.app as app, openmm.unit as u, mdtraj.reporters
        pdb = app.PDBFile(sys.argv[1])
        system = app.ForceField('amber14-all.xml').createSystem(pdb.topology, nonbondedMethod=app.NoCutoff, constraints=app.HBonds)
        integrator = mm.LangevinMiddleIntegrator(300 * u.kelvin, 1 / u.picosecond, 2 * u.femtoseconds)
        integrator.setRandomNumberSeed(3)
        sim = app.Simulation(pdb.topology, system, integrator, mm.Platform.getPlatformByName('Reference'))
        sim.context.setPositions(pdb.positions)
        sim.context.setVelocitiesToTemperature(300 * u.kelvin, 3)
        reporter = mdtraj.reporters.HDF5Reporter(sys.argv[2], 10, velocities=True)
        sim.reporters.append(reporter)
        sim.step(60)
        reporter.close()
        """, [Repository.alanineDipeptidePDB, path])
        let report = try decodeJSON(MDTrajH5Report.self, from: try runPython(mdtrajH5Script, [path]))
        let reader = try MDTrajHDF5Reader(path: path)
        #expect(try reader.countFrames() == 6)
        #expect(report.velocities != nil)
        try expectSameAsMDTraj(reader, report)
    }

    @Test("the writer refuses a missing topology, a wrong atom count and chunks unlike the first")
    func writerErrors() throws {
        let workspace = try Workspace()
        let path = workspace.path("bad.h5")
        let topology = Self.handMadeTopology()
        #expect(throws: TrajectoryError.self) { try MDTrajHDF5Writer(path: path, atomCount: topology.atomCount) }
        do {
            _ = try MDTrajHDF5Writer(path: path, atomCount: topology.atomCount)
        } catch let error as TrajectoryError {
            #expect(error.path == path && error.problem.contains("topology"))
        }
        #expect(throws: TrajectoryError.self) { try MDTrajHDF5Writer(path: path, atomCount: 3, topology: topology) }

        let writer = try MDTrajHDF5Writer(path: path, atomCount: topology.atomCount, topology: topology)
        let chunks = Self.handMadeFrames(atoms: topology.atomCount)
        try writer.write(chunks[0])
        var withoutBox = chunks[1]
        withoutBox.boxes = nil
        #expect(throws: TrajectoryError.self) { try writer.write(withoutBox) }
        var withoutVelocities = chunks[1]
        withoutVelocities.velocities = nil
        #expect(throws: TrajectoryError.self) { try writer.write(withoutVelocities) }
        #expect(throws: TrajectoryError.self) { try writer.write(chunks[1].selecting(atoms: [0, 1])) }
        try writer.close()
        #expect(throws: TrajectoryError.self) { try writer.write(chunks[2]) }
        // The file holds exactly the frames that were accepted.
        #expect(try MDTrajHDF5Reader(path: path).countFrames() == 3)
    }

    /// Python (PyTables, as MDTraj uses it) that writes damaged and foreign files into argv[1].
    static let badFilesScript = """
    import sys, json, tables, numpy as np
    d = sys.argv[1]
    def make(name, coords=True, topology=None, time=None, filters=None, nan=False):
        f = tables.open_file(d + '/' + name, 'w')
        if coords:
            x = np.arange(2 * 3 * 3, dtype=np.float32).reshape(2, 3, 3)
            if nan: x[1, 2, 0] = np.nan
            a = f.create_earray('/', 'coordinates', tables.Float32Atom(), (0, 3, 3), filters=filters)
            a.append(x)
            a.attrs['units'] = 'nanometers'
        if time is not None:
            t = f.create_earray('/', 'time', tables.Float32Atom(), (0,))
            t.append(np.arange(time, dtype=np.float32))
        if topology is not None:
            f.create_array('/', 'topology', obj=[topology.encode('ascii')])
        f.close()
    atoms = lambda n: [{'index': i, 'name': 'C%d' % i, 'element': 'C'} for i in range(n)]
    top = lambda n, bonds: json.dumps({'chains': [{'index': 0, 'chain_id': 'A', 'residues': [
        {'index': 0, 'name': 'MOL', 'resSeq': 1, 'segmentID': '', 'atoms': atoms(n)}]}], 'bonds': bonds})
    make('no-coordinates.h5', coords=False, time=2)
    make('bad-json.h5', topology='{"chains": [{"residues": [ oops')
    make('json-missing-name.h5', topology=top(3, []).replace('"name": "C1", ', ''))
    make('json-atom-count.h5', topology=top(2, [[0, 1]]))
    make('json-bond.h5', topology=top(3, [[0, 7]]))
    make('nan.h5', time=2, topology=top(3, []), nan=True)
    make('short-time.h5', time=1)
    make('blosc.h5', time=2, filters=tables.Filters(complib='blosc', complevel=5))
    make('good.h5', time=2, topology=top(3, [[0, 1], [1, 2]]))
    open(d + '/text.h5', 'w').write('this is not HDF5\\n' * 10)
    good = open(d + '/good.h5', 'rb').read()
    open(d + '/truncated-half.h5', 'wb').write(good[:len(good) // 2])
    open(d + '/truncated-header.h5', 'wb').write(good[:40])
    """

    @Test("damaged and foreign files throw a TrajectoryError naming the file and the problem", arguments: [
        ("no-coordinates.h5", TrajectoryError.Kind.malformed, "/coordinates"),
        ("bad-json.h5", .malformed, "topology JSON"),
        ("json-missing-name.h5", .malformed, "name"),
        ("json-atom-count.h5", .mismatch, "2 atoms"),
        ("json-bond.h5", .malformed, "bond 0"),
        ("nan.h5", .nonFinite, "atom 2"),
        ("short-time.h5", .mismatch, "/time"),
        ("blosc.h5", .unsupported, "Blosc"),
        ("text.h5", .malformed, "HDF5"),
        ("truncated-half.h5", .malformed, "HDF5"),
        ("truncated-header.h5", .malformed, "HDF5"),
        ("missing.h5", .io, "no such file"),
    ])
    func damagedFiles(name: String, kind: TrajectoryError.Kind, fragment: String) throws {
        let workspace = try Workspace()
        try runPython(Self.badFilesScript, [workspace.url.path])
        // The undamaged file of the same making reads, so the failures below are the damage's.
        let good = try MDTrajHDF5Reader(path: workspace.path("good.h5")).readAll()
        #expect(good.frameCount == 2 && good.positions[4] == 4)

        let path = workspace.path(name)
        do {
            let reader = try MDTrajHDF5Reader(path: path)
            _ = try reader.readAll()
            Issue.record("\(name) was read without an error")
        } catch let error as TrajectoryError {
            #expect(error.path == path)
            #expect(error.kind == kind, "\(error)")
            #expect(error.problem.contains(fragment), "\(error)")
            if kind == .nonFinite { #expect(error.frame == 1) }
        }
    }

    /// A timing check, run by hand in release on a large file:
    /// `LSS_H5_BENCH=/path/big.h5 swift test -c release --filter readSpeed`.
    @Test("speed: streaming a large MDTraj file in chunks of 1000 frames",
          .enabled(if: ProcessInfo.processInfo.environment["LSS_H5_BENCH"] != nil))
    func readSpeed() throws {
        let path = try #require(ProcessInfo.processInfo.environment["LSS_H5_BENCH"])
        let clock = ContinuousClock()
        var frames = 0, checksum = 0.0
        let elapsed = try clock.measure {
            let reader = try MDTrajHDF5Reader(path: path)
            while let chunk = try reader.read(maxFrames: 1000) {
                frames += chunk.frameCount
                checksum += Double(chunk.positions[chunk.positions.count - 1])
            }
            #expect(frames == (try reader.countFrames()))
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("MDTrajHDF5Reader: \(frames) frames in \(seconds) s = \(Int(Double(frames) / seconds)) frames/s (checksum \(checksum))")
        #expect(frames > 0)
    }
}
