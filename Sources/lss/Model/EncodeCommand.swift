import ArgumentParser
import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Trajectories

/// Projects MD onto a trained model's slow coordinates: the SRV encoder applied to every frame,
/// featurized exactly as in training.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Latent (slow) coordinates of MD frames under a trained model, saved as .npy.",
        discussion: """
            Each frame is featurized with the model's features and scaler and passed through its \
            SRV encoder, so the coordinates are those lss simulate propagates (zero mean, unit \
            variance over the training data). One input gives -o itself; several give NAME-K.npy, \
            one per input, in order.
            """)

    @OptionGroup var input: ModelInputOptions

    @Option(name: [.short, .customLong("output")], help: "The .npy file to write (frames × latent dimension, float64).")
    var output: String

    func validate() throws {
        guard output.hasSuffix(".npy") else { throw ValidationError("-o must name a .npy file") }
    }

    func run() throws {
        let (lss, topology, featureSet) = try input.load(for: "encode")
        // Encoding is frame by frame: the time between frames does not matter, so a single
        // structure (a PDB, a seed) is encoded as readily as a trajectory.
        let data = try MDTrainingData.load(paths: input.trajectories, topology: topology, featureSet: featureSet,
                                           decodedSelection: nil, frameInterval: 1)
        let latent = try data.features.map { DoubleMatrix(try lss.encode(features: $0)) }
        for path in try ReportPrinting.saveNumpy(latent, to: output) { print("latent coordinates written to \(path)") }
    }
}
