import ArgumentParser
import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Trajectories

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Latent Space Simulator (SRV encoder, MDN ensemble, cWGAN-GP decoder) on MD trajectories.",
        discussion: """
            The SRV learns --latent slow coordinates at --lag; an ensemble of --ensemble MDNs learns \
            their dynamics at --mdn-lag (default: --lag), each on a bootstrap resample of whole \
            trajectories or blocks; the decoder learns the coordinates of the --decode atoms. Sizes, \
            epochs and patience adapt to the amount of data unless given. The model is written as a \
            directory (-o) that lss simulate and lss validate load without the training data.
            """)

    @OptionGroup var input: AnalysisInputOptions

    @Option(help: "SRV lag: a time (10ps) or a number of frames (required unless --decoder-only).")
    var lag: String?

    @Option(help: "MDN lag: a time or a number of frames (default: the SRV lag).")
    var mdnLag: String?

    @Option(help: "Latent dimension m (slow coordinates kept; default 2).")
    var latent: Int?

    @Option(help: "Number of MDNs in the ensemble (default 5).")
    var ensemble: Int?

    @Option(help: "Gaussian components per MDN (default 24).")
    var components: Int?

    @Option(help: "Atoms the decoder generates: a selection such as heavy or 'name CA'.")
    var decode = "heavy"

    @Flag(help: "Train no decoder (latent dynamics only).")
    var noDecoder = false

    @Option(help: "Epochs of the SRV and the MDNs (default: adapted to the amount of data).")
    var epochs: Int?

    @Option(help: "Epochs of the decoder (default: adapted to the amount of data).")
    var decoderEpochs: Int?

    @Option(help: ArgumentHelp("Weight of the decoder's distance-moment term: generated bond and pair distances matched "
                               + "to MD in units of their thermal fluctuation (0: a plain cWGAN-GP).", valueName: "W"))
    var distanceMomentWeight: Float?

    @Option(help: ArgumentHelp("How strongly the decoder's training frames are drawn towards rare latent regions: "
                               + "0 as the data hold them, 1 every latent bin equally often.", valueName: "P"))
    var decoderBalance: Float?

    @Option(help: ArgumentHelp("Output activation of the decoder's generator: tanh (bounded to the scaled training "
                               + "range) or linear.", valueName: "tanh|linear"))
    var decoderOutput: DecoderOutput?

    @Option(help: ArgumentHelp("Hidden-layer widths of the decoder's generator, comma-separated (default: three layers "
                               + "adapted to the data and the number of decoded atoms).", valueName: "W,W,..."))
    var generatorLayers: String?

    @Option(help: ArgumentHelp("Hidden-layer widths of the decoder's critic, comma-separated (default: as the generator's "
                               + "default).", valueName: "W,W,..."))
    var criticLayers: String?

    @Option(help: ArgumentHelp("Standard deviation of the decoder's noise when decoding (it is trained on 1). By "
                               + "default it is chosen after training among 0.9-1.3, as the scale whose decoded pair "
                               + "distances score best against the training frames (CRPS) without more mirror images "
                               + "or clashes; 1 decodes as trained.", valueName: "S"))
    var decoderNoiseScale: Float?

    @Option(help: ArgumentHelp("Decoder generators trained independently (side by side on the cores) and mixed in "
                               + "decoding, frame by frame.", valueName: "K"))
    var decoderMembers: Int?

    @Option(help: ArgumentHelp("Keep this model's feature scaling, SRV encoder and MDN ensemble, and train only a new "
                               + "decoder on the given trajectories (to try decoder settings without retraining the "
                               + "dynamics).", valueName: "MODEL"))
    var decoderOnly: String?

    @Flag(help: ArgumentHelp("Leave decoded bond lengths as the generator makes them (by default they are given MD's "
                             + "mean and spread along the generated bond directions after training)."))
    var noBondCalibration = false

    @Option(help: "SRV random restarts; the best by validation VAMP-2 is kept (default 3).")
    var restarts: Int?

    @Option(help: "Width of the hidden layers of the SRV and the MDNs (default: adapted to the data).")
    var width: Int?

    @Flag(help: "Batch normalization in the SRV.")
    var batchNorm = false

    @Flag(help: "Non-reversible VAMP-2 for the SRV (data not in equilibrium, no detailed balance).")
    var nonReversible = false

    @Flag(help: "Time-reversal augmentation of the SRV's pairs (equilibrium data only).")
    var timeReversal = false

    @Flag(help: "Koopman-reweighted covariances for the SRV (many short runs from biased starts).")
    var reweight = false

    @Option(help: "Start the SRV from this model's encoder (same features and sizes).")
    var warmStart: String?

    @Option(help: "Choose the SRV lag and latent dimension by cross-validated VAMP-2 over these lags (comma-separated times or frames); --latent then gives the largest dimension tried.")
    var scanLag: String?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Print the summary as JSON (progress still goes to stderr).")
    var json = false

    @Flag(help: "No per-epoch progress.")
    var quiet = false

    @Option(name: [.short, .customLong("output")], help: "Directory to write the model bundle to.")
    var output: String

    func validate() throws {
        if decoderOnly != nil {
            // Options that shape only the encoder or the dynamics would be silently ignored.
            let conflicting = [("--lag", lag != nil), ("--mdn-lag", mdnLag != nil), ("--warm-start", warmStart != nil),
                               ("--scan-lag", scanLag != nil), ("--no-decoder", noDecoder), ("--latent", latent != nil),
                               ("--ensemble", ensemble != nil), ("--components", components != nil),
                               ("--epochs", epochs != nil), ("--restarts", restarts != nil), ("--width", width != nil),
                               ("--batch-norm", batchNorm), ("--non-reversible", nonReversible),
                               ("--time-reversal", timeReversal), ("--reweight", reweight)].filter(\.1).map(\.0)
            guard conflicting.isEmpty else {
                throw ValidationError("--decoder-only keeps the model's encoder and dynamics; drop "
                                      + conflicting.joined(separator: ", "))
            }
        } else if lag == nil {
            throw ValidationError("give the SRV lag with --lag (a time such as 2ps, or frames)")
        }
        if let latent, latent < 1 { throw ValidationError("--latent must be at least 1") }
        if let ensemble, ensemble < 1 { throw ValidationError("--ensemble must be at least 1") }
        if let components, components < 1 { throw ValidationError("--components must be at least 1") }
        if let restarts, restarts < 1 { throw ValidationError("--restarts must be at least 1") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let decoderEpochs, decoderEpochs < 1 { throw ValidationError("--decoder-epochs must be at least 1") }
        if let w = distanceMomentWeight, !(w >= 0 && w.isFinite) {
            throw ValidationError("--distance-moment-weight must be a finite number ≥ 0 (0 turns the term off)")
        }
        _ = try Self.widths(generatorLayers, option: "--generator-layers")
        _ = try Self.widths(criticLayers, option: "--critic-layers")
        if let s = decoderNoiseScale, !(s > 0 && s <= DecoderSettings.maximumDecodingNoiseScale) {
            throw ValidationError("--decoder-noise-scale must lie in (0, \(DecoderSettings.maximumDecodingNoiseScale)] (1 decodes as trained)")
        }
        if let b = decoderBalance, !(0...1).contains(b) {
            throw ValidationError("--decoder-balance must lie in [0, 1]")
        }
        if let k = decoderMembers, !(1...CoordinateDecoder.Configuration.maximumGenerators).contains(k) {
            throw ValidationError("--decoder-members must lie in 1...\(CoordinateDecoder.Configuration.maximumGenerators)")
        }
        if let width, width < 2 { throw ValidationError("--width must be at least 2") }
        if timeReversal && reweight {
            throw ValidationError("--time-reversal assumes equilibrium data and --reweight corrects for data that are not; choose one")
        }
    }

    func run() throws {
        let source = try input.source()
        let frameInterval = try source.frameInterval()
        var topology: Topology?
        var specs: [FeatureSpec]?
        var positions: [Float]?
        let data: MDTrainingData
        if case .trajectories(let featurizer) = source.kind, let featureSet = featurizer as? FeatureSet,
           let topologyPath = input.topology {
            topology = try TopologyFile.read(topologyPath)
            specs = featureSet.specs
            let selection = noDecoder ? nil : try AtomSelection(decode)
            data = try MDTrainingData.load(paths: source.paths, topology: topology!, featureSet: featureSet,
                                           decodedSelection: selection, range: source.range, frameInterval: input.dt)
            positions = try Self.firstFrame(source.paths[0])
        } else {
            data = MDTrainingData(features: try source.load(), positions: nil, decodedAtoms: [],
                                  frameInterval: frameInterval, labels: source.labels, paths: source.paths)
        }
        if let decoderOnly {
            try retrainDecoder(of: decoderOnly, data: data, topology: topology, positions: positions)
            return
        }
        var srvLag = try parseLag(lag ?? "", frameInterval: frameInterval, option: "--lag")
        let propagatorLag = try mdnLag.map { try parseLag($0, frameInterval: frameInterval, option: "--mdn-lag") }
        var latentDimension = latent ?? Self.defaultLatent
        let log = ProgressLog(quiet: quiet)
        log.say("\(data.frameCount) frames in \(data.features.count) trajectories, \(data.labels.count) features, "
                + "one frame every \(ReportPrinting.number(frameInterval)) ps")

        if let scanLag {
            let lags = try scanLag.split(separator: ",").map {
                try parseLag($0.trimmingCharacters(in: .whitespaces), frameInterval: frameInterval, option: "--scan-lag")
            }
            var scaler = MinMaxScaler()
            try scaler.fit(data.features)
            let scaled = try TrajectoryData(try data.features.map { try scaler.transform($0).float32 })
            var scanSettings = encoderSettings(lag: lags[0], latent: latentDimension)
            scanSettings.restarts = 1
            let scores = try SRVTrainer.scanLag(scaled, lags: lags, dimensions: Array(1...latentDimension), settings: scanSettings,
                                                progress: log.handler)
            log.say(ReportPrinting.table(["lag (ps)", "m", "VAMP-2", "± s.e."], scores.map {
                [ReportPrinting.number(Double($0.lag) * frameInterval), "\($0.dimension)",
                 ReportPrinting.number($0.mean), ReportPrinting.number($0.standardError)]
            }))
            if let best = LagScanChoice.pick(scores) {
                srvLag = best.lag
                latentDimension = best.dimension
                log.say("chosen: lag \(ReportPrinting.number(Double(srvLag) * frameInterval)) ps, m = \(latentDimension)")
            }
        }

        var mdn = MDNSettings(lag: propagatorLag ?? srvLag, components: components ?? Self.defaultComponents, seed: seed &+ 101)
        mdn.epochs = epochs
        if let width { mdn.hiddenLayers = [width, width] }
        let decoderSettings = !noDecoder && data.positions != nil ? self.decoderSettings : nil
        let settings = LSSSettings(encoder: encoderSettings(lag: srvLag, latent: latentDimension), propagator: mdn,
                                   ensembleSize: ensemble ?? Self.defaultEnsemble, decoder: decoderSettings)
        let start = try warmStart.map { try LatentSpaceSimulator.load(from: URL(fileURLWithPath: $0)) }
        let model = try LSSTrainer.train(data, settings: settings, features: specs, topology: topology,
                                         topologyPositions: positions, warmStart: start, progress: log.handler)
        try write(model)
    }

    // Defaults of the options that --decoder-only refuses (so they are optionals, to tell given from not).
    static let defaultLatent = 2, defaultEnsemble = 5, defaultComponents = 24, defaultRestarts = 3

    /// Saves the bundle to -o and prints its summary.
    func write(_ model: LatentSpaceSimulator) throws {
        try model.save(to: URL(fileURLWithPath: output))
        let summary = TrainingSummary(model: model, path: output)
        if json { try ReportPrinting.printJSON(summary) } else { print(summary.text) }
    }

    var decoderSettings: DecoderSettings {
        var settings = DecoderSettings(seed: seed &+ 202)
        settings.epochs = decoderEpochs
        settings.distanceMomentWeight = distanceMomentWeight
        settings.latentBalance = decoderBalance
        settings.outputActivation = decoderOutput?.activation
        settings.generatorHidden = try? Self.widths(generatorLayers, option: "--generator-layers")
        settings.criticHidden = try? Self.widths(criticLayers, option: "--critic-layers")
        settings.decodingNoiseScale = decoderNoiseScale
        settings.members = decoderMembers
        settings.calibrateBonds = !noBondCalibration
        return settings
    }

    /// Comma-separated positive layer widths; nil when the option is not given.
    static func widths(_ text: String?, option: String) throws -> [Int]? {
        guard let text else { return nil }
        let widths = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 4096 }) else {
            throw ValidationError("\(option) takes comma-separated widths from 1 to 4096, such as 200,200,200; got '\(text)'")
        }
        return widths.compactMap { $0 }
    }

    /// --decoder-only: the model at `path` with a new decoder trained on `data`.
    func retrainDecoder(of path: String, data: MDTrainingData, topology: Topology?, positions: [Float]?) throws {
        guard data.positions != nil else {
            throw ValidationError("--decoder-only needs trajectories with --topology (the decoder learns coordinates)")
        }
        let source = try LatentSpaceSimulator.load(from: URL(fileURLWithPath: path))
        let model: LatentSpaceSimulator
        do {
            model = try LSSTrainer.retrainDecoder(of: source, data: data, settings: decoderSettings, topology: topology,
                                                  topologyPositions: positions,
                                                  progress: ProgressLog(quiet: quiet).handler)
        } catch let error as LatentSimulatorError where error.kind == .mismatch {
            // Name the model the data do not fit: the library's message cannot know its path.
            throw LatentSimulatorError(.mismatch, "--decoder-only \(path): " + error.problem)
        }
        try write(model)
    }

    func encoderSettings(lag: Int, latent: Int) -> SRVSettings {
        var srv = SRVSettings(lag: lag, latentDimension: latent, seed: seed)
        srv.batchNorm = batchNorm
        srv.variant = nonReversible ? .nonReversible : .reversible
        srv.timeReversal = timeReversal
        srv.koopmanReweighting = reweight
        srv.restarts = warmStart == nil ? restarts ?? Self.defaultRestarts : 1
        srv.epochs = epochs
        if let width { srv.hiddenLayers = [width, width] }
        return srv
    }

    /// The first frame of a trajectory, kept with the topology in the bundle.
    static func firstFrame(_ path: String) throws -> [Float]? {
        let reader = try TrajectoryFile.openReader(path)
        defer { reader.close() }
        return try reader.read(maxFrames: 1)?.positions
    }
}

/// Per-epoch progress on standard error: one line per epoch for people, nothing when quiet.
final class ProgressLog: @unchecked Sendable {
    let quiet: Bool
    init(quiet: Bool) { self.quiet = quiet }

    /// One write per line: lines from decoder members training on other threads never interleave.
    func say(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    var handler: ProgressHandler? {
        guard !quiet else { return nil }
        return { [self] p in
            var line = "\(p.network) #\(p.attempt + 1) epoch \(p.epoch + 1)/\(p.epochs) loss \(ReportPrinting.number(p.trainingLoss))"
            if let v = p.validationLoss { line += " validation \(ReportPrinting.number(v))" }
            for (name, value) in p.monitors.sorted(by: { $0.key < $1.key }) {
                line += " \(name) \(ReportPrinting.number(value))"
            }
            self.say(line)
        }
    }
}

/// --decoder-output: the generator's output activation by name.
enum DecoderOutput: String, ExpressibleByArgument, CaseIterable {
    case tanh, linear
    var activation: Activation { self == .linear ? .identity : .tanh }
}
