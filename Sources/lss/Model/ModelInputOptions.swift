import ArgumentParser
import Foundation
import Kinetics
import LatentSimulator
import Trajectories

/// A model bundle and MD trajectories to featurize as the model was trained: the arguments that
/// lss validate and lss encode share.
struct ModelInputOptions: ParsableArguments {
    @Argument(help: "Model bundle directory (from lss train).")
    var model: String

    @Argument(help: "MD trajectories (with the model's topology).")
    var trajectories: [String]

    @Option(help: "Topology of the trajectories (default: the one saved in the model).")
    var topology: String?

    /// The model, the topology the trajectories are read with, and the model's featurizer on it.
    func load(for command: String) throws -> (model: LatentSpaceSimulator, topology: Topology, features: FeatureSet) {
        let lss = try LatentSpaceSimulator.load(from: URL(fileURLWithPath: model))
        guard let specs = lss.manifest.features else {
            throw ValidationError("\(model) was trained on tables of collective variables, not trajectories; "
                                  + "lss \(command) needs a model trained on trajectories")
        }
        guard let topology = try topology.map({ try TopologyFile.read($0) }) ?? lss.topology else {
            throw ValidationError("\(model) holds no topology; give one with --topology")
        }
        return (lss, topology, try FeatureSet(specs, topology: topology))
    }
}
