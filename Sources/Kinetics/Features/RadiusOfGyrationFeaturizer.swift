import NeuralNet
import Trajectories

/// Radius of gyration in nm of a selection in each frame: one feature (`Geometry.radiusOfGyration`).
///
/// Rg² = Σ wᵢ |xᵢ − x̄_w|² / Σ wᵢ about the weighted centre x̄_w. Unweighted it is
/// `mdtraj.compute_rg` of the selected atoms; mass-weighted it is the radius about the centre of
/// mass (which MDTraj's `compute_rg(masses=)` is not; see `Geometry.radiusOfGyration`).
/// Not periodic: the frames must hold whole molecules.
public struct RadiusOfGyrationFeaturizer: Featurizer {
    public let atomCount: Int
    public let labels: [String]
    public var featureCount: Int { 1 }
    /// The selected atoms.
    public let atoms: [Int]
    /// Their masses when mass-weighted, else nil.
    public let masses: [Double]?

    /// - Parameters:
    ///   - selection: an `AtomSelection` text; "all" for every atom.
    ///   - massWeighted: weight by the atoms' masses (`Geometry.masses`).
    public init(topology: Topology, selection: String = "all", massWeighted: Bool = false) throws {
        atoms = try topology.selectAtoms(selection, for: "rg")
        masses = massWeighted ? try Geometry.masses(of: atoms, in: topology) : nil
        atomCount = topology.atomCount
        labels = ["rg \(selection)"]
    }

    public func write(_ chunk: FrameChunk, into output: inout DoubleMatrix, column: Int) throws {
        try checkChunk(chunk)
        let values = try Geometry.radiusOfGyration(chunk, atoms: atoms, masses: masses)
        for (frame, value) in values.enumerated() { output.values[frame * output.cols + column] = value }
    }
}
