import Foundation
import Testing
import Trajectories

/// AMBER NetCDF trajectories against MDTraj and the netCDF4 Python module (both on the C
/// libnetcdf, but through their own code for the AMBER conventions, units and scale factors).
@Suite("AMBER NetCDF trajectories")
struct AmberNetCDFTests {
    // MARK: - Python → lss

    @Test("a NetCDF-3 trajectory written by MDTraj (triclinic cell) reads as MDTraj reads it")
    func mdtrajWrites() throws {
        let workspace = try Workspace()
        let path = workspace.path("mdtraj.nc")
        try runPython("""
        import sys, numpy as np, mdtraj as md
        rng = np.random.RandomState(4)
        xyz = (rng.rand(7, 22, 3) * 25 - 3).astype(np.float32)
        with md.formats.NetCDFTrajectoryFile(sys.argv[1], 'w') as f:
            f.write(xyz, time=np.arange(7) * 0.5 + 10,
                    cell_lengths=np.array([[30.0 + i, 31.0, 32.5] for i in range(7)]),
                    cell_angles=np.array([[75.0, 95.0, 110.0 + i] for i in range(7)]))
        """, [path])
        #expect(try runProgram("ncdump", ["-k", path]).contains("64-bit offset"))
        let reference = try mdtrajSummary(of: path)
        let reader = try AmberNetCDFReader(path: path)
        #expect(reader.program == "MDTraj")
        #expect(try reader.countFrames() == 7)
        let chunk = try reader.readAll(chunkSize: 3)
        #expect(maxDifference(chunk.positions, reference.xyz) < 1e-6)
        #expect(chunk.times == reference.time)
        #expect(unitCellDifference(try #require(chunk.boxes), try #require(reference.box)) < 1e-5)
        #expect(chunk.velocities == nil && chunk.forces == nil)
    }

    @Test("a NetCDF-4 AMBER file made with netCDF4: velocities and forces with their scale factors")
    func netCDF4WithVelocities() throws {
        let workspace = try Workspace()
        let path = workspace.path("python.nc")
        let expected = try decodeJSON(PythonAmberFrames.self, from: runPython("""
        import sys, json, numpy as np, netCDF4
        n, frames = 5, 4
        rng = np.random.RandomState(9)
        xyz = (rng.rand(frames, n, 3) * 20).astype(np.float32)
        vel = (rng.rand(frames, n, 3) - 0.5).astype(np.float32)          # stored: Å per 1/20.455 ps
        frc = (rng.rand(frames, n, 3) * 10 - 5).astype(np.float32)       # stored: 0.5 kcal/(mol Å) units
        d = netCDF4.Dataset(sys.argv[1], 'w', format='NETCDF4')
        d.Conventions = 'AMBER'; d.ConventionVersion = '1.0'; d.program = 'test'; d.programVersion = '1'
        d.createDimension('frame', None); d.createDimension('spatial', 3); d.createDimension('atom', n)
        d.createDimension('cell_spatial', 3); d.createDimension('cell_angular', 3); d.createDimension('label', 5)
        t = d.createVariable('time', 'f4', ('frame',)); t.units = 'picosecond'
        c = d.createVariable('coordinates', 'f4', ('frame', 'atom', 'spatial')); c.units = 'angstrom'
        v = d.createVariable('velocities', 'f4', ('frame', 'atom', 'spatial')); v.units = 'angstrom/picosecond'
        v.scale_factor = 20.455
        f = d.createVariable('forces', 'f4', ('frame', 'atom', 'spatial')); f.units = 'kilocalorie/mole/angstrom'
        f.scale_factor = 0.5
        cl = d.createVariable('cell_lengths', 'f8', ('frame', 'cell_spatial')); cl.units = 'angstrom'
        ca = d.createVariable('cell_angles', 'f8', ('frame', 'cell_angular')); ca.units = 'degree'
        for var in (v, f): var.set_auto_scale(False)
        c[:] = xyz; v[:] = vel; f[:] = frc; t[:] = np.arange(frames) * 2.0
        cl[:] = [[40.0, 41.0, 42.0]] * frames; ca[:] = [[90.0, 90.0, 90.0]] * frames
        d.close()
        nm = lambda a, s: [float(x) * s for x in a.astype(np.float64).ravel()]
        print(json.dumps({'positions': nm(xyz, 0.1), 'velocities': nm(vel, 20.455 * 0.1),
                          'forces': nm(frc, 0.5 * 41.84), 'times': [k * 2.0 for k in range(frames)]}))
        """, [path]))
        #expect(try runProgram("ncdump", ["-k", path]).contains("netCDF-4"))
        let chunk = try AmberNetCDFReader(path: path).readAll()
        #expect(chunk.frameCount == 4)
        #expect(relativeDifference(chunk.positions, expected.positions) < 1e-6)
        #expect(relativeDifference(try #require(chunk.velocities), expected.velocities) < 1e-6)
        #expect(relativeDifference(try #require(chunk.forces), expected.forces) < 1e-6)
        #expect(chunk.times == expected.times)
        #expect(unitCellDifference(try #require(chunk.boxes), Array(repeating: [[4, 0, 0], [0, 4.1, 0], [0, 0, 4.2]], count: 4)) < 1e-12)
    }

    @Test("seek then read equals the sequential read")
    func randomAccess() throws {
        let workspace = try Workspace()
        let path = workspace.path("seek.nc")
        let frames = 10, atoms = 3
        let positions = (0 ..< frames * atoms * 3).map { Float($0) * 0.01 }
        let writer = try AmberNetCDFWriter(path: path, atomCount: atoms)
        try writer.write(FrameChunk(atomCount: atoms, positions: positions, times: (0 ..< frames).map { Double($0) }))
        try writer.close()
        let reader = try AmberNetCDFReader(path: path)
        let all = try reader.readAll(chunkSize: 4)
        try reader.seek(toFrame: 7)
        #expect(try reader.read(maxFrames: 2) == all.selecting(frames: [7, 8]))
        try reader.seek(toFrame: 1)
        #expect(try reader.read(maxFrames: 1) == all.selecting(frames: [1]))
        #expect(throws: TrajectoryError.self) { try reader.seek(toFrame: 11) }
    }

    // MARK: - lss → Python

    @Test("lss writes 64-bit-offset and NetCDF-4 trajectories that MDTraj and netCDF4 read back",
          arguments: [AmberNetCDFWriter.Format.offset64, .netCDF4])
    func lssWrites(format: AmberNetCDFWriter.Format) throws {
        let workspace = try Workspace()
        let path = workspace.path("lss.nc")
        var generator = SplitMix64(seed: 21)
        let frames = 6, atoms = 22
        func values(_ range: ClosedRange<Float>) -> [Float] {
            (0 ..< frames * atoms * 3).map { _ in Float.random(in: range, using: &generator) }
        }
        let chunk = FrameChunk(atomCount: atoms, positions: values(-1 ... 3), velocities: values(-2 ... 2),
                               forces: values(-500 ... 500), times: (0 ..< frames).map { 0.25 * Double($0) + 1 },
                               boxes: (0 ..< frames).map { Box(lengths: [3, 3.3 + 0.01 * Double($0), 3.6], angles: [70, 85, 100]) })
        let writer = try AmberNetCDFWriter(path: path, atomCount: atoms, format: format)
        try writer.write(chunk.selecting(frames: [0, 1, 2, 3]))
        try writer.write(chunk.selecting(frames: [4, 5]))
        #expect(throws: TrajectoryError.self) {
            try writer.write(FrameChunk(atomCount: atoms, positions: Array(chunk.positions.prefix(atoms * 3)), times: [9]))
        }
        try writer.close()

        #expect(try runProgram("ncdump", ["-k", path]).contains(format == .offset64 ? "64-bit offset" : "netCDF-4"))
        let reference = try mdtrajSummary(of: path)
        #expect(reference.frames == frames)
        #expect(maxDifference(chunk.positions, reference.xyz) < 1e-6)
        #expect(zip(reference.time, chunk.times).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(unitCellDifference(try #require(chunk.boxes), try #require(reference.box)) < 1e-5)

        // netCDF4 applies scale_factor itself: velocities come out in Å/ps, forces in kcal/(mol Å).
        let python = try decodeJSON(PythonAmberFrames.self, from: runPython("""
        import sys, json, netCDF4
        d = netCDF4.Dataset(sys.argv[1])
        assert d.Conventions == 'AMBER' and d.ConventionVersion == '1.0', d.Conventions
        v = d.variables
        assert v['coordinates'].units == 'angstrom' and v['time'].units == 'picosecond'
        assert v['velocities'].units == 'angstrom/picosecond' and abs(v['velocities'].scale_factor - 20.455) < 1e-12
        assert v['forces'].units == 'kilocalorie/mole/angstrom'
        assert v['cell_lengths'].units == 'angstrom' and v['cell_angles'].units == 'degree'
        assert d.dimensions['frame'].isunlimited()
        text = lambda name: [b''.join(row).decode() for row in v[name][:].reshape(-1, v[name].shape[-1]).tolist()]
        assert text('spatial') == ['xyz'], text('spatial')
        assert text('cell_spatial') == ['abc'] and text('cell_angular') == ['alpha', 'beta ', 'gamma'], text('cell_angular')
        flat = lambda name, s: [float(x) * s for x in v[name][:].astype('f8').ravel()]
        print(json.dumps({'positions': flat('coordinates', 0.1), 'velocities': flat('velocities', 0.1),
                          'forces': flat('forces', 41.84), 'times': flat('time', 1)}))
        """, [path]))
        #expect(relativeDifference(chunk.velocities ?? [], python.velocities) < 1e-6)
        #expect(relativeDifference(chunk.forces ?? [], python.forces) < 1e-6)

        // And lss reads its own file back.
        let back = try AmberNetCDFReader(path: path).readAll()
        #expect(relativeDifference(back.positions, chunk.positions.map(Double.init)) < 1e-6)
        #expect(relativeDifference(back.velocities ?? [], (chunk.velocities ?? []).map(Double.init)) < 1e-6)
    }

    // MARK: - Speed

    /// Not a check: prints the read speed on a big file when LSS_TRAJ_SPEED_DIR names a folder with
    /// big.nc (made by MDTraj; run in release). Compare with MDTraj's reader on the same file.
    @Test("read speed on a big file", .enabled(if: ProcessInfo.processInfo.environment["LSS_TRAJ_SPEED_DIR"] != nil))
    func readSpeed() throws {
        let path = (ProcessInfo.processInfo.environment["LSS_TRAJ_SPEED_DIR"] ?? ".") + "/big.nc"
        var best = Double.infinity, bestCPU = Double.infinity, frames = 0
        for _ in 0 ..< 3 {
            let start = ContinuousClock.now, startCPU = processCPUSeconds()
            let reader = try AmberNetCDFReader(path: path)
            frames = 0
            while let chunk = try reader.read(maxFrames: 1000) { frames += chunk.frameCount }
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            bestCPU = min(bestCPU, processCPUSeconds() - startCPU)
        }
        print("lss AmberNetCDFReader: \(frames) frames in \(best) s, \(Int(Double(frames) / best)) frames/s (CPU \(bestCPU) s, \(Int(Double(frames) / bestCPU)) frames/s)")
        #expect(frames > 0)
    }

    // MARK: - Bad input

    @Test("NetCDF files that are not AMBER trajectories, lack coordinates, or hold NaN or unwritten frames")
    func badInput() throws {
        let workspace = try Workspace()
        let names = ["cf.nc", "nocoords.nc", "nan.nc", "unwritten.nc", "restart.nc", "huge.nc"]
        try runPython("""
        import sys, numpy as np, netCDF4
        def make(path, conventions='AMBER', coords=True, frames=3, written=3, nan=False, atoms=4):
            d = netCDF4.Dataset(path, 'w', format='NETCDF3_64BIT_OFFSET')
            d.Conventions = conventions; d.ConventionVersion = '1.0'
            d.createDimension('frame', None); d.createDimension('spatial', 3); d.createDimension('atom', atoms)
            t = d.createVariable('time', 'f4', ('frame',)); t.units = 'picosecond'
            t[:] = np.arange(frames, dtype='f4')
            if coords:
                c = d.createVariable('coordinates', 'f4', ('frame', 'atom', 'spatial')); c.units = 'angstrom'
                x = np.ones((written, atoms, 3), 'f4')
                if nan: x[1, 2, 0] = np.nan
                c[:written] = x
            d.close()
        make(sys.argv[1], conventions='CF-1.6')
        make(sys.argv[2], coords=False)
        make(sys.argv[3], nan=True)
        make(sys.argv[4], written=2)
        make(sys.argv[5], conventions='AMBERRESTART')
        make(sys.argv[6], frames=0, written=0, atoms=100000000)   # a header claiming 10^8 atoms, no data
        """, names.map { workspace.path($0) })
        try Data("this is not a NetCDF file at all".utf8).write(to: URL(fileURLWithPath: workspace.path("text.nc")))

        func failure(_ name: String) throws -> TrajectoryError {
            let path = workspace.path(name)
            do {
                _ = try AmberNetCDFReader(path: path).readAll()
            } catch let error as TrajectoryError {
                #expect(error.path == path)
                return error
            }
            Issue.record("\(name) was read without an error")
            throw CancellationError()
        }
        #expect(try failure("cf.nc").kind == .unsupported)
        #expect(try failure("restart.nc").problem.contains("AmberNetCDFRestartReader"))
        #expect(try failure("nocoords.nc").problem.contains("coordinates"))
        #expect(try failure("text.nc").kind == .malformed)
        let nan = try failure("nan.nc")
        #expect(nan.kind == .nonFinite && nan.frame == 1)
        let unwritten = try failure("unwritten.nc")
        #expect(unwritten.kind == .malformed && unwritten.frame == 2)
        #expect(try failure("missing.nc").kind == .io)
        #expect(try failure("huge.nc").problem.contains("larger than"))
    }
}

/// Values a Python script computed in lss units.
struct PythonAmberFrames: Decodable {
    var positions: [Double]
    var velocities: [Double]
    var forces: [Double]
    var times: [Double]
}

/// The largest |a − b| / max(1, |b|) over two equally long arrays (∞ when the lengths differ).
func relativeDifference(_ values: [Float], _ reference: [Double]) -> Double {
    guard values.count == reference.count else { return .infinity }
    return zip(values, reference).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
}
