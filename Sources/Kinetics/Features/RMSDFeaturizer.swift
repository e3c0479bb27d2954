import NeuralNet
import Trajectories

/// RMSD in nm of each frame to a reference structure after optimal superposition: one feature,
/// a fixed-space coordinate for convergence checks (DESIGN.md §4, "RMSD to a reference").
///
/// Each frame is moved by the proper rigid motion that best superposes its `fitAtoms` on the
/// reference's (Kabsch; `RMSDReference`), and the RMSD is then measured over `atoms`:
/// RMSD² = Σ wᵢ |R xᵢ + t − yᵢ|² / Σ wᵢ over the measured atoms. When the two sets are the same
/// this is `mdtraj.rmsd(traj, reference, atom_indices=atoms)`; when they differ it is MDTraj's
/// `superpose(reference, atom_indices=fitAtoms)` followed by the RMSD over `atoms` without a
/// new fit (e.g. fit on the backbone, measure a ligand or the side chains). Weights are 1, or
/// the atoms' masses when `massWeighted` (mass-weighted fit and mass-weighted mean).
/// Not periodic: the frames must hold whole molecules.
public struct RMSDFeaturizer: Featurizer {
    public let atomCount: Int
    public let labels: [String]
    public var featureCount: Int { 1 }
    /// Atoms the RMSD is measured over.
    public let atoms: [Int]
    /// Atoms the superposition is fitted on (equal to `atoms` unless a fit selection was given).
    public let fitAtoms: [Int]
    public let massWeighted: Bool
    let fit: RMSDReference
    /// The reference positions of `atoms` and their weights, when they are not the fit atoms
    /// (the RMSD then needs each frame's transform instead of the fit's eigenvalue).
    let measured: (reference: [SIMD3<Double>], weights: [Double]?, total: Double)?

    /// - Parameters:
    ///   - reference: the reference structure, one position per atom of `topology` (nm).
    ///   - selection: atoms to measure (an `AtomSelection` text); "backbone" by default.
    ///   - fitSelection: atoms to superpose on; nil for the measured atoms.
    ///   - massWeighted: weight fit and RMSD by the atoms' masses (`Geometry.masses`).
    public init(topology: Topology, reference: [SIMD3<Double>], selection: String = "backbone",
                fitSelection: String? = nil, massWeighted: Bool = false) throws {
        guard reference.count == topology.atomCount else {
            throw KineticsError(.mismatch, "rmsd: the reference structure has \(reference.count) atoms but the topology has \(topology.atomCount); use a reference of the same system")
        }
        let atoms = try topology.selectAtoms(selection, for: "rmsd select")
        let fitAtoms = try fitSelection.map { try topology.selectAtoms($0, for: "rmsd fit") } ?? atoms
        let fitWeights = massWeighted ? try Geometry.masses(of: fitAtoms, in: topology) : nil
        fit = try RMSDReference(positions: reference, atoms: fitAtoms, weights: fitWeights)
        if fitAtoms == atoms {
            measured = nil
        } else {
            let weights = massWeighted ? try Geometry.masses(of: atoms, in: topology) : nil
            measured = (atoms.map { reference[$0] }, weights, weights?.reduce(0, +) ?? Double(atoms.count))
        }
        atomCount = topology.atomCount
        self.atoms = atoms
        self.fitAtoms = fitAtoms
        self.massWeighted = massWeighted
        labels = ["rmsd \(selection)"]
    }

    public func write(_ chunk: FrameChunk, into output: inout DoubleMatrix, column: Int) throws {
        try checkChunk(chunk)
        let stride = output.cols
        guard let measured else {
            let values = try fit.rmsd(chunk)
            for (frame, value) in values.enumerated() { output.values[frame * stride + column] = value }
            return
        }
        let motions = try fit.transforms(chunk)
        try output.values.withUnsafeMutableBufferPointer { out in
            try measured.reference.withUnsafeBufferPointer { reference in
                try chunk.forEachFrame(periodic: false) { frame, index, _ in
                    let motion = motions[index]
                    var sum = 0.0
                    for (k, atom) in atoms.enumerated() {
                        let d = motion.apply(frame.point(atom)) - reference[k]
                        sum += dot3(d, d) * (measured.weights?[k] ?? 1)
                    }
                    out[index * stride + column] = (sum / measured.total).squareRoot()
                }
            }
        }
    }
}

/// Settings of the RMSD to a reference (`RMSDFeaturizer`), stored like `NativeContactsSpec`: the
/// reference path as given, and its positions once resolved so a saved spec needs no file.
public struct RMSDSpec: Codable, Equatable, Sendable {
    /// The reference structure's path as the user gave it (any trajectory format; frame 0).
    public var reference: String
    /// The reference frame's positions (x, y, z per atom, nm), filled in when a `FeatureSet` is
    /// built.
    public var referencePositions: [Double]?
    /// Atoms the RMSD is measured over.
    public var selection: String
    /// Atoms the superposition is fitted on; nil for `selection`.
    public var fitSelection: String?
    public var massWeighted: Bool

    /// The default measured selection.
    public static let defaultSelection = "backbone"

    public init(reference: String, referencePositions: [Double]? = nil, selection: String = RMSDSpec.defaultSelection,
                fitSelection: String? = nil, massWeighted: Bool = false) {
        self.reference = reference
        self.referencePositions = referencePositions
        self.selection = selection
        self.fitSelection = fitSelection
        self.massWeighted = massWeighted
    }

    /// The featurizer, reading the reference file unless its positions are stored.
    func makeFeaturizer(topology: Topology) throws -> RMSDFeaturizer {
        let flat = try referencePositions ?? readReferencePositions(reference, atomCount: topology.atomCount, feature: "rmsd")
        guard flat.count == 3 * topology.atomCount else {
            throw KineticsError(.mismatch, "rmsd: the stored reference has \(flat.count / 3) atoms but the topology has \(topology.atomCount); use a reference of the same system")
        }
        let points = (0 ..< topology.atomCount).map { SIMD3(flat[3 * $0], flat[3 * $0 + 1], flat[3 * $0 + 2]) }
        return try RMSDFeaturizer(topology: topology, reference: points, selection: selection,
                                  fitSelection: fitSelection, massWeighted: massWeighted)
    }
}
