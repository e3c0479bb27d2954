import Foundation
import Kinetics
import NeuralNet
import TestSupport
import Trajectories

/// Test data shared by the geometry and feature suites: the alanine dipeptide with jittered
/// frames, the generated 20-residue peptide, periodic copies of both, and MDTraj's answers.
enum GeometryFixtures {
    struct System {
        var topology: Topology
        var chunk: FrameChunk
        /// A PDB file of the topology that MDTraj loads.
        var topologyPath: String
    }

    /// Alanine dipeptide (../shared/data) with `frames` frames: the file's structure plus
    /// Gaussian-like jitter of 0.02 nm per coordinate (deterministic).
    static func alanineDipeptide(frames: Int = 8) throws -> System {
        let reader = try PDBReader(path: Repository.alanineDipeptidePDB)
        defer { reader.close() }
        guard let topology = reader.topology else { throw KineticsError(.invalidArgument, "no topology in the fixture") }
        let first = try reader.readAll()
        var random = SplitMix64(seed: 7)
        var positions = [Float]()
        for frame in 0 ..< frames {
            for value in first.positions {
                let jitter = frame == 0 ? 0 : (random.uniform() + random.uniform() + random.uniform() - 1.5) * 0.04
                positions.append(value + Float(jitter))
            }
        }
        let chunk = FrameChunk(atomCount: first.atomCount, positions: positions, times: (0 ..< frames).map(Double.init))
        return System(topology: topology, chunk: chunk, topologyPath: Repository.alanineDipeptidePDB)
    }

    /// The 20-residue peptide of Fixtures/peptide.pdb, made by
    /// `python3 make_peptide.py peptide.pdb 12 2013` (12 frames: a helix, then ever noisier
    /// torsions).
    static func peptide() throws -> System {
        let path = Repository.fixtures(of: "KineticsTests").appendingPathComponent("peptide.pdb").path
        let reader = try PDBReader(path: path)
        defer { reader.close() }
        guard let topology = reader.topology else { throw KineticsError(.invalidArgument, "no topology in the fixture") }
        return System(topology: topology, chunk: try reader.readAll(), topologyPath: path)
    }

    /// The same frames in random triclinic boxes (edges 2–3 nm, angles 65–115°), every atom
    /// moved into the primary cell on its own, so molecules are broken across the boundaries and
    /// only minimum-image geometry gives the right answer.
    static func wrappedInTriclinicBoxes(_ chunk: FrameChunk, seed: UInt64 = 11) throws -> FrameChunk {
        var random = SplitMix64(seed: seed)
        var boxes = [Box](), positions = chunk.positions
        for frame in 0 ..< chunk.frameCount {
            let lengths = SIMD3((0 ..< 3).map { _ in 2.0 + random.uniform() })
            let angles = SIMD3((0 ..< 3).map { _ in 65.0 + 50.0 * random.uniform() })
            let box = Box(lengths: SIMD3(lengths[0], lengths[1], lengths[2]), angles: SIMD3(angles[0], angles[1], angles[2]))
            let cell = try PeriodicCell(box)
            boxes.append(box)
            for atom in 0 ..< chunk.atomCount {
                let o = (frame * chunk.atomCount + atom) * 3
                let p = SIMD3(Double(positions[o]), Double(positions[o + 1]), Double(positions[o + 2]))
                let q = p + cell.shiftIntoPrimaryCell(p)
                positions[o] = Float(q.x); positions[o + 1] = Float(q.y); positions[o + 2] = Float(q.z)
            }
        }
        return FrameChunk(atomCount: chunk.atomCount, positions: positions, times: chunk.times, boxes: boxes)
    }

    /// Random distinct atom tuples.
    static func randomTuples(_ count: Int, size: Int, atoms: Int, seed: UInt64) -> [[Int]] {
        var random = SplitMix64(seed: seed)
        return (0 ..< count).map { _ in
            var tuple = [Int]()
            while tuple.count < size {
                let atom = random.below(atoms)
                if !tuple.contains(atom) { tuple.append(atom) }
            }
            return tuple
        }
    }
}

/// What MDTraj computes on the same frames (`mdtrajGeometryScript`).
struct MDTrajGeometry: Decodable {
    struct Torsions: Decodable {
        var indices: [[Int]]
        var values: [[Double]]
    }

    struct Contacts: Decodable {
        var pairs: [[Int]]
        var values: [[Double]]
    }

    var distances: [[Double]]
    var angles: [[Double]]
    var dihedrals: [[Double]]
    var phi: Torsions
    var psi: Torsions
    var omega: Torsions
    var chi1: Torsions
    var rmsd: [Double]
    var rmsdMass: [Double]
    var rmsdPlain: [Double]
    var rg: [Double]
    var rgMass: [Double]
    var closestHeavy: Contacts?
    var alphaCarbon: Contacts?
    var q: [Double]?
    var qCount: Int?

    /// Runs MDTraj (and, for Q and the weighted Kabsch, NumPy formulas) on `chunk` with the
    /// topology file `topologyPath`.
    static func compute(topologyPath: String, chunk: FrameChunk, pairs: [[Int]], triples: [[Int]], quartets: [[Int]],
                        fitAtoms: [Int], fitMasses: [Double], allMasses: [Double]) throws -> MDTrajGeometry {
        let workspace = try Workspace("mdtraj-geometry")
        var input: [String: Any] = [
            "frames": chunk.frameCount, "xyz": chunk.positions.map(Double.init), "pairs": pairs, "triples": triples,
            "quartets": quartets, "fit": fitAtoms, "masses": fitMasses, "masses_all": allMasses,
        ]
        if let boxes = chunk.boxes { input["box"] = boxes.flatMap { [$0.a, $0.b, $0.c].flatMap { [$0.x, $0.y, $0.z] } } }
        let path = workspace.path("input.json")
        try JSONSerialization.data(withJSONObject: input).write(to: URL(fileURLWithPath: path))
        let output = try runPython(mdtrajGeometryScript, [topologyPath, path])
        return try decodeJSON(MDTrajGeometry.self, from: output)
    }
}

/// Python: MDTraj's geometry on the frames in argv[2] (JSON) with the topology argv[1].
let mdtrajGeometryScript = """
import json, sys
import numpy as np, mdtraj as md
top_path, data_path = sys.argv[1], sys.argv[2]
data = json.load(open(data_path))
top = md.load(top_path).topology
n = data['frames']
t = md.Trajectory(np.array(data['xyz'], dtype=np.float32).reshape(n, top.n_atoms, 3), top)
if data.get('box') is not None:
    t.unitcell_vectors = np.array(data['box'], dtype=np.float32).reshape(n, 3, 3)
def arr(x): return np.asarray(x, dtype=float).tolist()
out = {}
out['distances'] = arr(md.compute_distances(t, np.array(data['pairs'], dtype=int).reshape(-1, 2)))
out['angles'] = arr(md.compute_angles(t, np.array(data['triples'], dtype=int).reshape(-1, 3)))
out['dihedrals'] = arr(md.compute_dihedrals(t, np.array(data['quartets'], dtype=int).reshape(-1, 4)))
for name, f in [('phi', md.compute_phi), ('psi', md.compute_psi), ('omega', md.compute_omega), ('chi1', md.compute_chi1)]:
    idx, val = f(t)
    out[name] = {'indices': np.asarray(idx, dtype=int).reshape(-1, 4).tolist(), 'values': arr(val)}
fit = np.array(data['fit'], dtype=int)
out['rmsd'] = arr(md.rmsd(t, t, 0, atom_indices=fit))
w = np.array(data['masses'], dtype=float)
def kabsch_rmsd(X, Y, w):
    xc = X - (w[:, None] * X).sum(0) / w.sum()
    yc = Y - (w[:, None] * Y).sum(0) / w.sum()
    U, S, Vt = np.linalg.svd((w[:, None] * xc).T @ yc)
    d = np.sign(np.linalg.det(Vt.T @ U.T))
    R = Vt.T @ np.diag([1.0, 1.0, d]) @ U.T
    diff = xc @ R.T - yc
    return float(np.sqrt((w * (diff ** 2).sum(1)).sum() / w.sum()))
xyz = t.xyz.astype(float)
out['rmsdMass'] = [kabsch_rmsd(xyz[i][fit], xyz[0][fit], w) for i in range(n)]
out['rmsdPlain'] = [kabsch_rmsd(xyz[i][fit], xyz[0][fit], np.ones(len(fit))) for i in range(n)]
out['rg'] = arr(md.compute_rg(t))
# MDTraj's compute_rg(masses=...) weights the squared distances but centres on the unweighted
# mean; the mass-weighted radius proper centres on the centre of mass, so it is computed here.
m = np.array(data['masses_all'], dtype=float)
com = (xyz * m[None, :, None]).sum(1) / m.sum()
out['rgMass'] = np.sqrt((((xyz - com[:, None, :]) ** 2).sum(2) * m).sum(1) / m.sum()).tolist()
for key, scheme in [('closestHeavy', 'closest-heavy'), ('alphaCarbon', 'ca')]:
    try:
        d, p = md.compute_contacts(t, scheme=scheme)
        out[key] = {'pairs': np.asarray(p, dtype=int).tolist(), 'values': arr(d)}
    except ValueError:
        out[key] = None
heavy = [a.index for a in top.atoms if a.element.symbol != 'H']
hp = np.array([(i, j) for k, i in enumerate(heavy) for j in heavy[k + 1:]
               if abs(top.atom(i).residue.index - top.atom(j).residue.index) > 3], dtype=int).reshape(-1, 2)
if len(hp):
    r0 = md.compute_distances(t[0], hp, periodic=False)[0]
    native = hp[r0 < 0.45]
    if len(native):
        r = md.compute_distances(t, native, periodic=False)
        r0n = md.compute_distances(t[0], native, periodic=False)[0]
        out['q'] = arr(np.mean(1.0 / (1.0 + np.exp(50.0 * (r - 1.8 * r0n))), axis=1))
        out['qCount'] = int(len(native))
print(json.dumps(out))
"""

/// The largest absolute difference between a matrix and nested reference rows (∞ on a shape mismatch).
func maxDifference(_ matrix: DoubleMatrix, _ reference: [[Double]], angular: Bool = false) -> Double {
    guard reference.count == matrix.rows, reference.allSatisfy({ $0.count == matrix.cols }) else { return .infinity }
    var worst = 0.0
    for (i, row) in reference.enumerated() {
        for (j, value) in row.enumerated() {
            var d = abs(matrix[i, j] - value)
            if angular { d = min(d, 2 * Double.pi - d) }
            worst = max(worst, d)
        }
    }
    return worst
}

func maxDifference(_ values: [Double], _ reference: [Double]) -> Double {
    guard values.count == reference.count else { return .infinity }
    return zip(values, reference).map { abs($0 - $1) }.max() ?? 0
}
