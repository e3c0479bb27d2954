import Foundation
import Testing
import Trajectories

/// `lss traj info` and `lss traj convert` through their library calls, checked against MDTraj
/// reading and slicing the same files.
@Suite("Conversion and summaries against MDTraj")
struct ConversionTests {
    /// 20 frames of alanine dipeptide (jittered), time step 0.5 ps starting at 10 ps, a 3 nm cubic box,
    /// written by MDTraj as XTC and DCD.
    static let makeTrajectory = """
    import sys, numpy as np, mdtraj
    t = mdtraj.load(sys.argv[1])
    rng = np.random.default_rng(3)
    xyz = t.xyz[0] + rng.normal(0, 0.02, (20, t.n_atoms, 3)).astype(np.float32)
    traj = mdtraj.Trajectory(xyz, t.topology, time=10 + 0.5 * np.arange(20),
                             unitcell_lengths=np.full((20, 3), 3.0), unitcell_angles=np.full((20, 3), 90.0))
    traj.save_xtc(sys.argv[2]); traj.save_dcd(sys.argv[3])
    """

    @Test("info reports frames, atoms, time step and box without reading the whole file")
    func info() throws {
        let workspace = try Workspace()
        try runPython(Self.makeTrajectory, [Repository.alanineDipeptidePDB, workspace.path("a.xtc"), workspace.path("a.dcd")])
        let topology = try TopologyFile.read(Repository.alanineDipeptidePDB)
        let summary = try TrajectorySummary.of(workspace.path("a.xtc"), topology: topology)
        #expect(summary.format == .xtc && summary.frames == 20 && summary.atoms == 22)
        #expect(abs((summary.timeStep ?? 0) - 0.5) < 1e-4)
        #expect(abs((summary.firstTime ?? 0) - 10) < 1e-4 && abs((summary.lastTime ?? 0) - 19.5) < 1e-4)
        let box = try #require(summary.box)
        #expect(box.lengths.allSatisfy { abs($0 - 3) < 1e-5 } && box.angles.allSatisfy { abs($0 - 90) < 1e-3 })
        #expect(summary.topology?.residues == 3)
        #expect(summary.text.contains("frames      20"))

        // A topology of another system is refused with both atom counts in the message.
        let wrong = Topology.sample(atoms: 21)
        #expect(throws: TrajectoryError.self) { try TrajectorySummary.of(workspace.path("a.xtc"), topology: wrong) }
    }

    @Test("convert with a selection, a frame range and a stride equals MDTraj's slicing", arguments: ["h5", "pdb", "gro", "dcd", "nc"])
    func convert(to ext: String) throws {
        let workspace = try Workspace()
        try runPython(Self.makeTrajectory, [Repository.alanineDipeptidePDB, workspace.path("a.xtc"), workspace.path("a.dcd")])
        let output = workspace.path("out.\(ext)")
        let conversion = TrajectoryConversion(
            input: workspace.path("a.xtc"), output: output, topologyPath: Repository.alanineDipeptidePDB,
            selection: "heavy", range: FrameRange(begin: .frame(2), end: .frame(15), stride: 3), chunkSize: 2)
        let report = try conversion.run()
        #expect(report.framesWritten == 5 && report.atoms == 10)

        let check = """
        import sys, json, numpy as np, mdtraj
        # lss keeps atom names as the file has them; MDTraj's PDB reader renames them to its standard
        # names (NME's CH3 becomes C) unless asked not to.
        top = mdtraj.load_pdb(sys.argv[2], standard_names=False).topology
        src = mdtraj.load(sys.argv[1], top=top)
        ref = src.atom_slice(src.topology.select('not element H'))[2:15:3]
        path = sys.argv[3]
        if path.endswith('.pdb'): out = mdtraj.load_pdb(path, standard_names=False)
        elif path.endswith(('.h5', '.gro')): out = mdtraj.load(path)
        else: out = mdtraj.load(path, top=ref.topology)
        # MDTraj's GRO reader always applies its standard names; compare with those there.
        std = mdtraj.load_pdb(sys.argv[2]).topology
        want = [std.atom(i).name for i in std.select('not element H')] if path.endswith('.gro') else [a.name for a in ref.topology.atoms]
        print(json.dumps({'frames': out.n_frames, 'atoms': out.n_atoms,
                          'dx': float(np.abs(out.xyz - ref.xyz).max()),
                          'dt': float(np.abs(out.time - ref.time).max()) if not sys.argv[3].endswith(('.pdb', '.dcd')) else 0.0,
                          'names': [a.name for a in out.topology.atoms] == want,
                          'got': [a.name for a in out.topology.atoms], 'want': want}))
        """
        struct Check: Decodable { var frames: Int; var atoms: Int; var dx: Double; var dt: Double; var names: Bool; var got: [String]; var want: [String] }
        let result = try decodeJSON(Check.self, from: runPython(check, [workspace.path("a.xtc"), Repository.alanineDipeptidePDB, output]))
        #expect(result.frames == 5 && result.atoms == 10)
        // PDB and GRO keep 0.001 nm (PDB: 0.001 Å but MDTraj rounds), the others float precision.
        #expect(result.dx <= (ext == "gro" || ext == "pdb" ? 6e-4 : 1e-6), "max |dx| = \(result.dx)")
        #expect(result.dt < 1e-3)
        if ["h5", "pdb", "gro"].contains(ext) { #expect(result.names) }
    }

    @Test("a restart takes one frame, in full precision; a failed conversion leaves no file behind")
    func singleFrame() throws {
        let workspace = try Workspace()
        try runPython(Self.makeTrajectory, [Repository.alanineDipeptidePDB, workspace.path("a.xtc"), workspace.path("a.dcd")])
        let restart = workspace.path("seed.rst7")
        #expect(throws: TrajectoryError.self) {
            try TrajectoryConversion(input: workspace.path("a.dcd"), output: restart,
                                     topologyPath: Repository.alanineDipeptidePDB).run()
        }
        #expect(!FileManager.default.fileExists(atPath: restart))
        _ = try TrajectoryConversion(input: workspace.path("a.dcd"), output: restart, topologyPath: Repository.alanineDipeptidePDB,
                                     range: FrameRange(begin: .frame(5), end: .frame(6))).run()
        let compare = """
        import sys, numpy as np, mdtraj
        a = mdtraj.load(sys.argv[1], top=sys.argv[3])[5]
        b = mdtraj.load(sys.argv[2], top=sys.argv[3])
        print(float(np.abs(a.xyz - b.xyz).max()))
        """
        let printed = try runPython(compare, [workspace.path("a.dcd"), restart, Repository.alanineDipeptidePDB])
        let difference = Double(lastLine(of: printed)) ?? .infinity
        #expect(difference < 1e-6, "MDTraj printed: \(printed)")

        // Nothing selected: an error, and again no file.
        let empty = workspace.path("empty.xtc")
        #expect(throws: TrajectoryError.self) {
            try TrajectoryConversion(input: workspace.path("a.xtc"), output: empty,
                                     topologyPath: Repository.alanineDipeptidePDB, selection: "resname XYZ").run()
        }
        #expect(!FileManager.default.fileExists(atPath: empty))
    }
}
