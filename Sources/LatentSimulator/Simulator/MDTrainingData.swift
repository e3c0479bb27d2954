import Foundation
import Kinetics
import NeuralNet
import Trajectories

/// What an LSS trains on, read from MD trajectories: the features of every frame (for the SRV and
/// the MDN) and the positions of the decoded atoms (for the cWGAN-GP), trajectory by trajectory.
public struct MDTrainingData: @unchecked Sendable {
    /// Features per trajectory (frames × features, Float64, unscaled).
    public var features: [DoubleMatrix]
    /// Positions of `decodedAtoms` per trajectory (frames × 3a, nm); nil when nothing is decoded.
    public var positions: [Matrix]?
    /// Topology indices of the decoded atoms.
    public var decodedAtoms: [Int]
    /// Picoseconds between kept frames, the same for every trajectory.
    public var frameInterval: Double
    public var labels: [String]
    public var paths: [String]

    public init(features: [DoubleMatrix], positions: [Matrix]?, decodedAtoms: [Int], frameInterval: Double,
                labels: [String], paths: [String]) {
        self.features = features
        self.positions = positions
        self.decodedAtoms = decodedAtoms
        self.frameInterval = frameInterval
        self.labels = labels
        self.paths = paths
    }

    public var frameCount: Int { features.reduce(0) { $0 + $1.rows } }

    /// Reads `paths` with `topology`: features from `featureSet`, and positions of the atoms that
    /// `decodedSelection` picks (nil: none). Frames are kept by `range`; `frameInterval` overrides
    /// what the files say.
    public static func load(paths: [String], topology: Topology, featureSet: FeatureSet,
                            decodedSelection: AtomSelection?, range: FrameRange = .all,
                            frameInterval: Double? = nil) throws -> MDTrainingData {
        let source = try FeatureSource(trajectories: paths, featurizer: featureSet, range: range,
                                       frameInterval: frameInterval)
        let interval = try source.frameInterval()
        let features = try source.load()
        var decoded: [Int] = []
        var positions: [Matrix]?
        if let decodedSelection {
            decoded = decodedSelection.indices(in: topology)
            guard !decoded.isEmpty else {
                throw LatentSimulatorError(.invalidSetting, "the decoder selection '\(decodedSelection.text)' "
                                           + "matches no atom of the topology; choose e.g. 'heavy' or 'name CA'")
            }
            positions = try paths.enumerated().map { index, path in
                let selected = try readPositions(path: path, atoms: decoded, range: range)
                guard selected.rows == features[index].rows else {
                    throw LatentSimulatorError(.mismatch, "\(path): \(selected.rows) frames of positions but "
                                               + "\(features[index].rows) of features")
                }
                return selected
            }
        }
        return MDTrainingData(features: features, positions: positions, decodedAtoms: decoded,
                              frameInterval: interval, labels: featureSet.labels, paths: paths)
    }

    /// The positions of `atoms` (topology indices) in every kept frame of `path`.
    public static func positions(path: String, atoms: [Int], range: FrameRange = .all) throws -> Matrix {
        try readPositions(path: path, atoms: atoms, range: range)
    }

    /// The positions of `atoms` in every kept frame of `path`, streamed chunk by chunk.
    static func readPositions(path: String, atoms: [Int], range: FrameRange) throws -> Matrix {
        let reader = try TrajectoryFile.openReader(path)
        defer { reader.close() }
        let stream = try TrajectoryStream(reader: reader, range: range, chunkSize: 4096)
        var values: [Float] = []
        let atomCount = reader.atomCount
        guard let top = atoms.max(), top < atomCount else {
            throw LatentSimulatorError(.mismatch, "\(path) has \(atomCount) atoms, fewer than the decoder selection needs")
        }
        while let chunk = try stream.next() {
            for frame in 0..<chunk.frameCount {
                let base = frame * atomCount * 3
                for atom in atoms {
                    values.append(chunk.positions[base + 3 * atom])
                    values.append(chunk.positions[base + 3 * atom + 1])
                    values.append(chunk.positions[base + 3 * atom + 2])
                }
            }
        }
        return Matrix(rows: values.count / (3 * atoms.count), cols: 3 * atoms.count, values: values)
    }
}
