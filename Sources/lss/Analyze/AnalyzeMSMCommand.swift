import ArgumentParser
import Foundation
import Kinetics
import NeuralNet
import Plots

struct AnalyzeMSMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msm",
        abstract: "A Markov state model: time scales, implied time scales against lag, metastable sets, first passage times, a Chapman-Kolmogorov test.",
        discussion: """
            Features are optionally projected on their slowest TICA coordinates, discretized by \
            k-means (k-means++ seeding, --seed) or by a regular grid (--grid, for one or two \
            collective variables), and a reversible maximum-likelihood MSM is estimated on the \
            largest connected set. Metastable sets come from PCCA+. The plot shows the implied time \
            scales against lag and the Chapman-Kolmogorov test.
            """)

    @OptionGroup var input: AnalysisInputOptions
    @OptionGroup var outputOptions: AnalysisOutputOptions

    @Option(help: "Lag time of the MSM: a time (10ps) or a number of frames.")
    var lag: String

    @Option(help: "k-means clusters (states).")
    var clusters = 100

    @Option(help: "Discretize on a regular grid of N bins per coordinate instead of k-means (one or two coordinates).")
    var grid: Int?

    @Option(help: "Project on this many TICA coordinates first (0: use the features as they are). Default: 4 when there are more than 4 features.")
    var ticaDim: Int?

    @Option(help: "Lag of that TICA (default: the MSM lag).")
    var ticaLag: String?

    @Option(help: "Time scales to report.")
    var processes = 3

    @Option(help: "Lags of the implied-time-scale scan, comma-separated times or frame counts (default: up to twice the MSM lag).")
    var scanLags: String?

    @Option(help: "Error bars of the scan: none, blocks (five contiguous blocks) or bootstrap (over trajectories).")
    var errors = "blocks"

    @Option(help: "Metastable sets (PCCA+).")
    var metastable = 2

    @Option(help: "Steps of the Chapman-Kolmogorov test (lags τ, 2τ, ...).")
    var ckSteps = 4

    @Flag(help: "Non-reversible (row-normalized) estimate instead of the reversible maximum likelihood.")
    var nonReversible = false

    @Option(help: "Seed of k-means++ and of the bootstrap.")
    var seed: UInt64 = 1

    func validate() throws {
        guard clusters >= 2 else { throw ValidationError("--clusters must be at least 2") }
        if let grid, grid < 2 { throw ValidationError("--grid must be at least 2 bins") }
        if let ticaDim, ticaDim < 0 { throw ValidationError("--tica-dim must not be negative") }
        guard processes >= 1 else { throw ValidationError("--processes must be at least 1") }
        guard metastable >= 2 else { throw ValidationError("--metastable must be at least 2") }
        guard ckSteps >= 1 else { throw ValidationError("--ck-steps must be at least 1") }
        guard ["none", "blocks", "bootstrap"].contains(errors) else {
            throw ValidationError("--errors must be none, blocks or bootstrap")
        }
    }

    struct SetSummary: Encodable {
        var states: Int
        var population: Double
        /// Mean first passage time to every other set, ps (nil to itself).
        var meanFirstPassageTimes: [Double?]
    }

    struct Result: Encodable {
        var lagFrames: Int
        var lagTime: Double
        var frameInterval: Double
        var discretization: String
        var states: Int
        var activeStates: Int
        var activeCountFraction: Double
        var reversible: Bool
        var timescales: [Double?]
        var scanLagTimes: [Double]
        var scanTimescales: [[Double?]]
        var scanErrors: [[Double?]]?
        var metastableSets: [SetSummary]
        var chapmanKolmogorovLargestDeviation: Double
        var chapmanKolmogorov: ChapmanKolmogorovTest
    }

    func run() throws {
        let source = try input.source()
        let interval = try source.frameInterval()
        let lagFrames = try parseLag(lag, frameInterval: interval, option: "--lag")
        var data = try source.load()

        // Projection on slow coordinates.
        let projectTo = ticaDim ?? (source.featureCount > 4 ? 4 : 0)
        var description = ""
        if projectTo > 0 && projectTo < source.featureCount {
            let ticaFrames = try ticaLag.map { try parseLag($0, frameInterval: interval, option: "--tica-lag") } ?? lagFrames
            let tica = try TICA.fit(data, lag: ticaFrames, options: TICAOptions(components: .count(projectTo)))
            data = try data.map { try tica.transform($0) }
            description = "TICA (\(tica.dimension) coordinates at lag \(ticaFrames) frames), "
        }

        // Discretization.
        let trajectories: [[Int]], stateCount: Int
        if let grid {
            guard (1...2).contains(data.first?.cols ?? 0) else {
                throw InputError("--grid needs one or two coordinates, these data have \(data.first?.cols ?? 0); choose --columns, --tica-dim 2 or k-means")
            }
            let (lower, upper) = try ranges(of: data)
            let regular = try RegularGrid(lower: lower, upper: upper, bins: Array(repeating: grid, count: lower.count))
            trajectories = try regular.assign(data)
            stateCount = Int(pow(Double(grid), Double(lower.count)))
            description += "a regular grid of \(stateCount) bins"
        } else {
            let kmeans = try KMeans.fit(data, options: KMeansOptions(clusters: clusters, seed: seed))
            trajectories = try kmeans.assign(data)
            stateCount = clusters
            description += "k-means with \(clusters) clusters"
        }

        let options = MSMOptions(reversible: !nonReversible)
        let model = try MarkovStateModel.estimate(trajectories, lag: lagFrames, stateCount: stateCount, options: options)
        let processes = min(self.processes, model.stateCount - 1)
        let timescales = try model.timescales(count: processes).map { $0 * interval }

        let scanFrames = try scanLagFrames(lagFrames: lagFrames, interval: interval)
        let errorEstimate: TimescaleErrorEstimate = errors == "none" ? .none
            : errors == "bootstrap" ? .bootstrap(samples: 20, seed: seed) : .blocks(5)
        let scan = try ImpliedTimescaleScan.estimate(trajectories, lags: scanFrames, processes: processes,
                                                     stateCount: stateCount, options: options, errors: errorEstimate)

        let pcca = try model.pcca(sets: metastable)
        let sets = pcca.sets
        var summaries: [SetSummary] = []
        for (a, states) in sets.enumerated() {
            let population = states.compactMap { model.position(ofState: $0) }.reduce(0) { $0 + model.stationaryDistribution[$1] }
            var passage: [Double?] = []
            for (b, target) in sets.enumerated() {
                if a == b || states.isEmpty || target.isEmpty { passage.append(nil); continue }
                passage.append(ReportPrinting.finite(try model.meanFirstPassageTime(from: states, to: target) * interval))
            }
            summaries.append(SetSummary(states: states.count, population: population, meanFirstPassageTimes: passage))
        }
        let ck = try model.chapmanKolmogorovTest(trajectories, steps: ckSteps, sets: .states(sets.filter { !$0.isEmpty }),
                                                 options: options)

        let result = Result(
            lagFrames: lagFrames, lagTime: Double(lagFrames) * interval, frameInterval: interval,
            discretization: description, states: stateCount, activeStates: model.stateCount,
            activeCountFraction: model.activeCountFraction, reversible: !nonReversible,
            timescales: timescales.map(ReportPrinting.finite),
            scanLagTimes: scanFrames.map { Double($0) * interval },
            scanTimescales: scan.timescales.map { $0.map { ReportPrinting.finite($0 * interval) } },
            scanErrors: scan.errors?.map { $0.map { ReportPrinting.finite($0 * interval) } },
            metastableSets: summaries, chapmanKolmogorovLargestDeviation: ck.largestDeviation, chapmanKolmogorov: ck)
        if outputOptions.json {
            try ReportPrinting.printJSON(result)
        } else {
            printText(result)
        }
        try ReportPrinting.writeFigure({ try figure(result) }, to: outputOptions.output, quiet: outputOptions.json)
    }

    private func printText(_ r: Result) {
        print("MSM at lag \(ReportPrinting.number(r.lagTime)) ps (\(r.lagFrames) frames) on \(r.discretization); "
              + "\(r.activeStates) of \(r.states) states connected, holding "
              + "\(ReportPrinting.number(100 * r.activeCountFraction)) % of the transitions")
        print(ReportPrinting.table(["process", "time scale (ps)"],
                                   r.timescales.enumerated().map { ["t\($0 + 1)", ReportPrinting.number($1)] }))
        print("\nimplied time scales (ps) against lag" + (r.scanErrors == nil ? "" : ", ± one standard error (\(errors))"))
        let header = ["lag (ps)"] + r.timescales.indices.map { "t\($0 + 1)" }
        let rows = r.scanLagTimes.enumerated().map { l, lagTime in
            [ReportPrinting.number(lagTime)] + r.scanTimescales[l].enumerated().map { k, t in
                ReportPrinting.number(t) + (r.scanErrors.map { " ± " + ReportPrinting.number($0[l][k]) } ?? "")
            }
        }
        print(ReportPrinting.table(header, rows))
        print("\nmetastable sets (PCCA+): population, mean first passage time to each other set (ps)")
        let setRows = r.metastableSets.enumerated().map { a, s in
            ["set \(a + 1)", "\(s.states) states", ReportPrinting.number(s.population)]
                + s.meanFirstPassageTimes.enumerated().map { b, t in a == b ? "-" : "→\(b + 1) " + ReportPrinting.number(t) }
        }
        print(ReportPrinting.table(["set", "states", "population"] + r.metastableSets.indices.map { "to \($0 + 1)" }, setRows))
        print("\nChapman-Kolmogorov test over \(r.chapmanKolmogorov.steps.count) steps: largest deviation "
              + "\(ReportPrinting.number(r.chapmanKolmogorovLargestDeviation)) (probability)")
    }

    /// Lower and upper bounds of every coordinate over all trajectories (for the regular grid),
    /// widened by a hair so the maximum falls inside the last bin.
    private func ranges(of data: [DoubleMatrix]) throws -> ([Double], [Double]) {
        var scaler = MinMaxScaler()
        for trajectory in data where trajectory.rows > 0 { try scaler.partialFit(trajectory) }
        let upper = zip(scaler.minimum, scaler.maximum).map { low, high in high + max(1e-9, (high - low) * 1e-9) }
        return (scaler.minimum, upper)
    }

    private func scanLagFrames(lagFrames: Int, interval: Double) throws -> [Int] {
        if let scanLags {
            let lags = try scanLags.split(separator: ",").map {
                try parseLag(String($0).trimmingCharacters(in: .whitespaces), frameInterval: interval,
                                                   option: "--scan-lags")
            }
            return Array(Set(lags)).sorted()
        }
        // 1, 2, 5, 10, 20, ... frames up to twice the MSM lag, and the MSM lag itself.
        var lags = Set([lagFrames])
        var decade = 1
        while decade <= 2 * lagFrames {
            for step in [1, 2, 5] where step * decade <= 2 * lagFrames { lags.insert(step * decade) }
            decade *= 10
        }
        return lags.sorted()
    }

    private func figure(_ r: Result) throws -> Figure {
        var itsLayers: [Plots.Layer] = []
        for k in r.timescales.indices {
            let y = r.scanTimescales.map { $0[k] ?? .nan }
            let errors = r.scanErrors.map { rows in ErrorExtent.symmetric(rows.map { $0[k] ?? 0 }) }
            itsLayers.append(.line(LinePlot(x: r.scanLagTimes, y: y, label: "t\(k + 1)", errors: errors, markers: true)))
        }
        itsLayers.append(.reference(ReferenceLine(.identity, label: "t = τ", shadeBelow: true)))
        itsLayers.append(.reference(ReferenceLine(.vertical(r.lagTime), label: "MSM lag")))
        let its = Panel(title: "Implied time scales", x: Axis("lag time τ", unit: "ps", scale: .log10),
                        y: Axis("time scale", unit: "ps", scale: .log10), layers: itsLayers)
        var ckLayers: [Plots.Layer] = []
        let ck = r.chapmanKolmogorov
        let times = [0.0] + ck.steps.map { Double($0) * r.lagTime }
        for a in 0..<(ck.predicted.first?.count ?? 0) {
            let predicted = [1.0] + ck.predicted.map { $0[a][a] }
            let estimated = [1.0] + ck.estimated.map { $0[a][a] }
            let color = Color.okabeIto[a % Color.okabeIto.count]
            ckLayers.append(.line(LinePlot(x: times, y: estimated, label: "set \(a + 1) estimated", color: color, markers: true)))
            ckLayers.append(.line(LinePlot(x: times, y: predicted, label: "set \(a + 1) predicted", color: color, dashed: true)))
        }
        let ckPanel = Panel(title: "Chapman-Kolmogorov: staying in each set", x: Axis("time", unit: "ps"),
                            y: Axis("probability", range: 0...1), layers: ckLayers)
        return Figure(title: "Markov state model", width: 1000, height: 440, panels: [its, ckPanel])
    }
}
