import ArgumentParser
import Foundation
import Kinetics
import NeuralNet
import Plots

struct AnalyzeFESCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fes",
        abstract: "Free-energy profile F(x) or surface F(x, y) = -kT ln p with five-block standard errors.",
        discussion: """
            --x and --y pick coordinates by feature label or 1-based number. Torsion features \
            ((cos, sin) pairs such as those of backbone-torsions) are folded back into angles in \
            degrees on a periodic axis of 36 bins over [-180, 180), the convention of lss's \
            comparisons. F is in kT, or in kJ/mol with --temperature. Unvisited bins are reported, \
            never hidden. Data from many short runs that did not start in equilibrium (adaptive \
            sampling) give a biased histogram: --reweight-lag estimates a reversible MSM on the \
            coordinates' bins at that lag and weights each frame by its state's stationary \
            probability shared among the state's frames.
            """)

    @OptionGroup var input: AnalysisInputOptions
    @OptionGroup var outputOptions: AnalysisOutputOptions

    @Option(help: "The first coordinate (label or 1-based number; default the first).")
    var x: String?

    @Option(help: "A second coordinate for a 2-D surface.")
    var y: String?

    @Option(help: "Bins per coordinate (default 100 for one coordinate, 60 for two, 36 for angles).")
    var bins: Int?

    @Option(help: "Temperature in K: F in kJ/mol instead of kT.")
    var temperature: Double?

    @Option(help: "Blocks for the standard errors.")
    var blocks = 5

    @Option(help: "Reweight by a reversible MSM on the bins at this lag (a time such as 10ps, or frames).")
    var reweightLag: String?

    func validate() throws {
        if let bins, bins < 2 { throw ValidationError("--bins must be at least 2") }
        if let temperature, !(temperature > 0) { throw ValidationError("--temperature must be positive (K)") }
        guard blocks >= 2 else { throw ValidationError("--blocks must be at least 2") }
    }

    struct Result: Encodable {
        var coordinates: [String]
        var energyUnit: String
        var kT: Double
        var bins: [Int]
        var lower: [Double]
        var upper: [Double]
        /// Bin centres along each coordinate.
        var centers: [[Double]]
        /// F per bin (x-major for surfaces: index ix · ybins + iy); null where unvisited.
        var freeEnergy: [Double?]
        var standardError: [Double?]
        var unvisitedBins: Int
        var binsMissingFromSomeBlock: Int
        var samplesOutOfRange: Int
        var minimum: [Double]
        /// The MSM lag in frames when reweighted.
        var reweightLagFrames: Int?
    }

    func run() throws {
        let source = try input.source()
        let folded = AngleCoordinates.fold(labels: source.labels, trajectories: try source.load())
        let xColumn = try column(x ?? "1", labels: folded.labels, option: "--x")
        let yColumn = try y.map { try column($0, labels: folded.labels, option: "--y") }
        let kT = try temperature.map { try ThermalEnergy.kT(temperature: $0) } ?? 1
        let unit = temperature == nil ? "kT" : "kJ/mol"
        func axis(_ column: Int, _ series: [[Double]], twoD: Bool) throws -> HistogramAxis {
            if folded.isAngle[column] { return try HistogramAxis.dihedralDegrees(bins: bins ?? 36) }
            return try HistogramAxis.spanning(series, bins: bins ?? (twoD ? 60 : 100))
        }
        let xs = try TrajectorySeries.column(xColumn, of: folded.trajectories)
        let ys = try yColumn.map { try TrajectorySeries.column($0, of: folded.trajectories) }
        let xAxis = try axis(xColumn, xs, twoD: ys != nil)
        let yAxis = try yColumn.map { try axis($0, ys ?? [], twoD: true) }
        var reweightFrames: Int?
        var weights: [[Double]]?
        if let reweightLag {
            let lag = try parseLag(reweightLag, frameInterval: try source.frameInterval(), option: "--reweight-lag")
            let states = xs.indices.map { t in
                xs[t].indices.map { i in
                    let ix = min(max(xAxis.binIndex(of: xs[t][i]), 0), xAxis.bins - 1)
                    guard let ys, let yAxis else { return ix }
                    return ix * yAxis.bins + min(max(yAxis.binIndex(of: ys[t][i]), 0), yAxis.bins - 1)
                }
            }
            let model = try MarkovStateModel.estimate(states, lag: lag, stateCount: xAxis.bins * (yAxis?.bins ?? 1))
            weights = try MSMReweighting.frameWeights(states, model: model)
            reweightFrames = lag
        }
        let result: Result
        let plot: Panel
        if let yColumn, let ys, let yAxis {
            let surface = try FreeEnergySurface(x: xs, y: ys, xAxis: xAxis, yAxis: yAxis, kT: kT, weights: weights,
                                                blocks: blocks)
            let best = surface.values.indices.min { surface.values[$0] < surface.values[$1] } ?? 0
            result = Result(
                coordinates: [folded.labels[xColumn], folded.labels[yColumn]], energyUnit: unit, kT: kT,
                bins: [surface.xAxis.bins, surface.yAxis.bins], lower: [surface.xAxis.lower, surface.yAxis.lower],
                upper: [surface.xAxis.upper, surface.yAxis.upper], centers: [surface.xAxis.centers, surface.yAxis.centers],
                freeEnergy: surface.values.map(ReportPrinting.finite), standardError: surface.standardErrors.map(ReportPrinting.finite),
                unvisitedBins: surface.unvisitedBins, binsMissingFromSomeBlock: surface.binsMissingFromSomeBlock,
                samplesOutOfRange: surface.histogram.outOfRange.count,
                minimum: [surface.xAxis.centers[best / surface.yAxis.bins], surface.yAxis.centers[best % surface.yAxis.bins]],
                reweightLagFrames: reweightFrames)
            plot = Panel(title: "Free energy", x: Axis(result.coordinates[0], unit: folded.isAngle[xColumn] ? "°" : nil),
                         y: Axis(result.coordinates[1], unit: folded.isAngle[yColumn] ? "°" : nil),
                         layers: [.heatmap(FreeEnergyFigures.heatmap(surface, energyUnit: unit))])
        } else {
            let profile = try FreeEnergyProfile(xs, axis: xAxis, kT: kT, weights: weights, blocks: blocks)
            let best = profile.values.indices.min { profile.values[$0] < profile.values[$1] } ?? 0
            result = Result(
                coordinates: [folded.labels[xColumn]], energyUnit: unit, kT: kT, bins: [profile.axis.bins],
                lower: [profile.axis.lower], upper: [profile.axis.upper], centers: [profile.axis.centers],
                freeEnergy: profile.values.map(ReportPrinting.finite), standardError: profile.standardErrors.map(ReportPrinting.finite),
                unvisitedBins: profile.unvisitedBins, binsMissingFromSomeBlock: profile.binsMissingFromSomeBlock,
                samplesOutOfRange: profile.histogram.outOfRange.count, minimum: [profile.axis.centers[best]],
                reweightLagFrames: reweightFrames)
            plot = FreeEnergyFigures.profilePanel(profile, label: result.coordinates[0],
                                                  unit: folded.isAngle[xColumn] ? "°" : nil, energyUnit: unit)
        }
        if outputOptions.json {
            try ReportPrinting.printJSON(result)
        } else {
            printText(result)
        }
        try ReportPrinting.writeFigure({ Figure(title: nil, width: 720, height: 520, panels: [plot]) },
                                       to: outputOptions.output, quiet: outputOptions.json)
    }

    private func printText(_ r: Result) {
        print("free energy of \(r.coordinates.joined(separator: ", ")) in \(r.energyUnit) "
              + (r.reweightLagFrames.map { "reweighted by an MSM at lag \($0) frames " } ?? "")
              + "(\(r.bins.map(String.init).joined(separator: " × ")) bins, \(blocks)-block standard errors); minimum at "
              + r.minimum.map { ReportPrinting.number($0) }.joined(separator: ", "))
        print("\(r.unvisitedBins) unvisited bins, \(r.binsMissingFromSomeBlock) visited bins missed by some block, "
              + "\(r.samplesOutOfRange) samples outside the range")
        if r.bins.count == 1 {
            let rows = r.centers[0].indices.compactMap { i -> [String]? in
                guard let f = r.freeEnergy[i] else { return nil }
                return [ReportPrinting.number(r.centers[0][i]), ReportPrinting.number(f), ReportPrinting.number(r.standardError[i])]
            }
            print(ReportPrinting.table([r.coordinates[0], "F (\(r.energyUnit))", "standard error"], rows))
        } else {
            print("(the whole surface is in --json; the plot shows it with -o)")
        }
    }

    private func column(_ key: String, labels: [String], option: String) throws -> Int {
        if let index = labels.firstIndex(of: key) { return index }
        if let number = Int(key), number >= 1, number <= labels.count { return number - 1 }
        throw InputError("\(option) '\(key)' is neither a coordinate label nor a number from 1 to \(labels.count); "
                              + "the coordinates are: \(labels.prefix(12).joined(separator: ", "))" + (labels.count > 12 ? ", ..." : ""))
    }
}
