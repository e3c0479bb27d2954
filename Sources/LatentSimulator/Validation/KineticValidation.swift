import Foundation
import Kinetics
import NeuralNet

/// Kinetics of the model against MD: relaxation times of each latent coordinate from exponential
/// fits of its autocorrelation, implied time scales of MSMs against lag, and a Chapman-Kolmogorov
/// test of the propagator.
public struct KineticValidation: Codable, Sendable {
    /// Relaxation time (ps) of each latent coordinate: MD with five-block errors, the model with the
    /// spread over members.
    public var relaxationTimes: [EstimateComparison]
    /// Problems that kept a relaxation time from being estimated (too little data, no decay).
    public var relaxationProblems: [String]
    /// Lags (ps) of the implied-time-scale scans.
    public var lags: [Double]
    /// mdTimescales[l][k], modelTimescales[l][k]: the (k+1)-th slowest time scale (ps) at lags[l].
    public var mdTimescales: [[Double?]]
    public var modelTimescales: [[Double?]]
    /// The spread of the model's time scales over members, same shape.
    public var modelTimescaleErrors: [[Double?]]
    /// Chapman-Kolmogorov: P(set b at kτ | start in a) predicted by the model's one-step MSM
    /// (from synthetic trajectories) against MD's estimate at kτ, on metastable sets found on MD.
    public var chapmanKolmogorov: PropagatorCKTest?
    public var problems: [String]
}

public struct PropagatorCKTest: Codable, Sendable {
    public var lag: Double
    public var steps: [Int]
    /// predicted[k][a][b] from the model; estimated[k][a][b] from MD.
    public var predicted: [[[Double]]]
    public var estimated: [[[Double]]]
    public var largestDeviation: Double
}

public enum KineticComparison {
    /// - Parameters:
    ///   - md: MD latent trajectories (frames × m), one frame every `frameInterval` ps.
    ///   - members: per member its synthetic latent trajectories, one frame every `step` ps.
    ///   - timescales: the SRV's implied time scales (ps), which set the autocorrelation windows.
    public static func compare(md: [Matrix], members: [[Matrix]], frameInterval: Double, step: Double, stepFrames: Int,
                        timescales: [Double], settings: ValidationSettings) -> KineticValidation {
        let m = md.first?.cols ?? 0
        var comparisons: [EstimateComparison] = []
        var relaxationProblems: [String] = []
        for i in 0..<m {
            let slow = timescales.indices.contains(i) && timescales[i].isFinite ? timescales[i] : 10 * step
            do {
                let mdSeries = md.map { column($0, i) }
                let mdWindow = window(for: slow, spacing: frameInterval, longest: mdSeries.map(\.count).max() ?? 0, blocks: 5)
                let mdEstimate = try RelaxationTimeEstimate(mdSeries, maxLag: mdWindow)
                let memberTimes = members.compactMap { trajectories -> Double? in
                    let series = trajectories.map { column($0, i) }
                    let w = window(for: slow, spacing: step, longest: series.map(\.count).max() ?? 0, blocks: 2)
                    return (try? RelaxationTimeEstimate(series, maxLag: w, blocks: 2)).map { $0.fit.relaxationTime * step }
                }
                var comparison = EstimateComparison(
                    name: "ψ\(i + 1)",
                    md: Estimate(mdEstimate.relaxationTime.mean * frameInterval,
                                 error: mdEstimate.relaxationTime.standardError * frameInterval),
                    model: Estimate(samples: memberTimes, standardError: false))
                comparison.caveat = resolutionCaveat(comparison, mdTime: Double(md.reduce(0) { $0 + $1.rows }) * frameInterval,
                                                     step: step)
                comparisons.append(comparison)
            } catch {
                relaxationProblems.append("ψ\(i + 1): \(error)")
            }
        }

        var result = KineticValidation(relaxationTimes: comparisons, relaxationProblems: relaxationProblems, lags: [],
                                       mdTimescales: [], modelTimescales: [], modelTimescaleErrors: [],
                                       chapmanKolmogorov: nil, problems: [])
        do {
            try markovComparison(md: md, members: members, stepFrames: stepFrames, step: step, settings: settings,
                                 into: &result)
        } catch {
            result.problems.append("implied time scales: \(error)")
        }
        return result
    }

    /// Says plainly when a relaxation time cannot be resolved from these data: MD holding fewer than
    /// 20 relaxations (its block error is then unreliable), ensemble members disagreeing by more than
    /// half the value, or a time shorter than one MDN step (the propagator cannot see it).
    static func resolutionCaveat(_ c: EstimateComparison, mdTime: Double, step: Double) -> String? {
        var reasons: [String] = []
        if c.md.value.isFinite, mdTime < 20 * c.md.value {
            reasons.append("the MD holds fewer than 20 relaxation times (\(Int(mdTime / c.md.value)))")
        }
        if let error = c.model.error, c.model.value.isFinite, error > 0.5 * abs(c.model.value) {
            reasons.append("ensemble members disagree by more than half the value")
        }
        if min(c.md.value, c.model.value) < step {
            reasons.append("it is shorter than one MDN step (\(String(format: "%g", step)) ps)")
        }
        if c.model.error == nil { reasons.append("the ensemble gave no spread (one member, or fits failed)") }
        return reasons.isEmpty ? nil : "not resolved from these data: " + reasons.joined(separator: "; ")
    }

    /// An autocorrelation window of about ten slowest time scales, at least 10 points, and short
    /// enough that every block still holds a piece longer than it. Ten, not five: the integrated
    /// time's self-consistent window (Sokal, W ≥ 5 τ_int) needs 5τ for a single exponential and
    /// failed whenever τ_int came out a little high.
    static func window(for timescale: Double, spacing: Double, longest: Int, blocks: Int) -> Int {
        let wanted = Int((10 * timescale / spacing).rounded(.up))
        return max(2, min(max(wanted, 10), longest / (blocks + 1)))
    }

    static func column(_ m: Matrix, _ j: Int) -> [Double] {
        (0..<m.rows).map { Double(m.pointer[$0 * m.cols + j]) }
    }

    static func doubles(_ m: Matrix) -> DoubleMatrix { DoubleMatrix(m) }

    private static func markovComparison(md: [Matrix], members: [[Matrix]], stepFrames: Int, step: Double,
                                         settings: ValidationSettings, into result: inout KineticValidation) throws {
        let mdFrames = md.reduce(0) { $0 + $1.rows }
        let clusters = max(2, min(settings.clusters, mdFrames / 20))
        var options = KMeansOptions(clusters: clusters, seed: settings.seed)
        options.maxIterations = 50
        let centres = try KMeans.fit(md.map(doubles), options: options)
        let mdStates = try centres.assign(md.map(doubles))
        let memberStates = try members.map { try centres.assign($0.map(doubles)) }
        let pooled = memberStates.flatMap { $0 }
        let processes = min(settings.processes, clusters - 1)

        var lags: [Double] = [], mdTimes: [[Double?]] = [], modelTimes: [[Double?]] = [], modelErrors: [[Double?]] = []
        for multiple in settings.lagMultiples {
            lags.append(Double(multiple) * step)
            let mdScan = try? ImpliedTimescaleScan.estimate(mdStates, lags: [multiple * stepFrames], processes: processes,
                                                            stateCount: clusters)
            mdTimes.append((mdScan?.timescales.first ?? []).map { finite($0 * step / Double(stepFrames)) })
            let modelScan = try? ImpliedTimescaleScan.estimate(pooled, lags: [multiple], processes: processes,
                                                               stateCount: clusters)
            modelTimes.append((modelScan?.timescales.first ?? []).map { finite($0 * step) })
            let perMember = memberStates.compactMap {
                try? ImpliedTimescaleScan.estimate($0, lags: [multiple], processes: processes, stateCount: clusters)
                    .timescales.first
            }
            modelErrors.append((0..<processes).map { k in
                let values = perMember.compactMap { $0.indices.contains(k) ? $0[k] * step : nil }
                return Estimate(samples: values, standardError: false).error
            })
        }
        result.lags = lags
        result.mdTimescales = mdTimes
        result.modelTimescales = modelTimes
        result.modelTimescaleErrors = modelErrors

        // Chapman-Kolmogorov: metastable sets from MD's MSM at one MDN lag; the model's one-step
        // MSM predicts k steps ahead; MD's MSM at k MDN lags estimates them.
        let steps = settings.lagMultiples.max() ?? 1
        let mdModel = try MarkovStateModel.estimate(mdStates, lag: stepFrames, stateCount: clusters)
        let sets = try mdModel.pcca(sets: min(settings.metastableSets, mdModel.stateCount)).sets.filter { !$0.isEmpty }
        let modelModel = try MarkovStateModel.estimate(pooled, lag: 1, stateCount: clusters)
        let predicted = try modelModel.chapmanKolmogorovTest(pooled, steps: steps, sets: .states(sets)).predicted
        let estimated = try mdModel.chapmanKolmogorovTest(mdStates, steps: steps, sets: .states(sets)).estimated
        var worst = 0.0
        for (p, e) in zip(predicted, estimated) {
            for (pa, ea) in zip(p, e) { for (x, y) in zip(pa, ea) { worst = max(worst, abs(x - y)) } }
        }
        result.chapmanKolmogorov = PropagatorCKTest(lag: step, steps: Array(1...steps), predicted: predicted,
                                                    estimated: estimated, largestDeviation: worst)
    }
}
