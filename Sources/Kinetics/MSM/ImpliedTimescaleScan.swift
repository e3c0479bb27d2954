import Foundation
import NeuralNet

/// How the error bars of an implied-time-scale scan are estimated.
public enum TimescaleErrorEstimate: Sendable, Equatable {
    case none
    /// Re-estimate on `samples` bootstrap resamples of whole trajectories (drawn with replacement);
    /// the error is the standard deviation over the resamples. Needs at least two trajectories.
    case bootstrap(samples: Int, seed: UInt64)
    /// Cut the data into this many contiguous blocks of about equal frame counts (each trajectory is
    /// cut at the block boundaries), estimate on each block, and give the standard error of the
    /// block mean, s / √blocks (DESIGN.md §9 uses five blocks for MD).
    case blocks(Int)
}

/// Implied time scales of MSMs estimated at a series of lags, the standard check of the choice of lag:
/// once the model is Markovian they no longer depend on it.
public struct ImpliedTimescaleScan: Codable, Sendable, Equatable {
    /// The lags in frames.
    public let lags: [Int]
    /// timescales[l][k]: the (k+1)-th slowest time scale at lags[l], in frames.
    public let timescales: [[Double]]
    /// One-standard-error bars of the same shape, or nil without an error estimate.
    public let errors: [[Double]]?
    /// The resamples or blocks whose estimate succeeded, per lag (0 without an error estimate).
    public let errorSamples: [Int]

    /// Estimates an MSM at every lag of `lags` and records its `processes` slowest time scales.
    public static func estimate(_ trajectories: [[Int]], lags: [Int], processes: Int, stateCount: Int? = nil,
                                options: MSMOptions = MSMOptions(),
                                errors: TimescaleErrorEstimate = .none) throws -> ImpliedTimescaleScan {
        guard !lags.isEmpty else { throw KineticsError(.emptySelection, "the implied-time-scale scan needs at least one lag") }
        guard processes >= 1 else {
            throw KineticsError(.invalidArgument, "the implied-time-scale scan needs processes ≥ 1, got \(processes)")
        }
        let fullCount = try stateCount ?? TransitionCounts(trajectories, lag: 1).stateCount
        let pieces = try errorPieces(trajectories, errors: errors)
        var timescales = [[Double]](), errorBars = [[Double]](), used = [Int]()
        for lag in lags {
            let model = try MarkovStateModel.estimate(trajectories, lag: lag, stateCount: fullCount, options: options)
            guard model.stateCount > processes else {
                throw KineticsError(.insufficientData, "at lag \(lag) frames the MSM has \(model.stateCount) connected states, "
                                        + "too few for \(processes) time scales; use more states or fewer processes")
            }
            timescales.append(try model.timescales(count: processes))
            guard !pieces.isEmpty else { used.append(0); continue }
            var samples = [[Double]]()
            for piece in pieces {
                guard let sample = try? MarkovStateModel.estimate(piece, lag: lag, stateCount: fullCount, options: options),
                      sample.stateCount > processes,
                      let values = try? sample.timescales(count: processes),
                      values.allSatisfy(\.isFinite)
                else { continue }
                samples.append(values)
            }
            guard samples.count >= 2 else {
                throw KineticsError(.insufficientData, "at lag \(lag) frames only \(samples.count) of \(pieces.count) "
                                        + "resamples or blocks gave an MSM; use fewer blocks, shorter lags or more data")
            }
            let scale: Double
            if case .blocks = errors { scale = 1 / Double(samples.count).squareRoot() } else { scale = 1 }
            errorBars.append((0..<processes).map { k in
                let values = samples.map { $0[k] }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
                return variance.squareRoot() * scale
            })
            used.append(samples.count)
        }
        return ImpliedTimescaleScan(lags: lags, timescales: timescales,
                                    errors: pieces.isEmpty ? nil : errorBars, errorSamples: used)
    }

    /// The data sets the error estimate re-estimates on: bootstrap resamples or blocks.
    private static func errorPieces(_ trajectories: [[Int]], errors: TimescaleErrorEstimate) throws -> [[[Int]]] {
        switch errors {
        case .none:
            return []
        case .bootstrap(let samples, let seed):
            guard samples >= 2 else { throw KineticsError(.invalidArgument, "bootstrap needs at least 2 samples, got \(samples)") }
            let usable = trajectories.filter { !$0.isEmpty }
            guard usable.count >= 2 else {
                throw KineticsError(.insufficientData, "the bootstrap resamples whole trajectories and needs at least two; "
                                        + "with one trajectory use block error bars")
            }
            var generator = RandomGenerator(seed: seed)
            return (0..<samples).map { _ in (0..<usable.count).map { _ in usable[generator.integer(below: usable.count)] } }
        case .blocks(let count):
            guard count >= 2 else { throw KineticsError(.invalidArgument, "block error bars need at least 2 blocks, got \(count)") }
            let total = trajectories.reduce(0) { $0 + $1.count }
            guard total >= count else {
                throw KineticsError(.insufficientData, "\(total) frames cannot be cut into \(count) blocks")
            }
            // Block b holds the frames with global index in [b·total/count, (b+1)·total/count).
            var blocks = [[[Int]]](repeating: [], count: count)
            var offset = 0
            for trajectory in trajectories {
                var start = 0
                while start < trajectory.count {
                    let block = (offset + start) * count / total
                    let blockEnd = ((block + 1) * total + count - 1) / count
                    let end = min(trajectory.count, blockEnd - offset)
                    blocks[block].append(Array(trajectory[start..<end]))
                    start = end
                }
                offset += trajectory.count
            }
            return blocks
        }
    }
}
