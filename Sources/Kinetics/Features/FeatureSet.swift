import NeuralNet
import Trajectories

/// Several featurizers side by side: their columns concatenated in the order of `specs`.
///
/// This is what `lss analyze features` and model bundles use: the `specs` (Codable) are saved,
/// and `FeatureSet(specs, topology:)` rebuilds the identical features later. The specs kept here
/// are resolved (a Q reference's positions stored inline), so a saved set needs no extra files.
public struct FeatureSet: Featurizer {
    public let specs: [FeatureSpec]
    public let featurizers: [any Featurizer]
    public let atomCount: Int
    public let labels: [String]
    public var featureCount: Int { labels.count }

    public init(_ specs: [FeatureSpec], topology: Topology) throws {
        guard !specs.isEmpty else {
            throw KineticsError(.invalidArgument, "a feature set needs at least one feature; name features such as ca-distances")
        }
        self.specs = try specs.map { try $0.resolved(atomCount: topology.atomCount) }
        featurizers = try self.specs.map { try $0.makeFeaturizer(topology: topology) }
        atomCount = topology.atomCount
        labels = featurizers.flatMap(\.labels)
    }

    /// From the command-line text form (`FeatureSpec.parseList`), e.g. "ca-distances:exclude=2;chi1".
    public init(parsing text: String, topology: Topology) throws {
        try self.init(FeatureSpec.parseList(text), topology: topology)
    }

    public func write(_ chunk: FrameChunk, into output: inout DoubleMatrix, column: Int) throws {
        try checkChunk(chunk)
        var offset = column
        for featurizer in featurizers {
            try featurizer.write(chunk, into: &output, column: offset)
            offset += featurizer.featureCount
        }
    }
}
