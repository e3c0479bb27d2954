import Foundation
import NeuralNet
import Trajectories

/// Internal coordinates of the frames of a `FrameChunk`, in Float64 from its Float32 positions.
///
/// Results are frames × items `DoubleMatrix`es in nm and radians. With `periodic` true and a chunk
/// that has boxes, every displacement is reduced to its minimum image in that frame's cell (any
/// triclinic cell, through `PeriodicCell`); without boxes the geometry is plain Euclidean, as in
/// MDTraj's `compute_distances`, `compute_angles` and `compute_dihedrals` with `periodic=True`.
public enum Geometry {
    /// Distances in nm between the atoms of each pair (`mdtraj.compute_distances`).
    public static func distances(_ chunk: FrameChunk, pairs: [(Int, Int)], periodic: Bool = true) throws -> DoubleMatrix {
        try checkAtomIndices(pairs.flatMap { [$0.0, $0.1] }, atomCount: chunk.atomCount, what: "a distance pair")
        let kernel = PairDistanceKernel(pairs: pairs)
        var result = DoubleMatrix(rows: chunk.frameCount, cols: pairs.count)
        try kernel.fill(chunk, periodic: periodic, into: &result, column: 0)
        return result
    }

    /// Angles in radians, in [0, π], at the middle atom of each triple (`mdtraj.compute_angles`).
    /// Computed as atan2(|u × v|, u · v), which keeps full precision near 0 and π where acos loses it.
    public static func angles(_ chunk: FrameChunk, triples: [(Int, Int, Int)], periodic: Bool = true) throws -> DoubleMatrix {
        let flat = triples.flatMap { [$0.0, $0.1, $0.2] }
        try checkAtomIndices(flat, atomCount: chunk.atomCount, what: "an angle triple")
        let kernel = AngleKernel(triples: flat)
        var result = DoubleMatrix(rows: chunk.frameCount, cols: triples.count)
        try kernel.fill(chunk, periodic: periodic, into: &result, column: 0)
        return result
    }

    /// Dihedral angles in radians, in (−π, π], of each quartet, with MDTraj's sign convention
    /// (`mdtraj.compute_dihedrals`): with b1 = x1 − x0, b2 = x2 − x1, b3 = x3 − x2,
    /// φ = atan2(|b2| b1 · (b2 × b3), (b1 × b2) · (b2 × b3)) (Blondel & Karplus, J. Comput. Chem.
    /// 17, 1132 (1996)); the IUPAC convention, positive for a clockwise turn seen along b2.
    public static func dihedrals(_ chunk: FrameChunk, quartets: [(Int, Int, Int, Int)], periodic: Bool = true) throws -> DoubleMatrix {
        let flat = quartets.flatMap { [$0.0, $0.1, $0.2, $0.3] }
        try checkAtomIndices(flat, atomCount: chunk.atomCount, what: "a dihedral quartet")
        let kernel = DihedralKernel(quartets: flat, output: .angle)
        var result = DoubleMatrix(rows: chunk.frameCount, cols: quartets.count)
        try kernel.fill(chunk, periodic: periodic, into: &result, column: 0)
        return result
    }

    /// Radius of gyration in nm of each frame over `atoms` (all atoms when nil):
    /// Rg² = Σ wᵢ |xᵢ − x̄_w|² / Σ wᵢ with x̄_w the weighted centre. Without `masses` every atom
    /// weighs the same (`mdtraj.compute_rg` with `masses=None`); with them (one per selected atom,
    /// in g/mol) it is the mass-weighted radius about the centre of mass. (MDTraj's
    /// `compute_rg(masses=...)` weights the squared distances but measures them from the
    /// unweighted centre, which is not the mass-weighted radius; lss follows the definition.)
    /// Not periodic: make molecules whole first.
    public static func radiusOfGyration(_ chunk: FrameChunk, atoms: [Int]? = nil, masses: [Double]? = nil) throws -> [Double] {
        let selected = atoms ?? Array(0 ..< chunk.atomCount)
        guard !selected.isEmpty else {
            throw KineticsError(.emptySelection, "the radius of gyration needs at least one atom; the selection is empty")
        }
        try checkAtomIndices(selected, atomCount: chunk.atomCount, what: "the radius of gyration")
        let weights = try validatedWeights(masses, count: selected.count, what: "masses")
        let total = weights?.reduce(0, +) ?? Double(selected.count)
        var result = [Double](repeating: 0, count: chunk.frameCount)
        try chunk.forEachFrame(periodic: false) { frame, index, _ in
            var centre = SIMD3<Double>(repeating: 0)
            for (k, atom) in selected.enumerated() { centre += frame.point(atom) * (weights?[k] ?? 1) }
            centre /= total
            var sum = 0.0
            for (k, atom) in selected.enumerated() {
                let d = frame.point(atom) - centre
                sum += dot3(d, d) * (weights?[k] ?? 1)
            }
            result[index] = (sum / total).squareRoot()
        }
        return result
    }

    /// The masses of the listed atoms from a topology: the file's mass, else the element's; throws
    /// when an atom has neither (a virtual site without a mass cannot be weighted).
    public static func masses(of atoms: [Int], in topology: Topology) throws -> [Double] {
        try atoms.map { index in
            guard topology.atoms.indices.contains(index) else {
                throw KineticsError(.invalidArgument, "atom \(index) is not in a topology of \(topology.atomCount) atoms")
            }
            let atom = topology.atoms[index]
            guard let mass = atom.mass ?? atom.element?.mass, mass > 0 else {
                throw KineticsError(.invalidArgument,
                                    "atom \(index) (\(atom.name)) has no mass and no known element; give masses explicitly or leave it out")
            }
            return mass
        }
    }

    static func validatedWeights(_ weights: [Double]?, count: Int, what: String) throws -> [Double]? {
        guard let weights else { return nil }
        guard weights.count == count else {
            throw KineticsError(.mismatch, "\(weights.count) \(what) for \(count) atoms; give one per selected atom")
        }
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
            throw KineticsError(.invalidArgument, "\(what) must be finite, non-negative and not all zero")
        }
        return weights
    }
}
