import Foundation
import Testing
import Trajectories

/// Random points and pairs in a box, with MDTraj's periodic distances for them.
struct MDTrajDistances: Decodable {
    var xyz: [[[Double]]]
    var box: [[[Double]]]
    var pairs: [[Int]]
    var distances: [[Double]]
}

/// Python: 4 frames of 60 random points (argv[1] "triclinic", "rectangular" or "skewed" cells,
/// points spread over more than one cell) and 300 random pairs; prints `mdtraj.compute_distances`
/// with periodic=True.
let mdtrajDistancesScript = """
import sys, json, numpy as np, mdtraj
kind, seed = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(seed)
top = mdtraj.Topology()
residue = top.add_residue('X', top.add_chain())
for _ in range(60): top.add_atom('C', mdtraj.element.carbon, residue)
lengths = np.array([[3.0 + 0.1 * i, 3.5, 4.0] for i in range(4)])
angles = {'rectangular': [90.0, 90.0, 90.0], 'triclinic': [70.0, 80.0, 110.0], 'skewed': [60.0, 60.0, 90.0]}[kind]
xyz = rng.uniform(-5, 9, (4, 60, 3)).astype(np.float32)
t = mdtraj.Trajectory(xyz, top, unitcell_lengths=lengths, unitcell_angles=np.array([angles] * 4))
pairs = rng.integers(0, 60, (300, 2))
d = mdtraj.compute_distances(t, pairs, periodic=True)
print(json.dumps({'xyz': xyz.astype(float).tolist(), 'box': t.unitcell_vectors.astype(float).tolist(),
                  'pairs': pairs.tolist(), 'distances': d.astype(float).tolist()}))
"""

/// Python: OpenMM's villin-in-water test.pdb saved by MDTraj as .h5 at argv[1] (topology with
/// bonds inside); prints the atom indices MDTraj selects as 'not water' and as 'not water and not
/// resname Cl' and the number of atoms.
let villinScript = """
import sys, os, json, mdtraj, openmm.app
t = mdtraj.load(os.path.join(os.path.dirname(openmm.app.__file__), 'data', 'test.pdb'))
t.save_hdf5(sys.argv[1])
top = t.topology
print(json.dumps({'atoms': t.n_atoms, 'notWater': top.select('not water').tolist(),
                  'notWaterNotIons': top.select('not water and not resname Cl').tolist()}))
"""

struct VillinSelections: Decodable {
    var atoms: Int
    var notWater: [Int]
    var notWaterNotIons: [Int]
}

/// Python: loads argv[1] with MDTraj, makes molecules whole and prints the coordinates.
let mdtrajMakeWholeScript = """
import sys, json, mdtraj
t = mdtraj.load(sys.argv[1])
t.make_molecules_whole(inplace=True)
print(json.dumps(t.xyz.astype(float).tolist()))
"""

@Suite("Periodic utilities: minimum image, whole molecules, solvent stripping")
struct PeriodicTests {
    @Test("minimum-image distances agree with mdtraj.compute_distances(periodic=True)",
          arguments: ["rectangular", "triclinic", "skewed"])
    func distancesMatchMDTraj(kind: String) throws {
        let reference = try decodeJSON(MDTrajDistances.self, from: try runPython(mdtrajDistancesScript, [kind, "17"]))
        let positions = reference.xyz.flatMap { $0.flatMap { $0.map(Float.init) } }
        let boxes = reference.box.map { Box(a: SIMD3($0[0][0], $0[0][1], $0[0][2]), b: SIMD3($0[1][0], $0[1][1], $0[1][2]),
                                            c: SIMD3($0[2][0], $0[2][1], $0[2][2])) }
        let chunk = FrameChunk(atomCount: 60, positions: positions, times: [0, 1, 2, 3], boxes: boxes)
        let pairs = reference.pairs.map { ($0[0], $0[1]) }
        let distances = try MinimumImage.distances(in: chunk, pairs: pairs)
        let expected = reference.distances.flatMap { $0 }
        #expect(distances.count == expected.count)
        let worst = zip(distances, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "largest difference from MDTraj \(worst) nm")
        // The points span several cells, so plain distances differ: the comparison sees the imaging.
        let first = chunk.frame(0)
        let imaged = zip(pairs, distances).contains { pair, d in
            let v = first.positions[pair.1] - first.positions[pair.0]
            return abs((v * v).sum().squareRoot() - d) > 0.1
        }
        #expect(imaged)
    }

    @Test("the minimum image equals a brute-force search over many images, for skewed and rotated cells")
    func bruteForce() throws {
        var generator = SystemRandomNumberGenerator()
        func random(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &generator) }
        for trial in 0 ..< 120 {
            // Lower-triangular cells, deliberately unreduced (b and c leaning by up to 1.5 box lengths).
            let a = SIMD3(random(2 ... 4), 0, 0)
            let b = SIMD3(random(-1.5 ... 1.5) * a.x, random(2 ... 4), 0)
            let c = SIMD3(random(-1.5 ... 1.5) * a.x, random(-1.5 ... 1.5) * b.y, random(2 ... 4))
            // The same cell rotated out of the triangular form, which takes the general path.
            let angle = random(0 ... 6.2), axis = SIMD3(random(-1 ... 1), random(-1 ... 1), random(0.1 ... 1))
            let u = axis / (axis * axis).sum().squareRoot()
            func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
                let cross = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
                return v * cos(angle) + cross * sin(angle) + u * (u * v).sum() * (1 - cos(angle))
            }
            let cell = try PeriodicCell(Box(a: a, b: b, c: c))
            let rotated = try PeriodicCell(Box(a: rotate(a), b: rotate(b), c: rotate(c)))
            for _ in 0 ..< 10 {
                let d = SIMD3(random(-9 ... 9), random(-9 ... 9), random(-9 ... 9))
                // Exhaustive search in a window of 13 images per vector around the nearest multiple,
                // taken in the triangular order so that the window follows the skew.
                var best = Double.infinity
                let k0 = (-d.z / c.z).rounded()
                for k in -6 ... 6 {
                    let dk = d + c * (k0 + Double(k))
                    let j0 = (-dk.y / b.y).rounded()
                    for j in -6 ... 6 {
                        let dj = dk + b * (j0 + Double(j))
                        let i0 = (-dj.x / a.x).rounded()
                        for i in -6 ... 6 {
                            let image = dj + a * (i0 + Double(i))
                            best = min(best, (image * image).sum())
                        }
                    }
                }
                for (label, reduced, original, lattice) in [("triangular", cell.minimumImage(d), d, cell),
                                                             ("rotated", rotated.minimumImage(rotate(d)), rotate(d), rotated)] {
                    #expect(abs((reduced * reduced).sum().squareRoot() - best.squareRoot()) < 1e-9,
                            "trial \(trial) \(label): \(original) gave \(reduced), brute force length \(best.squareRoot())")
                    // And it is an image: the difference is a whole number of box vectors.
                    let n = lattice.fractional(reduced - original)
                    #expect(abs(n.x - n.x.rounded()) < 1e-6 && abs(n.y - n.y.rounded()) < 1e-6 && abs(n.z - n.z.rounded()) < 1e-6)
                }
            }
        }
    }

    /// Reads a .h5 file MDTraj wrote: its topology and all frames.
    func readH5(_ path: String) throws -> (Topology, FrameChunk) {
        let reader = try MDTrajHDF5Reader(path: path)
        return (try #require(reader.topology), try reader.readAll())
    }

    /// Moves every atom of every frame by a random lattice vector of its frame's box.
    func scatter(_ chunk: FrameChunk) -> FrameChunk {
        var broken = chunk
        var generator = SystemRandomNumberGenerator()
        let boxes = chunk.boxes ?? []
        for frame in 0 ..< chunk.frameCount {
            let box = boxes[frame]
            for atom in 0 ..< chunk.atomCount {
                let n = (0 ..< 3).map { _ in Double(Int.random(in: -1 ... 2, using: &generator)) }
                let shift = box.a * n[0] + box.b * n[1] + box.c * n[2]
                let o = (frame * chunk.atomCount + atom) * 3
                broken.positions[o] += Float(shift.x); broken.positions[o + 1] += Float(shift.y); broken.positions[o + 2] += Float(shift.z)
            }
        }
        return broken
    }

    func bondLengths(_ chunk: FrameChunk, _ topology: Topology) -> [Double] {
        (0 ..< chunk.frameCount).flatMap { frame in
            let f = chunk.frame(frame)
            return topology.bonds.map { bond in
                let d = f.positions[bond.second] - f.positions[bond.first]
                return (d * d).sum().squareRoot()
            }
        }
    }

    @Test("makeWhole restores every bond of alanine dipeptide scattered over cells, as MDTraj does")
    func makeWholeAlanine() throws {
        let workspace = try Workspace()
        let whole = workspace.path("whole.h5"), broken = workspace.path("broken.h5")
        try runPython("""
        import sys, numpy as np, mdtraj
        t = mdtraj.load(sys.argv[1])
        n = 3
        xyz = np.repeat(t.xyz, n, axis=0) + np.array([0.5, 1.0, 1.5], dtype=np.float32)
        mdtraj.Trajectory(xyz, t.topology, time=np.arange(n), unitcell_lengths=[[1.6, 1.7, 1.8]] * n,
                          unitcell_angles=[[75.0, 85.0, 105.0]] * n).save_hdf5(sys.argv[2])
        """, [Repository.alanineDipeptidePDB, whole])
        let (topology, original) = try readH5(whole)
        #expect(topology.bonds.count == 21)
        let scattered = scatter(original)
        let brokenLengths = bondLengths(scattered, topology), originalLengths = bondLengths(original, topology)
        #expect(zip(brokenLengths, originalLengths).contains { abs($0 - $1) > 0.5 }, "the scattering must break bonds")

        var repaired = scattered
        let unwrapper = try MoleculeUnwrapper(topology: topology)
        #expect(unwrapper.molecules.count == 1 && unwrapper.unbondedAtoms.isEmpty)
        try unwrapper.makeWhole(&repaired)
        let worst = zip(bondLengths(repaired, topology), originalLengths).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "bond lengths differ from the originals by up to \(worst) nm")
        #expect(Array(repaired.positions[0 ..< 3]) == Array(scattered.positions[0 ..< 3]), "the first atom anchors the molecule")

        // MDTraj's make_molecules_whole on the same scattered frames (written by lss) agrees.
        let writer = try MDTrajHDF5Writer(path: broken, atomCount: topology.atomCount, topology: topology)
        try writer.write(scattered)
        try writer.close()
        let reference = try decodeJSON([[[Double]]].self, from: try runPython(mdtrajMakeWholeScript, [broken]))
        #expect(maxDifference(repaired.positions, reference) < 1e-5)
    }

    @Test("villin in water: makeWhole matches MDTraj, wrapped centres land in the cell, bond lengths survive")
    func villinWholeAndWrapped() throws {
        let workspace = try Workspace()
        let villin = workspace.path("villin.h5"), broken = workspace.path("broken.h5")
        _ = try runPython(villinScript, [villin])
        let (topology, original) = try readH5(villin)
        let scattered = scatter(original)
        var repaired = scattered
        let unwrapper = try MoleculeUnwrapper(topology: topology)
        #expect(unwrapper.molecules.count == 1 + 2761, "one protein and 2761 waters")
        #expect(unwrapper.unbondedAtoms.count == 2, "the two chloride ions")
        try unwrapper.makeWhole(&repaired)
        let originalLengths = bondLengths(original, topology)
        let worst = zip(bondLengths(repaired, topology), originalLengths).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "bond lengths differ by up to \(worst) nm")

        let writer = try MDTrajHDF5Writer(path: broken, atomCount: topology.atomCount, topology: topology)
        try writer.write(scattered)
        try writer.close()
        let reference = try decodeJSON([[[Double]]].self, from: try runPython(mdtrajMakeWholeScript, [broken]))
        #expect(maxDifference(repaired.positions, reference) < 1e-5)

        var wrapped = scattered
        try unwrapper.makeWhole(&wrapped, wrapCentres: true)
        let wrappedLengths = bondLengths(wrapped, topology)
        #expect((zip(wrappedLengths, originalLengths).map { abs($0 - $1) }.max() ?? .infinity) < 1e-4)
        let cell = try PeriodicCell(try #require(original.boxes?.first))
        let frame = wrapped.frame(0)
        for molecule in unwrapper.molecules + unwrapper.unbondedAtoms.map({ [$0] }) {
            let centre = molecule.reduce(SIMD3<Double>()) { $0 + frame.positions[$1] } / Double(molecule.count)
            let s = cell.fractional(centre)
            #expect(s.min() > -1e-5 && s.max() < 1 + 1e-5, "molecule at \(molecule[0]) has its centre at fractional \(s)")
        }
    }

    @Test("solvent stripping of villin keeps exactly what MDTraj selects as not water and not ions")
    func stripVillin() throws {
        let workspace = try Workspace()
        let villin = workspace.path("villin.h5")
        let selections = try decodeJSON(VillinSelections.self, from: try runPython(villinScript, [villin]))
        let (topology, chunk) = try readH5(villin)
        #expect(topology.atomCount == selections.atoms)

        let (kept, stripped) = SolventStripping().strip(topology)
        #expect(kept == selections.notWaterNotIons)
        #expect(kept.count == 582)
        #expect(stripped.atomCount == 582 && Set(stripped.residues.map(\.name)).isDisjoint(with: ["HOH", "Cl"]))
        #expect(SolventStripping(removesIons: false).retainedAtoms(of: topology) == selections.notWater)

        let (strippedChunk, strippedTopology) = try SolventStripping().strip(chunk, topology: topology)
        #expect(strippedTopology == stripped)
        #expect(strippedChunk.atomCount == 582 && chunk.atomCount == selections.atoms, "the full system is untouched")
        for (newIndex, oldIndex) in kept.enumerated() {
            #expect(strippedChunk.positions[newIndex * 3 ..< newIndex * 3 + 3] == chunk.positions[oldIndex * 3 ..< oldIndex * 3 + 3])
        }
        #expect(strippedTopology.bonds.count == topology.bonds.count - 2 * 2761, "the protein keeps all its bonds")
    }

    @Test("misuse throws PeriodicError instead of trapping")
    func errors() throws {
        let chunk = FrameChunk(atomCount: 2, positions: [0, 0, 0, 1, 1, 1], times: [0])
        #expect(throws: PeriodicError.self) { try MinimumImage.distances(in: chunk, pairs: [(0, 2)]) }
        #expect(throws: PeriodicError.self) { try MinimumImage.distances(in: chunk, frame: 1, pairs: [(0, 1)]) }
        #expect(try MinimumImage.distances(in: chunk, pairs: [(0, 1)]) == [Double(3).squareRoot()])
        #expect(throws: PeriodicError.self) { try PeriodicCell(Box(rectangular: 1, 0, 1)) }
        let topology = Topology(chains: [.init(id: "A")], residues: [.init(name: "X", number: 1, chainIndex: 0)],
                                atoms: [.init(name: "A", element: nil, residueIndex: 0), .init(name: "B", element: nil, residueIndex: 0)],
                                bonds: [.init(0, 1)])
        var noBox = chunk
        #expect(throws: PeriodicError.self) { try MoleculeUnwrapper(topology: topology).makeWhole(&noBox) }
        var badBonds = topology
        badBonds.bonds = [.init(0, 5)]
        #expect(throws: PeriodicError.self) { try MoleculeUnwrapper(topology: badBonds) }
        #expect(throws: PeriodicError.self) { try SolventStripping().strip(chunk.selecting(atoms: [0]), topology: topology) }
    }
}
