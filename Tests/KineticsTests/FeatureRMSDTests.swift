import Foundation
import Kinetics
import NeuralNet
import TestSupport
import Testing
import Trajectories

/// The `rmsd` and `rg` features against MDTraj (and NumPy where MDTraj has no such function), on
/// the alanine dipeptide with jittered frames and on the 20-residue peptide fixture, every frame
/// also turned and shifted by a random rigid motion so that the superposition has work to do.
@Suite struct FeatureRMSDTests {
    /// Frames of `system` each moved by a random proper rotation (uniform unit quaternion) and a
    /// shift of up to ±2 nm; RMSD and Rg must not see the motion.
    static func randomlyMoved(_ chunk: FrameChunk, seed: UInt64) -> FrameChunk {
        var random = SplitMix64(seed: seed)
        var positions = chunk.positions
        for frame in 0 ..< chunk.frameCount {
            var q = SIMD4((0 ..< 4).map { _ in random.uniform() - 0.5 })
            q /= (q * q).sum().squareRoot()
            let (w, x, y, z) = (q[0], q[1], q[2], q[3])
            let r = [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                     2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                     2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
            let shift = SIMD3((0 ..< 3).map { _ in 4 * random.uniform() - 2 })
            for atom in 0 ..< chunk.atomCount {
                let o = (frame * chunk.atomCount + atom) * 3
                let p = SIMD3(Double(positions[o]), Double(positions[o + 1]), Double(positions[o + 2]))
                for i in 0 ..< 3 {
                    positions[o + i] = Float(r[3 * i] * p.x + r[3 * i + 1] * p.y + r[3 * i + 2] * p.z + shift[i])
                }
            }
        }
        return FrameChunk(atomCount: chunk.atomCount, positions: positions, times: chunk.times)
    }

    /// MDTraj's and NumPy's answers for one system (`referenceScript`).
    struct Expected: Decodable {
        /// mdtraj.rmsd over `select` (fit = select).
        var rmsd: [Double]
        /// NumPy Float64 SVD Kabsch over `select` (fit = select).
        var rmsdFloat64: [Double]
        /// mdtraj superpose on `fit`, then the RMSD over `select2` in NumPy.
        var rmsdFitOther: [Double]
        /// Mass-weighted Kabsch on `fit`, mass-weighted RMSD over `select2` (NumPy).
        var rmsdFitOtherMass: [Double]
        /// Mass-weighted Kabsch and RMSD over `select` (NumPy).
        var rmsdMass: [Double]
        /// mdtraj.compute_rg of all atoms and of `select2`.
        var rgAll: [Double]
        var rgSelect: [Double]
        /// Mass-weighted Rg of `select2` about its centre of mass (NumPy).
        var rgSelectMass: [Double]
    }

    static let referenceScript = """
    import json, sys
    import numpy as np, mdtraj as md
    top_path, ref_path, data_path = sys.argv[1], sys.argv[2], sys.argv[3]
    d = json.load(open(data_path))
    top = md.load(top_path).topology
    n = d['frames']
    t = md.Trajectory(np.array(d['xyz'], dtype=np.float32).reshape(n, top.n_atoms, 3), top)
    ref = md.load(ref_path)[0]
    sel, fit, sel2 = (np.array(d[k], dtype=int) for k in ('select', 'fit', 'select2'))
    m = np.array(d['masses'], dtype=float)
    X, Y = t.xyz.astype(float), ref.xyz[0].astype(float)
    def kabsch(P, Q, w):
        # the proper rotation R and translation s minimizing sum w |R p + s - q|^2
        pc, qc = (w[:, None] * P).sum(0) / w.sum(), (w[:, None] * Q).sum(0) / w.sum()
        U, S, Vt = np.linalg.svd(((P - pc) * w[:, None]).T @ (Q - qc))
        D = np.diag([1.0, 1.0, np.sign(np.linalg.det(Vt.T @ U.T))])
        R = Vt.T @ D @ U.T
        return R, qc - R @ pc
    def fitted_rmsd(i, fit, meas, w_fit, w_meas):
        R, s = kabsch(X[i][fit], Y[fit], w_fit)
        diff = X[i][meas] @ R.T + s - Y[meas]
        return float(np.sqrt((w_meas * (diff ** 2).sum(1)).sum() / w_meas.sum()))
    one = lambda a: np.ones(len(a))
    out = {}
    out['rmsd'] = md.rmsd(t, ref, 0, atom_indices=sel).astype(float).tolist()
    out['rmsdFloat64'] = [fitted_rmsd(i, sel, sel, one(sel), one(sel)) for i in range(n)]
    moved = t.superpose(ref, 0, atom_indices=fit)
    out['rmsdFitOther'] = np.sqrt(((moved.xyz[:, sel2].astype(float) - Y[sel2]) ** 2).sum(2).mean(1)).tolist()
    out['rmsdFitOtherMass'] = [fitted_rmsd(i, fit, sel2, m[fit], m[sel2]) for i in range(n)]
    out['rmsdMass'] = [fitted_rmsd(i, sel, sel, m[sel], m[sel]) for i in range(n)]
    out['rgAll'] = md.compute_rg(t).astype(float).tolist()
    out['rgSelect'] = md.compute_rg(t.atom_slice(sel2)).astype(float).tolist()
    P = X[:, sel2]
    com = (P * m[sel2][None, :, None]).sum(1) / m[sel2].sum()
    out['rgSelectMass'] = np.sqrt((((P - com[:, None]) ** 2).sum(2) * m[sel2]).sum(1) / m[sel2].sum()).tolist()
    print(json.dumps(out))
    """

    /// Checks every variant on one system. `select`/`fit` are the measured and fitted selections
    /// of the fit ≠ select cases; `select2` the measured one there and the Rg selection.
    /// Tolerances: MDTraj's RMSD is Float32 QCP, resolving ~1e-4 nm (as in GeometryTests), so
    /// 3e-4 nm against `mdtraj.rmsd`; MDTraj's superpose rotates in Float32 (~1e-7 relative on
    /// ~1 nm coordinates), so 1e-5 nm there; Float64 NumPy references get 2e-6 nm (the
    /// frames are Float32 either way; the eigenvalue route resolves ~1e-8 · Rg) and MDTraj's Rg
    /// 1e-5 nm.
    func check(_ system: GeometryFixtures.System, reference: String, select: String, fit: String, select2: String) throws {
        let chunk = Self.randomlyMoved(system.chunk, seed: 29)
        let topology = system.topology
        let text = "rmsd:reference=\(reference),select=\(select); rmsd:reference=\(reference),select=\(select2),fit=\(fit);"
            + " rmsd:reference=\(reference),select=\(select2),fit=\(fit),mass=true; rmsd:reference=\(reference),select=\(select),mass=yes;"
            + " rg; rg:select=\(select2); rg:select=\(select2),mass=true"
        let set = try FeatureSet(parsing: text, topology: topology)
        #expect(set.labels == ["rmsd \(select)", "rmsd \(select2)", "rmsd \(select2)", "rmsd \(select)", "rg all",
                               "rg \(select2)", "rg \(select2)"])
        let features = try set.featurize(chunk)
        let fitted = try #require(set.featurizers[1] as? RMSDFeaturizer)
        let measured = try #require(set.featurizers[0] as? RMSDFeaturizer)
        #expect(fitted.atoms != fitted.fitAtoms, "the fit ≠ select case must really differ")
        let masses = try Geometry.masses(of: Array(0 ..< topology.atomCount), in: topology)

        let workspace = try Workspace("rmsd-features")
        let input: [String: Any] = [
            "frames": chunk.frameCount, "xyz": chunk.positions.map(Double.init), "select": measured.atoms,
            "fit": fitted.fitAtoms, "select2": fitted.atoms, "masses": masses,
        ]
        let path = workspace.path("input.json")
        try JSONSerialization.data(withJSONObject: input).write(to: URL(fileURLWithPath: path))
        let expected = try decodeJSON(Expected.self, from: runPython(Self.referenceScript, [system.topologyPath, reference, path]))

        func column(_ j: Int) -> [Double] { (0 ..< features.rows).map { features[$0, j] } }
        func worst(_ a: [Double], _ b: [Double]) -> Double {
            a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
        }
        #expect(worst(column(0), expected.rmsd) < 3e-4)
        #expect(worst(column(0), expected.rmsdFloat64) < 2e-6)
        #expect(worst(column(1), expected.rmsdFitOther) < 1e-5)
        #expect(worst(column(2), expected.rmsdFitOtherMass) < 2e-6)
        #expect(worst(column(3), expected.rmsdMass) < 2e-6)
        #expect(worst(column(4), expected.rgAll) < 1e-5)
        #expect(worst(column(5), expected.rgSelect) < 1e-5)
        #expect(worst(column(6), expected.rgSelectMass) < 2e-6)
        // The cases must be distinguishable at these tolerances.
        #expect(column(0).dropFirst().allSatisfy { $0 > 1e-3 }, "the frames must differ from the reference")
        #expect(worst(column(1), expected.rmsdFitOtherMass) > 1e-4, "mass weighting must change the answer")
        #expect(worst(column(5), expected.rgSelectMass) > 1e-4, "mass weighting must change Rg")
    }

    @Test func alanineDipeptideAgainstMDTraj() throws {
        let system = try GeometryFixtures.alanineDipeptide(frames: 8)
        try check(system, reference: Repository.alanineDipeptidePDB, select: "backbone", fit: "name CA or name C or name N",
                  select2: "heavy")
    }

    @Test func peptideAgainstMDTraj() throws {
        let system = try GeometryFixtures.peptide()
        try check(system, reference: system.topologyPath, select: "name CA", fit: "backbone and resid 3 to 12",
                  select2: "sidechain")
    }

    /// A resolved spec stores the reference, so the set rebuilds from JSON after the file is gone.
    @Test func codableRoundTripWithoutTheReferenceFile() throws {
        let system = try GeometryFixtures.alanineDipeptide(frames: 4)
        let workspace = try Workspace()
        let native = workspace.path("native.pdb")
        try FileManager.default.copyItem(atPath: Repository.alanineDipeptidePDB, toPath: native)
        let text = "rmsd:reference=\(native),select=heavy,fit=backbone,mass=true;rg:mass=true"
        let set = try FeatureSet(parsing: text, topology: system.topology)
        let features = try set.featurize(system.chunk)
        guard case let .rmsd(stored) = set.specs[0] else { Issue.record("not an rmsd spec"); return }
        #expect(stored.referencePositions?.count == 3 * system.topology.atomCount)
        let json = try JSONEncoder().encode(set.specs)
        try FileManager.default.removeItem(atPath: native)
        let decoded = try JSONDecoder().decode([FeatureSpec].self, from: json)
        #expect(decoded == set.specs)
        let rebuilt = try FeatureSet(decoded, topology: system.topology)
        #expect(rebuilt.labels == set.labels)
        #expect(try rebuilt.featurize(system.chunk) == features)
        #expect(features[0, 0] < 1e-6 && features[1, 0] > 1e-3, "frame 0 is the reference")
        #expect(throws: KineticsError.self) { try FeatureSet(parsing: text, topology: system.topology) }
    }

    @Test func textParsesAndRoundTrips() throws {
        #expect(try FeatureSpec.parse("rmsd:reference=native.pdb") == .rmsd(RMSDSpec(reference: "native.pdb")))
        #expect(try FeatureSpec.parse("rmsd: reference = a.gro , select = name CA , fit = backbone , mass = 1")
            == .rmsd(RMSDSpec(reference: "a.gro", selection: "name CA", fitSelection: "backbone", massWeighted: true)))
        #expect(try FeatureSpec.parse("rg") == .radiusOfGyration(selection: "all", massWeighted: false))
        #expect(try FeatureSpec.parse("rg:select=protein,mass=true") == .radiusOfGyration(selection: "protein", massWeighted: true))
        let specs: [FeatureSpec] = [
            .rmsd(RMSDSpec(reference: "x.pdb")),
            .rmsd(RMSDSpec(reference: "dir/x.xtc", selection: "name CA and resid 2 to 9", fitSelection: "backbone", massWeighted: true)),
            .rmsd(RMSDSpec(reference: "x.pdb", selection: "heavy", massWeighted: false)),
            .radiusOfGyration(selection: "all", massWeighted: false),
            .radiusOfGyration(selection: "all", massWeighted: true),
            .radiusOfGyration(selection: "name CA", massWeighted: false),
        ]
        for spec in specs {
            #expect(try FeatureSpec.parseList(spec.text) == [spec], "\(spec.text)")
            let json = try JSONEncoder().encode(spec)
            #expect(try JSONDecoder().decode(FeatureSpec.self, from: json) == spec)
        }
        var withPositions = RMSDSpec(reference: "x.pdb", referencePositions: [1, 2, 3], selection: "all")
        let json = try JSONEncoder().encode(FeatureSpec.rmsd(withPositions))
        #expect(try JSONDecoder().decode(FeatureSpec.self, from: json) == .rmsd(withPositions))
        withPositions.referencePositions = nil
        #expect(try FeatureSpec.parse(FeatureSpec.rmsd(withPositions).text) == .rmsd(withPositions))
    }

    /// Bad input throws a `KineticsError` of the right kind whose message names the problem.
    @Test func badInputIsRefused() throws {
        let system = try GeometryFixtures.alanineDipeptide(frames: 2)
        let topology = system.topology
        let peptide = try GeometryFixtures.peptide()
        func expectError(_ text: String, _ kind: KineticsError.Kind, mentioning words: [String]) {
            do {
                _ = try FeatureSet(parsing: text, topology: topology)
                Issue.record("\"\(text)\" should be refused")
            } catch let error as KineticsError {
                #expect(error.kind == kind, "\(text): \(error.problem)")
                for word in words { #expect(error.problem.contains(word), "\(text): \(error.problem)") }
            } catch { Issue.record("unexpected \(error)") }
        }
        let ala = Repository.alanineDipeptidePDB
        expectError("rmsd", .invalidArgument, mentioning: ["reference"])
        expectError("rmsd:select=backbone", .invalidArgument, mentioning: ["reference"])
        expectError("rmsd:reference=\(ala),weights=1", .invalidArgument, mentioning: ["weights"])
        expectError("rmsd:reference=\(ala),mass=heavy", .invalidArgument, mentioning: ["heavy"])
        expectError("rg:reference=\(ala)", .invalidArgument, mentioning: ["reference"])
        expectError("rmsd:reference=/nonexistent/native.pdb", .invalidArgument, mentioning: ["/nonexistent/native.pdb"])
        let atoms = "\(peptide.topology.atomCount)"
        expectError("rmsd:reference=\(peptide.topologyPath)", .mismatch, mentioning: [atoms, "22", "rmsd"])
        expectError("rmsd:reference=\(ala),select=name XX", .emptySelection, mentioning: ["name XX"])
        expectError("rmsd:reference=\(ala),fit=resname GLY", .emptySelection, mentioning: ["resname GLY", "fit"])
        expectError("rg:select=resname GLY", .emptySelection, mentioning: ["resname GLY"])
        expectError("rg:select=name (", .invalidArgument, mentioning: ["rg"])

        // A stored reference of another system, and a direct featurizer with a wrong reference.
        let stored = FeatureSpec.rmsd(RMSDSpec(reference: "gone.pdb", referencePositions: [Double](repeating: 0, count: 30)))
        #expect(throws: KineticsError(.mismatch, "rmsd: the stored reference has 10 atoms but the topology has 22; use a reference of the same system")) {
            try FeatureSet([stored], topology: topology)
        }
        do {
            _ = try RMSDFeaturizer(topology: topology, reference: [SIMD3<Double>](repeating: .zero, count: 5))
            Issue.record("a 5-atom reference should be refused")
        } catch let error as KineticsError {
            #expect(error.kind == .mismatch && error.problem.contains("5") && error.problem.contains("22"))
        }
        // Frames of another system.
        let rg = try RadiusOfGyrationFeaturizer(topology: topology)
        #expect(throws: KineticsError.self) { try rg.featurize(peptide.chunk) }
    }
}
