import NeuralNet
import Trajectories

/// How the distance between two residues is measured (`mdtraj.compute_contacts` schemes).
public enum ContactScheme: String, Codable, Sendable, CaseIterable {
    /// The smallest distance between their heavy (non-hydrogen) atoms.
    case closestHeavy = "closest-heavy"
    /// The distance between their Cα atoms.
    case alphaCarbon = "ca"
}

/// Residue-residue contact distances in nm, or contact indicators (1 when the distance is below
/// a cutoff, else 0), like `mdtraj.compute_contacts(contacts="all")` and MSMBuilder's
/// `ContactFeaturizer`.
///
/// Residues are those with an atom named CA (MDTraj's `ignore_nonprotein=True`); pairs are in the
/// same chain and more than `excludeNeighbors` residues apart (MDTraj uses 2: i and j ≥ i + 3).
public struct ContactFeaturizer: Featurizer {
    public let atomCount: Int
    public let labels: [String]
    /// Residue index pairs, one per feature.
    public let residuePairs: [(Int, Int)]
    public let scheme: ContactScheme
    /// Distance (nm) below which a pair counts as a contact; nil gives distances.
    public let cutoff: Double?
    public let periodic: Bool
    let kernel: PairDistanceKernel
    /// Atom pairs of residue pair k are kernel pairs offsets[k] ..< offsets[k + 1].
    let offsets: [Int]

    public var featureCount: Int { residuePairs.count }

    public init(topology: Topology, scheme: ContactScheme = .closestHeavy, cutoff: Double? = nil,
                excludeNeighbors: Int = 2, periodic: Bool = true) throws {
        guard excludeNeighbors >= 0 else {
            throw KineticsError(.invalidArgument, "contacts: exclude must be 0 or more residues, got \(excludeNeighbors)")
        }
        if let cutoff, !(cutoff.isFinite && cutoff > 0) {
            throw KineticsError(.invalidArgument, "contacts: cutoff must be a positive distance in nm, got \(cutoff)")
        }
        let byResidue = topology.atomsByResidue()
        let members: [[Int]] = byResidue.map { atoms in
            switch scheme {
            case .closestHeavy: atoms.filter { topology.atoms[$0].element != .hydrogen }
            case .alphaCarbon: atoms.filter { topology.atoms[$0].name == "CA" }.prefix(1).map { $0 }
            }
        }
        let protein = byResidue.indices.filter { r in byResidue[r].contains { topology.atoms[$0].name == "CA" } && !members[r].isEmpty }
        var residuePairs = [(Int, Int)](), atomPairs = [(Int, Int)](), offsets = [0]
        for (k, i) in protein.enumerated() {
            for j in protein[(k + 1)...]
            where topology.residues[i].chainIndex == topology.residues[j].chainIndex && j - i > excludeNeighbors {
                residuePairs.append((i, j))
                for a in members[i] { for b in members[j] { atomPairs.append((a, b)) } }
                offsets.append(atomPairs.count)
            }
        }
        guard !residuePairs.isEmpty else {
            throw KineticsError(.emptySelection,
                                "contacts: no pair of protein residues (with a CA atom) in one chain is more than \(excludeNeighbors) residues apart; lower exclude or use distances")
        }
        atomCount = topology.atomCount
        self.residuePairs = residuePairs
        self.scheme = scheme
        self.cutoff = cutoff
        self.periodic = periodic
        self.offsets = offsets
        kernel = PairDistanceKernel(pairs: atomPairs)
        labels = residuePairs.map { "contact \(topology.residueLabel($0.0)) - \(topology.residueLabel($0.1))" }
    }

    public func write(_ chunk: FrameChunk, into output: inout DoubleMatrix, column: Int) throws {
        try checkChunk(chunk)
        let stride = output.cols
        var scratch = [Double](repeating: 0, count: 3 * kernel.atoms.count + kernel.pairCount)
        try output.values.withUnsafeMutableBufferPointer { out in
            try scratch.withUnsafeMutableBufferPointer { buffer in
                let columns = buffer.baseAddress!, distances = columns + 3 * kernel.atoms.count
                try chunk.forEachFrame(periodic: periodic) { frame, index, cell in
                    kernel.compute(frame, cell: cell, scratch: columns, into: distances)
                    let row = out.baseAddress! + index * stride + column
                    for k in 0 ..< residuePairs.count {
                        var nearest = Double.infinity
                        for p in offsets[k] ..< offsets[k + 1] { nearest = min(nearest, distances[p]) }
                        if let cutoff { row[k] = nearest < cutoff ? 1 : 0 } else { row[k] = nearest }
                    }
                }
            }
        }
    }
}
