import Trajectories

/// The settings of one featurizer, Codable so that a model bundle can store them and rebuild the
/// same features from a topology later (`FeatureSet(_:topology:)`), and writable as the short
/// text a command-line user types (`FeatureSpec.parseList`, grammar there).
public enum FeatureSpec: Codable, Equatable, Sendable {
    /// All atom-pair distances of a selection, without pairs at most `exclude` residues apart in
    /// one chain. "ca-distances" is this with the selection "name CA".
    case distances(selection: String, exclude: Int, periodic: Bool)
    /// Pseudo-angles of consecutive selected atoms (one per residue; Cα by default), in radians.
    case alphaCarbonAngles(selection: String, periodic: Bool)
    /// Pseudo-dihedrals of consecutive selected atoms, as (cos, sin).
    case alphaCarbonDihedrals(selection: String, periodic: Bool)
    /// Named protein torsions as (cos, sin), optionally only those inside a selection.
    case torsions(kinds: [TorsionKind], selection: String?, periodic: Bool)
    /// Residue-residue contact distances, or indicators at `cutoff`.
    case contacts(scheme: ContactScheme, cutoff: Double?, exclude: Int, periodic: Bool)
    /// Fraction of native contacts Q against a reference structure.
    case nativeContacts(NativeContactsSpec)
    /// RMSD to a reference structure after optimal superposition (`RMSDFeaturizer`).
    case rmsd(RMSDSpec)
    /// Radius of gyration of a selection (all atoms: "all"), optionally mass-weighted.
    case radiusOfGyration(selection: String, massWeighted: Bool)

    /// The selection "ca-distances" stands for.
    public static let alphaCarbonSelection = "name CA"
}

/// Settings of the fraction of native contacts (`NativeContactsFeaturizer`).
public struct NativeContactsSpec: Codable, Equatable, Sendable {
    /// The reference structure's path as the user gave it (any trajectory format; frame 0).
    public var reference: String
    /// The reference frame's positions (x, y, z per atom, nm), filled in when a `FeatureSet` is
    /// built so that a saved spec rebuilds without the reference file.
    public var referencePositions: [Double]?
    /// Atoms that may form contacts; nil for all atoms that are not hydrogen.
    public var selection: String?
    public var cutoff: Double
    public var exclude: Int
    public var beta: Double
    public var lambda: Double
    public var periodic: Bool

    public init(reference: String, referencePositions: [Double]? = nil, selection: String? = nil, cutoff: Double = 0.45,
                exclude: Int = 3, beta: Double = 50, lambda: Double = 1.8, periodic: Bool = true) {
        self.reference = reference
        self.referencePositions = referencePositions
        self.selection = selection
        self.cutoff = cutoff
        self.exclude = exclude
        self.beta = beta
        self.lambda = lambda
        self.periodic = periodic
    }
}

extension FeatureSpec {
    /// Builds the featurizer these settings describe for `topology`. A Q or RMSD reference is read
    /// from its file unless the positions are already stored.
    public func makeFeaturizer(topology: Topology) throws -> any Featurizer {
        switch self {
        case let .distances(selection, exclude, periodic):
            return try DistanceFeaturizer(topology: topology, selection: selection, excludeNeighbors: exclude, periodic: periodic)
        case let .alphaCarbonAngles(selection, periodic):
            return try AngleFeaturizer.alphaCarbonAngles(topology: topology, selection: selection, periodic: periodic)
        case let .alphaCarbonDihedrals(selection, periodic):
            return try DihedralFeaturizer.alphaCarbonDihedrals(topology: topology, selection: selection, periodic: periodic)
        case let .torsions(kinds, selection, periodic):
            guard !kinds.isEmpty else { throw KineticsError(.invalidArgument, "torsions: name at least one of phi, psi, omega, chi1") }
            return try DihedralFeaturizer(topology: topology, torsions: kinds, selection: selection, periodic: periodic)
        case let .contacts(scheme, cutoff, exclude, periodic):
            return try ContactFeaturizer(topology: topology, scheme: scheme, cutoff: cutoff, excludeNeighbors: exclude, periodic: periodic)
        case let .nativeContacts(spec):
            let flat = try spec.referencePositions ?? spec.readReference(atomCount: topology.atomCount)
            guard flat.count == 3 * topology.atomCount else {
                throw KineticsError(.mismatch, "q: the stored reference has \(flat.count / 3) atoms but the topology has \(topology.atomCount)")
            }
            let points = (0 ..< topology.atomCount).map { SIMD3(flat[3 * $0], flat[3 * $0 + 1], flat[3 * $0 + 2]) }
            return try NativeContactsFeaturizer(topology: topology, reference: points, selection: spec.selection, cutoff: spec.cutoff,
                                                minimumSeparation: spec.exclude, beta: spec.beta, lambda: spec.lambda,
                                                periodic: spec.periodic)
        case let .rmsd(spec):
            return try spec.makeFeaturizer(topology: topology)
        case let .radiusOfGyration(selection, massWeighted):
            return try RadiusOfGyrationFeaturizer(topology: topology, selection: selection, massWeighted: massWeighted)
        }
    }

    /// These settings with everything a later rebuild needs stored inline (the positions of a Q or
    /// RMSD reference).
    public func resolved(atomCount: Int) throws -> FeatureSpec {
        switch self {
        case var .nativeContacts(spec) where spec.referencePositions == nil:
            spec.referencePositions = try spec.readReference(atomCount: atomCount)
            return .nativeContacts(spec)
        case var .rmsd(spec) where spec.referencePositions == nil:
            spec.referencePositions = try readReferencePositions(spec.reference, atomCount: atomCount, feature: "rmsd")
            return .rmsd(spec)
        default:
            return self
        }
    }
}

extension NativeContactsSpec {
    /// Frame 0 of the reference file, flat, in nm.
    func readReference(atomCount: Int) throws -> [Double] {
        try readReferencePositions(reference, atomCount: atomCount, feature: "q")
    }
}

/// Frame 0 of a reference structure file (any trajectory format), flat x, y, z per atom in nm;
/// throws unless it has `atomCount` atoms. `feature` names the feature in the messages.
func readReferencePositions(_ path: String, atomCount: Int, feature: String) throws -> [Double] {
    let chunk: FrameChunk
    do {
        let reader = try TrajectoryFile.openReader(path)
        defer { reader.close() }
        guard let first = try reader.read(maxFrames: 1), first.frameCount == 1 else {
            throw KineticsError(.insufficientData, "\(feature): the reference \"\(path)\" holds no frame")
        }
        chunk = first
    } catch let error as KineticsError {
        throw error
    } catch {
        throw KineticsError(.invalidArgument, "\(feature): cannot read the reference \"\(path)\": \(error)")
    }
    guard chunk.atomCount == atomCount else {
        throw KineticsError(.mismatch, "\(feature): the reference \"\(path)\" has \(chunk.atomCount) atoms but the topology has \(atomCount); use a structure of the same system")
    }
    return chunk.positions.map(Double.init)
}
