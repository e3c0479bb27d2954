import NeuralNet
import Trajectories

/// Distances in nm between pairs of atoms (pyEMMA's `add_distances`, MSMBuilder's
/// `AtomPairsFeaturizer`), optionally minimum-image in periodic frames.
public struct DistanceFeaturizer: Featurizer {
    public let atomCount: Int
    public let labels: [String]
    /// The atom pairs, one per feature.
    public let pairs: [(Int, Int)]
    public let periodic: Bool
    let kernel: PairDistanceKernel

    public var featureCount: Int { pairs.count }

    /// All pairs of the atoms of `selection` (the `AtomSelection` language), in ascending order
    /// (i < j, i major, as `itertools.combinations`), leaving out pairs whose residues are in the same
    /// chain and at most `excludeNeighbors` residues apart (0 keeps every pair; 2 for Cα atoms
    /// drops the i,i+1 and i,i+2 distances, which bonds and angles make nearly constant).
    public init(topology: Topology, selection: String, excludeNeighbors: Int = 0, periodic: Bool = true) throws {
        guard excludeNeighbors >= 0 else {
            throw KineticsError(.invalidArgument, "exclude must be 0 or more residues, got \(excludeNeighbors)")
        }
        let atoms = try topology.selectAtoms(selection, for: "distances")
        var pairs = [(Int, Int)]()
        for (k, i) in atoms.enumerated() {
            for j in atoms[(k + 1)...] {
                let (ri, rj) = (topology.atoms[i].residueIndex, topology.atoms[j].residueIndex)
                if excludeNeighbors > 0 && topology.areNeighbours(ri, rj, within: excludeNeighbors) { continue }
                pairs.append((i, j))
            }
        }
        guard !pairs.isEmpty else {
            throw KineticsError(.emptySelection,
                                "distances: the selection \"\(selection)\" gives no atom pair"
                                    + (excludeNeighbors > 0 ? " more than \(excludeNeighbors) residues apart" : "")
                                    + "; select more atoms or lower exclude")
        }
        try self.init(topology: topology, pairs: pairs, periodic: periodic)
    }

    /// Distances between the given pairs of atoms of `topology`.
    public init(topology: Topology, pairs: [(Int, Int)], periodic: Bool = true) throws {
        try checkAtomIndices(pairs.flatMap { [$0.0, $0.1] }, atomCount: topology.atomCount, what: "a distance pair")
        guard !pairs.isEmpty else { throw KineticsError(.emptySelection, "distances: no atom pair given") }
        atomCount = topology.atomCount
        self.pairs = pairs
        self.periodic = periodic
        labels = pairs.map { "dist \(topology.atomLabel($0.0)) - \(topology.atomLabel($0.1))" }
        kernel = PairDistanceKernel(pairs: pairs)
    }

    public func write(_ chunk: FrameChunk, into output: inout DoubleMatrix, column: Int) throws {
        try checkChunk(chunk)
        try kernel.fill(chunk, periodic: periodic, into: &output, column: column)
    }
}
