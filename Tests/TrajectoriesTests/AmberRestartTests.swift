import Foundation
import Testing
import Trajectories

/// AMBER restarts, ASCII (.rst7) and NetCDF (.ncrst), against MDTraj and ParmEd: both directions,
/// with velocities and triclinic cells, in full double precision for NetCDF.
@Suite("AMBER restarts")
struct AmberRestartTests {
    enum Kind: String, CaseIterable, Sendable { case rst7, ncrst }

    func reader(_ kind: Kind, _ path: String) throws -> any TrajectoryReader {
        kind == .rst7 ? try AmberRestartReader(path: path) : try AmberNetCDFRestartReader(path: path)
    }

    func writer(_ kind: Kind, _ path: String, atoms: Int) throws -> any TrajectoryWriter {
        kind == .rst7 ? try AmberRestartWriter(path: path, atomCount: atoms) : try AmberNetCDFRestartWriter(path: path, atomCount: atoms)
    }

    // MARK: - MDTraj and ParmEd → lss

    @Test("restarts written by MDTraj (save_amberrst7, save_netcdfrst) read as MDTraj reads them", arguments: Kind.allCases)
    func mdtrajWrites(kind: Kind) throws {
        let workspace = try Workspace()
        let path = workspace.path("mdtraj.\(kind.rawValue)")
        try runPython("""
        import sys, numpy as np, mdtraj as md
        t = md.load(sys.argv[2])
        t.xyz += np.random.RandomState(2).rand(*t.xyz.shape).astype(np.float32) * 0.3
        t.unitcell_lengths = np.array([[3.1, 3.2, 3.3]]); t.unitcell_angles = np.array([[80.0, 95.0, 100.0]])
        t.time = np.array([12.5])
        t.save_amberrst7(sys.argv[1]) if sys.argv[1].endswith('rst7') else t.save_netcdfrst(sys.argv[1])
        """, [path, Repository.alanineDipeptidePDB])
        let reference = try mdtrajSummary(of: path)
        let reader = try reader(kind, path)
        #expect(reader.atomCount == 22)
        #expect(try reader.countFrames() == 1)
        let frame = try #require(try reader.readFrame())
        #expect(try reader.readFrame() == nil)
        #expect(maxDifference(frame.chunk().positions, reference.xyz) < 1e-6)
        #expect(frame.time == 12.5 && reference.time == [12.5])
        #expect(unitCellDifference([try #require(frame.box)], try #require(reference.box)) < 1e-6)
        #expect(frame.velocities == nil)
        // read(maxFrames:) after a seek to 0 gives the same frame in Float32.
        try reader.seek(toFrame: 0)
        #expect(try reader.read(maxFrames: 5) == frame.chunk())
    }

    @Test("restarts with velocities written by ParmEd read in full precision", arguments: Kind.allCases)
    func parmedWrites(kind: Kind) throws {
        let workspace = try Workspace()
        let path = workspace.path("parmed.\(kind.rawValue)")
        let expected = try decodeJSON(RestartValues.self, from: runPython("""
        import sys, json, numpy as np
        from parmed.amber import Rst7
        rng = np.random.RandomState(8)
        n = 5
        r = Rst7(natom=n, title='made by ParmEd')
        r.coordinates = rng.rand(n, 3) * 40 - 10
        r.vels = rng.rand(n, 3) * 8 - 4                       # Å/ps
        r.box = [41.5, 42.5, 43.5, 70.0, 80.0, 95.0]
        r.time = 250.125
        r.write(sys.argv[1], netcdf=sys.argv[1].endswith('ncrst'))
        print(json.dumps({'positions': (r.coordinates.ravel() * 0.1).tolist(), 'velocities': (np.asarray(r.vels).ravel() * 0.1).tolist(),
                          'lengths': [x * 0.1 for x in r.box[:3]], 'angles': list(r.box[3:]), 'time': r.time}))
        """, [path]))
        let frame = try #require(try reader(kind, path).readFrame())
        // ASCII: F12.7 rounding (5e-8 Å, and 20.455 × 5e-8 Å/ps); NetCDF: doubles, but ParmEd writes
        // velocities / 20.455 with a float32 scale_factor (20.454999923...), 4e-9 apart.
        let (positionTolerance, velocityTolerance) = kind == .rst7 ? (5.1e-9, 1.1e-7) : (1e-15, 1e-8)
        #expect(difference(frame.positions, expected.positions) <= positionTolerance)
        #expect(difference(try #require(frame.velocities), expected.velocities) <= velocityTolerance)
        let box = try #require(frame.box)
        for axis in 0 ..< 3 {
            #expect(abs(box.lengths[axis] - expected.lengths[axis]) < 1e-9)
            #expect(abs(box.angles[axis] - expected.angles[axis]) < 1e-9)
        }
        #expect(frame.time == expected.time)
    }

    // MARK: - lss → MDTraj and ParmEd

    @Test("restarts written by lss read back in ParmEd (velocities) and MDTraj", arguments: Kind.allCases)
    func lssWrites(kind: Kind) throws {
        let workspace = try Workspace()
        let path = workspace.path("lss.\(kind.rawValue)")
        var generator = SplitMix64(seed: 5)
        func triples(_ range: ClosedRange<Double>) -> [SIMD3<Double>] {
            (0 ..< 22).map { _ in SIMD3((0 ..< 3).map { _ in Double.random(in: range, using: &generator) }) }
        }
        let frame = Frame(positions: triples(-2 ... 5), velocities: triples(-1.5 ... 1.5),
                          box: Box(lengths: [3.05, 3.15, 3.25], angles: [75, 85, 105]), time: 1234.5678)
        let writer = try writer(kind, path, atoms: 22)
        try writer.write(frame)
        #expect(throws: TrajectoryError.self) { try writer.write(frame) }
        try writer.close()

        let parmed = try decodeJSON(RestartValues.self, from: runPython("""
        import sys, json, numpy as np
        from parmed.amber import Rst7, NetCDFRestart
        if sys.argv[1].endswith('ncrst'):
            r = NetCDFRestart.open_old(sys.argv[1])
            xyz, vel, box, time = r.coordinates, r.velocities, r.box, r.time
        else:
            r = Rst7.open(sys.argv[1])
            xyz, vel, box, time = r.coordinates, r.velocities, r.box, r.time
        print(json.dumps({'positions': (np.asarray(xyz).ravel() * 0.1).tolist(), 'velocities': (np.asarray(vel).ravel() * 0.1).tolist(),
                          'lengths': [float(x) * 0.1 for x in box[:3]], 'angles': [float(x) for x in box[3:]], 'time': float(time)}))
        """, [path]))
        let (positionTolerance, velocityTolerance) = kind == .rst7 ? (5.1e-9, 1.1e-7) : (1e-15, 1e-15)
        #expect(difference(frame.positions, parmed.positions) <= positionTolerance)
        #expect(difference(try #require(frame.velocities), parmed.velocities) <= velocityTolerance)
        let box = try #require(frame.box)
        for axis in 0 ..< 3 {
            #expect(abs(box.lengths[axis] - parmed.lengths[axis]) < 1e-8)
            #expect(abs(box.angles[axis] - parmed.angles[axis]) < 1e-6)
        }
        #expect(abs(parmed.time - 1234.5678) < (kind == .rst7 ? 1e-3 : 1e-12))

        let reference = try mdtrajSummary(of: path)
        #expect(maxDifference(frame.chunk().positions, reference.xyz) < 1e-6)
        #expect(unitCellDifference([box], try #require(reference.box)) < 1e-6)

        // lss reads its own file: NetCDF keeps every digit (up to the unit conversions).
        let back = try #require(try reader(kind, path).readFrame())
        #expect(difference(back.positions, frame.positions.flatMap { [$0.x, $0.y, $0.z] }) <= positionTolerance)
        #expect(difference(back.velocities ?? [], (frame.velocities ?? []).flatMap { [$0.x, $0.y, $0.z] }) <= velocityTolerance)
    }

    @Test("an rst7 of two atoms tells velocities from a box; lss refuses values F12.7 cannot hold")
    func twoAtoms() throws {
        let workspace = try Workspace()
        let positions: [SIMD3<Double>] = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]
        let velocitiesOnly = Frame(positions: positions, velocities: [[1, -1, 0.5], [0.25, 0, -2]], time: 3)
        let boxOnly = Frame(positions: positions, box: Box(rectangular: 2, 2.5, 3))
        for (name, frame) in [("v.rst7", velocitiesOnly), ("b.rst7", boxOnly)] {
            let writer = try AmberRestartWriter(path: workspace.path(name), atomCount: 2)
            try writer.write(frame)
            try writer.close()
            let back = try #require(try AmberRestartReader(path: workspace.path(name)).readFrame())
            #expect((back.velocities == nil) == (frame.velocities == nil))
            #expect((back.box == nil) == (frame.box == nil))
        }
        let far = Frame(positions: [[-150, 0, 0], [0, 0, 0]])
        let writer = try AmberRestartWriter(path: workspace.path("far.rst7"), atomCount: 2)
        #expect(throws: TrajectoryError.self) { try writer.write(far) }
        #expect(throws: TrajectoryError.self) {
            try AmberNetCDFRestartWriter(path: workspace.path("two.ncrst"), atomCount: 2)
                .write(FrameChunk(atomCount: 2, positions: [Float](repeating: 0, count: 12), times: [0, 1]))
        }
    }

    // MARK: - Bad input

    @Test("broken restarts throw errors naming the file")
    func badInput() throws {
        let workspace = try Workspace()
        let good = """
        title
            3  0.5000000E+01
           1.0000000   2.0000000   3.0000000   4.0000000   5.0000000   6.0000000
           7.0000000   8.0000000   9.0000000

        """
        let cases: [(String, String, TrajectoryError.Kind)] = [
            ("short.rst7", good.replacingOccurrences(of: "   9.0000000\n", with: "\n"), .malformed),
            ("garbage.rst7", good.replacingOccurrences(of: "5.0000000", with: "5.00x0000"), .malformed),
            ("nan.rst7", good.replacingOccurrences(of: "   7.0000000", with: "         NaN"), .nonFinite),
            ("nocount.rst7", "title\n\n", .malformed),
            ("lines.rst7", good + good.split(separator: "\n").suffix(2).joined(separator: "\n") + "\n1\n2\n", .malformed),
            ("cutoff.rst7", "title\n    3\n   1.0000000   2.0000000\n", .malformed),
            ("huge.rst7", "title\n9223372036854775807\n   1.0000000   2.0000000   3.0000000\n", .malformed),
        ]
        for (name, text, kind) in cases {
            let path = workspace.path(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try AmberRestartReader(path: path)
                Issue.record("\(name) was read without an error")
            } catch let error as TrajectoryError {
                #expect(error.kind == kind, "\(name): \(error)")
                #expect(error.path == path)
            }
        }
        // The good text itself reads.
        try Data(good.utf8).write(to: URL(fileURLWithPath: workspace.path("good.rst7")))
        let frame = try #require(try AmberRestartReader(path: workspace.path("good.rst7")).readFrame())
        #expect(frame.positions.last == SIMD3(0.7000000000000001, 0.8, 0.9) || abs(frame.positions[2].z - 0.9) < 1e-15)
        #expect(frame.time == 5)

        // NetCDF restarts: a trajectory is not a restart, and a restart needs coordinates.
        let trajectory = workspace.path("trajectory.nc"), empty = workspace.path("empty.ncrst")
        let writer = try AmberNetCDFWriter(path: trajectory, atomCount: 1)
        try writer.write(FrameChunk(atomCount: 1, positions: [0, 0, 0], times: [0]))
        try writer.close()
        try runPython("""
        import sys, netCDF4
        d = netCDF4.Dataset(sys.argv[1], 'w', format='NETCDF3_64BIT_OFFSET')
        d.Conventions = 'AMBERRESTART'; d.ConventionVersion = '1.0'
        d.createDimension('atom', 2); d.createDimension('spatial', 3)
        d.close()
        """, [empty])
        for (path, words) in [(trajectory, "AmberNetCDFReader"), (empty, "coordinates")] {
            do {
                _ = try AmberNetCDFRestartReader(path: path)
                Issue.record("\(path) was read as a restart")
            } catch let error as TrajectoryError {
                #expect(error.problem.contains(words), "\(error)")
                #expect(error.path == path)
            }
        }
    }

    /// The largest absolute difference between triples and a flat reference.
    func difference(_ values: [SIMD3<Double>], _ reference: [Double]) -> Double {
        difference(values.flatMap { [$0.x, $0.y, $0.z] }, reference)
    }

    func difference(_ values: [Double], _ reference: [Double]) -> Double {
        guard values.count == reference.count else { return .infinity }
        return zip(values, reference).map { abs($0 - $1) }.max() ?? 0
    }
}

/// A restart frame as ParmEd sees it, converted to lss units by the script.
struct RestartValues: Decodable {
    var positions: [Double]
    var velocities: [Double]
    var lengths: [Double]
    var angles: [Double]
    var time: Double
}
