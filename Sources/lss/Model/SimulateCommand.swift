import ArgumentParser
import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Trajectories

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Synthetic trajectories from a trained LSS: latent dynamics, decoded to coordinates.",
        discussion: """
            Starts from a real frame (--from TRAJ:FRAME, encoded by the model) or a latent point \
            (--latent x,y,...), propagates --steps MDN lags, and decodes every step. Trajectory k is \
            propagated by ensemble member k mod M, so several trajectories also show the model's \
            uncertainty. Writes OUT (DCD, XTC, NetCDF, HDF5; OUT-K.ext for several trajectories), a \
            PDB topology of the decoded atoms next to it, and the latent trajectories as .npy.
            """)

    @Argument(help: "Model bundle directory (from lss train).")
    var model: String

    @Option(help: "Start frame: a trajectory and a 0-based frame index, TRAJ:FRAME.")
    var from: String?

    @Option(help: "Start point in latent coordinates, comma-separated.")
    var latent: String?

    @Option(help: "Number of MDN steps (each one MDN lag).")
    var steps: Int

    @Option(help: "Number of trajectories.")
    var trajectories = 1

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Write only the latent trajectories (no decoding).")
    var latentOnly = false

    @Option(name: [.short, .customLong("output")], help: "Output trajectory (.dcd, .xtc, .nc, .h5) or, with --latent-only, a .npy.")
    var output: String

    func validate() throws {
        guard (from == nil) != (latent == nil) else { throw ValidationError("give exactly one of --from TRAJ:FRAME and --latent x,y,...") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard trajectories >= 1 else { throw ValidationError("--trajectories must be at least 1") }
    }

    func run() throws {
        let lss = try LatentSpaceSimulator.load(from: URL(fileURLWithPath: model))
        let start = try startPoint(lss)
        let starts = Matrix(rows: trajectories, cols: lss.latentDimension)
        for k in 0..<trajectories {
            (starts.pointer + k * lss.latentDimension).update(from: start.pointer, count: lss.latentDimension)
        }
        let began = ContinuousClock.now
        let paths = try SyntheticTrajectoryWriter(model: lss, output: output, latentOnly: latentOnly || lss.decoder == nil)
            .write(try lss.simulate(from: starts, steps: steps, seed: seed), seed: seed)
        let seconds = (ContinuousClock.now - began) / .seconds(1)
        if lss.decoder == nil && !latentOnly {
            FileHandle.standardError.write(Data("this model has no decoder: wrote latent trajectories only\n".utf8))
        }
        print("\(trajectories) × \(steps) steps of \(ReportPrinting.number(lss.manifest.propagatorLag)) ps "
              + "(\(ReportPrinting.number(Double(steps) * lss.manifest.propagatorLag / 1000)) ns each) in "
              + "\(ReportPrinting.number(seconds)) s")
        for path in paths { print("wrote \(path)") }
    }

    /// The latent start point: a frame encoded by the model, or the coordinates given.
    func startPoint(_ lss: LatentSpaceSimulator) throws -> Matrix {
        if let latent {
            let values = latent.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
                throw ValidationError("--latent '\(latent)' is not a comma-separated list of numbers")
            }
            guard values.count == lss.latentDimension else {
                throw ValidationError("--latent has \(values.count) coordinates; the model's latent space has \(lss.latentDimension)")
            }
            return Matrix(rows: 1, cols: values.count, values: values.compactMap { $0 })
        }
        guard let from, let colon = from.lastIndex(of: ":"), let frame = Int(from[from.index(after: colon)...]), frame >= 0 else {
            throw ValidationError("--from must be TRAJ:FRAME with a 0-based frame index, e.g. run1.dcd:0")
        }
        let path = String(from[..<colon])
        let reader = try TrajectoryFile.openReader(path, topology: lss.topology)
        defer { reader.close() }
        let count = try reader.countFrames()
        guard frame < count else {
            throw ValidationError("\(path) has \(count) frames; frame \(frame) does not exist")
        }
        try reader.seek(toFrame: frame)
        guard let chunk = try reader.read(maxFrames: 1) else {
            throw ValidationError("\(path) has no frame \(frame)")
        }
        return try lss.encode(chunk: chunk)
    }
}
