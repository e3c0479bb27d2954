import ArgumentParser
import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Trajectories

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "LSS against MD: free energies, relaxation and implied time scales, structures, with error bars.",
        discussion: """
            Give held-out MD (trajectories the model was not trained on). The model simulates about \
            as much time as the MD holds, spread over ensemble members; the model's error bars are \
            the spread over members, MD's come from five blocks. Compared: F(ψ1) and F(ψ1, ψ2), \
            relaxation times of every latent coordinate, implied time scales against lag and a \
            Chapman-Kolmogorov test of the propagator, and on decoded structures torsion \
            distributions (Jensen-Shannon) and decorrelation times, F(φ, ψ), Rg, RMSD, bond lengths, \
            clashes and mirror images. --training adds a novelty metric: how far synthetic paths \
            stay from the nearest training segment.
            """)

    @OptionGroup var input: ModelInputOptions

    @Option(parsing: .upToNextOption, help: "Training trajectories, for the novelty metric.")
    var training: [String] = []

    @Option(help: "Extra coordinates to compare on decoded structures, ';'-separated features (e.g. rg;rmsd:reference=ref.pdb).")
    var coordinates: String?

    @Option(help: "Synthetic trajectories (default: max(10, ensemble size)).")
    var syntheticTrajectories: Int?

    @Option(help: "MDN steps per synthetic trajectory (default: as much time as the MD).")
    var steps: Int?

    @Option(help: "k-means states for implied time scales.")
    var clusters = 50

    @Option(help: "Picoseconds between saved frames, when the files do not say.")
    var dt: Double?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: [.short, .customLong("output")], help: "Write an HTML report with plots to this file.")
    var output: String?

    @Option(help: "Also write the report as JSON to this file.")
    var jsonFile: String?

    func validate() throws {
        if let syntheticTrajectories, syntheticTrajectories < 1 { throw ValidationError("--synthetic-trajectories must be at least 1") }
        if let steps, steps < 10 { throw ValidationError("--steps must be at least 10") }
        guard clusters >= 2 else { throw ValidationError("--clusters must be at least 2") }
        if let output, !output.hasSuffix(".html") { throw ValidationError("-o must name an .html file") }
    }

    func run() throws {
        let (lss, topology, featureSet) = try input.load(for: "validate")
        let decoded = lss.manifest.decodedAtoms.isEmpty ? nil : lss.manifest.decodedAtoms
        let log = ProgressLog(quiet: json)
        let md = try Self.load(input.trajectories, topology: topology, featureSet: featureSet, decoded: decoded, dt: dt)
        var trainingLatent: [Matrix]?
        if !training.isEmpty {
            let data = try Self.load(training, topology: topology, featureSet: featureSet, decoded: nil, dt: dt)
            trainingLatent = try data.features.map { try lss.encode(features: $0) }
        }
        var settings = ValidationSettings(seed: seed)
        settings.trajectories = syntheticTrajectories
        settings.steps = steps
        settings.clusters = clusters
        let specs = try coordinates.map { try FeatureSpec.parseList($0) } ?? []
        let report = try ModelValidation.run(model: lss, md: md, training: trainingLatent, userCoordinates: specs,
                                             settings: settings, progress: { log.say($0) })
        if let output {
            try ValidationHTML(report: report, modelPath: input.model).write(to: output)
            if !json { print("report written to \(output)") }
        }
        if let jsonFile {
            try AtomicFile.write(try JSONCoding.encoder().encode(report), to: jsonFile)
        }
        if json {
            try ReportPrinting.printJSON(report)
        } else {
            print(ValidationText.summary(report))
        }
    }

    static func load(_ paths: [String], topology: Topology, featureSet: FeatureSet, decoded: [Int]?,
                     dt: Double?) throws -> MDTrainingData {
        var data = try MDTrainingData.load(paths: paths, topology: topology, featureSet: featureSet,
                                           decodedSelection: nil, frameInterval: dt)
        if let decoded {
            data.positions = try paths.map { try MDTrainingData.positions(path: $0, atoms: decoded) }
            data.decodedAtoms = decoded
        }
        return data
    }
}
