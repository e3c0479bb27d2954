import ArgumentParser
import Foundation
import Kinetics
import NeuralNet
import Plots

struct AnalyzeTICACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tica",
        abstract: "TICA: slow coordinates, implied time scales, kinetic variance and VAMP scores.",
        discussion: """
            Covariances are accumulated in one streaming pass (two with --reweight), so inputs of \
            any length fit in memory. --reweight applies Koopman reweighting (Wu et al. 2017) for \
            many short trajectories that did not start in equilibrium. The plot shows the implied \
            time scales and the free-energy surface on the first two coordinates.
            """)

    @OptionGroup var input: AnalysisInputOptions
    @OptionGroup var outputOptions: AnalysisOutputOptions

    @Option(help: "Lag time: a time (10ps) or a number of frames.")
    var lag: String

    @Option(help: "Coordinates to keep (for --save and the plot).")
    var dim = 2

    @Option(help: "Cutoff for small eigenvalues of the instantaneous covariance.")
    var epsilon = 1e-6

    @Option(help: "truncate (drop directions of C0 below epsilon) or regularize (add epsilon to C0).")
    var mode = "truncate"

    @Option(help: "none, kinetic-map or commute-map.")
    var scaling = "kinetic-map"

    @Flag(help: "Koopman-reweight the covariances (non-equilibrium starts).")
    var reweight = false

    @Option(help: "Save the coordinates as .npy (one file per input, like features --save).")
    var save: String?

    func validate() throws {
        guard dim >= 1 else { throw ValidationError("--dim must be at least 1") }
        guard epsilon > 0 else { throw ValidationError("--epsilon must be positive") }
        guard SpectralMode(rawValue: mode) != nil else { throw ValidationError("--mode must be truncate or regularize") }
        guard ["none", "kinetic-map", "commute-map"].contains(scaling) else {
            throw ValidationError("--scaling must be none, kinetic-map or commute-map")
        }
        if let save, !save.hasSuffix(".npy") { throw ValidationError("--save must name a .npy file") }
    }

    struct Result: Encodable {
        var lagFrames: Int
        var lagTime: Double
        var frameInterval: Double
        var pairs: Int
        var reweighted: Bool
        var rank: Int
        var dimension: Int
        var eigenvalues: [Double]
        var timescales: [Double?]
        var cumulativeKineticVariance: [Double]
        var vamp1: Double
        var vamp2: Double
        var vampE: Double
        var saved: [String]
    }

    func run() throws {
        let source = try input.source()
        let interval = try source.frameInterval()
        let lagFrames = try parseLag(lag, frameInterval: interval, option: "--lag")
        let covariances = reweight
            ? try source.reweightedCovariances(lag: lagFrames, epsilon: epsilon).0
            : try source.timeLaggedCovariances(lag: lagFrames)
        let spectral = SpectralMode(rawValue: mode) ?? .truncate
        let ticaScaling: TICAScaling = scaling == "none" ? .none : scaling == "commute-map" ? .commuteMap : .kineticMap
        let model = try TICA.fit(covariances, options: TICAOptions(epsilon: epsilon, mode: spectral, scaling: ticaScaling,
                                                                    components: .count(dim)))
        let vamp = try VAMP.fit(covariances, options: VAMPOptions(epsilon: epsilon, mode: spectral, components: .count(dim)))

        // Second pass: the coordinates, for --save and the plot.
        var projected = [[Double]](repeating: [], count: source.paths.count)
        if save != nil || outputOptions.output != nil {
            try source.forEachChunk { index, chunk in projected[index].append(contentsOf: try model.transform(chunk).values) }
        }
        let coordinates = projected.map { DoubleMatrix(rows: $0.count / model.dimension, cols: model.dimension, values: $0) }
        let saved = try save.map { try ReportPrinting.saveNumpy(coordinates, to: $0) } ?? []
        let shown = min(model.eigenvalues.count, 20)
        let result = Result(
            lagFrames: lagFrames, lagTime: Double(lagFrames) * interval, frameInterval: interval,
            pairs: covariances.pairCount, reweighted: reweight, rank: model.rank, dimension: model.dimension,
            eigenvalues: Array(model.eigenvalues.prefix(shown)),
            timescales: model.timescales(frameInterval: interval).prefix(shown).map(ReportPrinting.finite),
            cumulativeKineticVariance: Array(model.cumulativeKineticVariance.prefix(shown)),
            vamp1: try vamp.score(.vamp1), vamp2: try vamp.score(.vamp2), vampE: try vamp.score(.vampE), saved: saved)

        if outputOptions.json {
            try ReportPrinting.printJSON(result)
        } else {
            print("TICA at lag \(ReportPrinting.number(result.lagTime)) ps (\(lagFrames) frames), \(result.pairs) pairs"
                  + (reweight ? ", Koopman-reweighted" : "") + "; rank \(result.rank) of \(source.featureCount) features")
            let rows = (0..<shown).map { i in
                ["IC\(i + 1)", ReportPrinting.number(result.eigenvalues[i]), ReportPrinting.number(result.timescales[i]),
                 ReportPrinting.number(result.cumulativeKineticVariance[i])]
            }
            print(ReportPrinting.table(["component", "eigenvalue", "time scale (ps)", "cumulative kinetic variance"], rows))
            print("VAMP-1 \(ReportPrinting.number(result.vamp1)), VAMP-2 \(ReportPrinting.number(result.vamp2)), "
                  + "VAMP-E \(ReportPrinting.number(result.vampE)) (\(model.dimension) dimensions, +1 for the constant)")
            for path in saved { print("coordinates saved to \(path)") }
        }
        try ReportPrinting.writeFigure({ try figure(result, coordinates) }, to: outputOptions.output,
                                       quiet: outputOptions.json)
    }

    private func figure(_ result: Result, _ coordinates: [DoubleMatrix]) throws -> Figure {
        let scales = result.timescales.enumerated().compactMap { i, t in t.map { (Double(i + 1), $0) } }
        let spectrum = Panel(
            title: "Implied time scales", x: Axis("component"), y: Axis("time scale", unit: "ps", scale: .log10),
            layers: [.scatter(ScatterPlot(x: scales.map(\.0), y: scales.map(\.1), label: "TICA")),
                     .reference(ReferenceLine(.horizontal(result.lagTime), label: "lag τ"))])
        let x = try TrajectorySeries.column(0, of: coordinates)
        if result.dimension >= 2 {
            let y = try TrajectorySeries.column(1, of: coordinates)
            let xAxis = try HistogramAxis.spanning(x, bins: 60), yAxis = try HistogramAxis.spanning(y, bins: 60)
            let surface = try FreeEnergySurface(x: x, y: y, xAxis: xAxis, yAxis: yAxis, kT: 1)
            return Figure(title: "TICA", width: 1000, height: 440, panels: [spectrum, Panel(
                title: "Free energy on IC1, IC2", x: Axis("IC1"), y: Axis("IC2"),
                layers: [.heatmap(FreeEnergyFigures.heatmap(surface))])])
        }
        let profile = try FreeEnergyProfile(x, axis: try HistogramAxis.spanning(x, bins: 60), kT: 1)
        return Figure(title: "TICA", width: 1000, height: 440, panels: [spectrum, FreeEnergyFigures.profilePanel(profile, label: "IC1")])
    }
}
