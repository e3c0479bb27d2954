import ArgumentParser
import Foundation
import Kinetics
import NeuralNet
import Plots

struct AnalyzeFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute features; report their range, mean, spread and relaxation times; optionally save them.",
        discussion: """
            Relaxation times come from an exponential fit to each feature's autocorrelation \
            function, with standard errors from five contiguous blocks of the data. The plot shows \
            the distributions and autocorrelation functions of the first six features.
            """)

    @OptionGroup var input: AnalysisInputOptions
    @OptionGroup var outputOptions: AnalysisOutputOptions

    @Option(help: "Save the features as .npy (one file per input: NAME.npy for one input, NAME-K.npy for several).")
    var save: String?

    @Option(help: "Longest lag of the autocorrelation functions, in frames.")
    var maxLag = 500

    func validate() throws {
        guard maxLag >= 2 else { throw ValidationError("--max-lag must be at least 2 frames") }
        if let save, !save.hasSuffix(".npy") { throw ValidationError("--save must name a .npy file") }
    }

    struct FeatureSummary: Encodable {
        var label: String
        var mean: Double
        var standardDeviation: Double
        var minimum: Double
        var maximum: Double
        /// ps; nil where the fit failed (see `relaxationNote`).
        var relaxationTime: Double?
        var relaxationTimeError: Double?
        var integratedTime: Double?
        var relaxationNote: String?
    }

    struct Result: Encodable {
        var inputs: [String]
        var frames: [Int]
        var frameInterval: Double
        var features: [FeatureSummary]
        var saved: [String]
    }

    func run() throws {
        let source = try input.source()
        let interval = try source.frameInterval()
        let data = try source.load()
        let result = try summarize(data, labels: source.labels, interval: interval, inputs: source.paths)
        if outputOptions.json {
            try ReportPrinting.printJSON(result)
        } else {
            print("\(result.inputs.count) trajectories, \(result.frames.reduce(0, +)) frames, one every "
                  + "\(ReportPrinting.number(interval)) ps; \(result.features.count) features")
            let rows = result.features.map { f in
                [f.label, ReportPrinting.number(f.mean), ReportPrinting.number(f.standardDeviation),
                 ReportPrinting.number(f.minimum), ReportPrinting.number(f.maximum),
                 f.relaxationTime.map { "\(ReportPrinting.number($0)) ± \(ReportPrinting.number(f.relaxationTimeError))" } ?? "-"]
            }
            print(ReportPrinting.table(["feature", "mean", "sd", "min", "max", "relaxation (ps)"], rows))
            for path in result.saved { print("features saved to \(path)") }
        }
        try ReportPrinting.writeFigure({ try figure(data, labels: source.labels, interval: interval) },
                                       to: outputOptions.output, quiet: outputOptions.json)
    }

    private func summarize(_ data: [DoubleMatrix], labels: [String], interval: Double, inputs: [String]) throws -> Result {
        var scaler = StandardScaler(), range = MinMaxScaler()
        for trajectory in data where trajectory.rows > 0 {
            try scaler.partialFit(trajectory)
            try range.partialFit(trajectory)
        }
        guard scaler.count > 0 else { throw KineticsError(.insufficientData, "the inputs hold no frames") }
        let total = data.reduce(0) { $0 + $1.rows }
        let lag = max(2, min(maxLag, total / 5 / 3))
        var summaries: [FeatureSummary] = []
        for (column, label) in labels.enumerated() {
            var summary = FeatureSummary(label: label, mean: scaler.mean[column],
                                         standardDeviation: scaler.standardDeviation[column],
                                         minimum: range.minimum[column], maximum: range.maximum[column])
            do {
                let series = try TrajectorySeries.column(column, of: data)
                let estimate = try RelaxationTimeEstimate(series, maxLag: lag)
                summary.relaxationTime = ReportPrinting.finite(estimate.relaxationTime.mean * interval)
                summary.relaxationTimeError = ReportPrinting.finite(estimate.relaxationTime.standardError * interval)
                summary.integratedTime = ReportPrinting.finite(estimate.integratedTime.mean * interval)
            } catch let error as KineticsError {
                summary.relaxationNote = error.problem
            }
            summaries.append(summary)
        }
        let saved = try save.map { try ReportPrinting.saveNumpy(data, to: $0) } ?? []
        return Result(inputs: inputs, frames: data.map(\.rows), frameInterval: interval, features: summaries, saved: saved)
    }

    private func figure(_ data: [DoubleMatrix], labels: [String], interval: Double) throws -> Figure {
        let shown = Array(labels.prefix(6).enumerated())
        var densities: [Plots.Layer] = [], correlations: [Plots.Layer] = []
        let total = data.reduce(0) { $0 + $1.rows }
        let lag = max(2, min(maxLag, total / 5 / 3))
        for (column, label) in shown {
            let series = try TrajectorySeries.column(column, of: data)
            let axis = try HistogramAxis.spanning(series, bins: 60)
            let probabilities = try Histogram1D(series, axis: axis).probabilities()
            let width = (axis.upper - axis.lower) / Double(axis.bins)
            densities.append(.line(LinePlot(x: axis.centers, y: probabilities.map { $0 / width }, label: label)))
            if let acf = try? AutocorrelationFunction(series, maxLag: lag) {
                correlations.append(.line(LinePlot(x: acf.values.indices.map { Double($0) * interval }, y: acf.values,
                                                   label: label)))
            }
        }
        return Figure(title: "Features", width: 960, height: 420, panels: [
            Panel(title: "Distributions", x: Axis("value"), y: Axis("probability density"), layers: densities),
            Panel(title: "Autocorrelation", x: Axis("lag", unit: "ps"), y: Axis("C(t)"), layers: correlations),
        ])
    }
}
