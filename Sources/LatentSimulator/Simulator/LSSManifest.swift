import Kinetics

/// The part of a model bundle that is not weights: what the model was trained on and how, so
/// that loading needs no training data and any result can be traced to its settings.
public struct LSSManifest: Codable, Sendable {
    /// Bumped when the bundle layout changes incompatibly.
    public static let currentFormat = 1

    public var format: Int
    /// The lss version that trained the model.
    public var codeVersion: String
    public var created: String
    /// Features of trajectories (nil when the model was trained on tables of collective variables).
    public var features: [FeatureSpec]?
    public var featureLabels: [String]
    /// Maps raw features to [-1, 1] as the SRV saw them.
    public var featureScaler: MinMaxScaler
    /// Picoseconds between the saved frames the model was trained on.
    public var frameInterval: Double
    public var settings: LSSSettings
    /// Topology indices of the decoded atoms; empty without a decoder.
    public var decodedAtoms: [Int]
    /// Atoms of the training topology (so inputs can be checked against it).
    public var topologyAtomCount: Int?
    public var metrics: LSSTrainingMetrics

    /// SRV and MDN lags in ps.
    public var encoderLag: Double { Double(settings.encoder.lag) * frameInterval }
    public var propagatorLag: Double { Double(settings.propagator.lag) * frameInterval }
}

/// What training measured, per network (the summary `lss train` prints).
public struct LSSTrainingMetrics: Codable, Sendable {
    public var frames: Int
    public var trajectories: Int
    public var encoder: SRVTrainingReport
    /// All eigenvalues of the SRV basis, descending, and their implied time scales in ps.
    public var spectrum: [Double]
    public var timescales: [Double]
    public var propagators: [MDNTrainingReport]
    public var decoder: DecoderTrainingReport?
    public var seconds: [String: Double]
}

/// The version recorded in every bundle and campaign round.
public enum LSSVersion {
    public static let current = "0.5.0"
}
