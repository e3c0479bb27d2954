import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

@Suite struct CovarianceTests {
    typealias Data = CovarianceTestData

    /// Several trajectories (one shorter than the lag), stride 3, and weights of both signs: the
    /// streamed estimate equals the two-pass definition to rounding (1e-12 relative: the sums are
    /// ~10³ terms of order 1, so rounding stays near 1e-14).
    @Test func matchesTheDefinitionWithStrideAndSignedWeights() throws {
        let trajectories = [Data.trajectory(frames: 300, features: 4, seed: 1), Data.trajectory(frames: 4, features: 4, seed: 2),
                            Data.trajectory(frames: 170, features: 4, seed: 3)]
        var random = SplitMix64(seed: 9)
        let weights = trajectories.map { x in (0..<x.rows).map { _ in random.uniform() * 2 - 0.3 } }
        for stride in [1, 3] {
            for w in [nil, weights] {
                let streamed = try TimeLaggedCovariances.estimate(trajectories, lag: 5, stride: stride, weights: w)
                let reference = Data.naive(trajectories, lag: 5, stride: stride, weights: w)
                #expect(streamed.pairCount == reference.pairCount)
                #expect(abs(streamed.totalWeight - reference.totalWeight) < 1e-9)
                #expect(Data.relativeDifference(streamed, reference) < 1e-12, "stride \(stride), weighted \(w != nil)")
            }
        }
        #expect(TimeLaggedPairs.count(frames: 300, lag: 5, stride: 3) == 99)
    }

    /// Splitting a trajectory into two chunks at every offset, or into one-frame chunks, gives the same
    /// numbers bit for bit: the staging does not depend on chunk boundaries.
    @Test func chunkBoundariesDoNotMatter() throws {
        let x = Data.trajectory(frames: 41, features: 3, seed: 4)
        let whole = try TimeLaggedCovariances.estimate([x], lag: 4, stride: 2)
        func rows(_ range: Range<Int>) -> DoubleMatrix {
            DoubleMatrix(rows: range.count, cols: 3, values: Array(x.values[(range.lowerBound * 3)..<(range.upperBound * 3)]))
        }
        for split in 0...41 {
            let accumulator = try TimeLaggedCovarianceAccumulator(features: 3, lag: 4, stride: 2, blockRows: 7)
            accumulator.beginTrajectory()
            try accumulator.add(rows(0..<split))
            try accumulator.add(rows(split..<41))
            accumulator.endTrajectory()
            let streamed = try accumulator.covariances()
            let inMemory = try TimeLaggedCovarianceAccumulator(features: 3, lag: 4, stride: 2, blockRows: 7)
            try inMemory.add(trajectory: x)
            let identical = try streamed == inMemory.covariances()
            #expect(identical, "split at \(split)")
        }
        let single = try TimeLaggedCovarianceAccumulator(features: 3, lag: 4, stride: 2)
        single.beginTrajectory()
        for t in 0..<41 { try single.add(rows(t..<(t + 1))) }
        single.endTrajectory()
        let identical = try single.covariances() == whole
        #expect(identical)
    }

    /// Weights of 1 give exactly the unweighted numbers.
    @Test func unitWeightsEqualNoWeights() throws {
        let trajectories = [Data.trajectory(frames: 200, features: 5, seed: 5), Data.trajectory(frames: 90, features: 5, seed: 6)]
        let ones = trajectories.map { [Double](repeating: 1, count: $0.rows) }
        let weighted = try TimeLaggedCovariances.estimate(trajectories, lag: 3, weights: ones)
        let plain = try TimeLaggedCovariances.estimate(trajectories, lag: 3)
        #expect(Data.relativeDifference(weighted, plain) < 1e-14)
        #expect(weighted.totalWeight == plain.totalWeight)
    }

    /// Features at 10⁶ with unit spread: the covariances keep their digits. The reference is the
    /// definition evaluated on the data minus 10⁶ (an exact subtraction for values in [5·10⁵, 2·10⁶]).
    /// Without the shift, E[x²] − E[x]² would lose 12 digits (error ~1e-4 here); the bound is 1e-10.
    @Test func largeOffsetsKeepPrecision() throws {
        let centered = Data.trajectory(frames: 2000, features: 3, seed: 7)
        let offset = DoubleMatrix(rows: centered.rows, cols: 3, values: centered.values.map { $0 + 1e6 })
        let exactCentered = DoubleMatrix(rows: offset.rows, cols: 3, values: offset.values.map { $0 - 1e6 })
        let streamed = try TimeLaggedCovariances.estimate([offset], lag: 2)
        let reference = Data.naive([exactCentered], lag: 2)
        #expect(streamed.c00.maxAbsoluteDifference(reference.c00) < 1e-10)
        #expect(streamed.c0t.maxAbsoluteDifference(reference.c0t) < 1e-10)
        #expect(streamed.ctt.maxAbsoluteDifference(reference.ctt) < 1e-10)
        #expect(abs(streamed.mean0[0] - 1e6 - reference.mean0[0]) < 1e-9)
    }

    /// The symmetrized estimate equals the definition with every pair counted both ways.
    @Test func symmetrizedMatchesPairsCountedBothWays() throws {
        let x = Data.trajectory(frames: 150, features: 3, seed: 8)
        let symmetric = try TimeLaggedCovariances.estimate([x], lag: 2).symmetrized
        // Forward pairs plus reversed pairs: the reversed trajectory gives (x_{t+τ}, x_t).
        var reversed = DoubleMatrix(rows: x.rows, cols: 3)
        for t in 0..<x.rows { for k in 0..<3 { reversed[t, k] = x[x.rows - 1 - t, k] } }
        let both = Data.naive([x, reversed], lag: 2)
        #expect(symmetric.c0.maxAbsoluteDifference(both.c00) < 1e-12)
        #expect(symmetric.c1.maxAbsoluteDifference(both.c0t) < 1e-12)
        #expect(zip(symmetric.mean, both.mean0).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func aLagLongerThanEveryTrajectoryIsRefused() throws {
        let trajectories = [Data.trajectory(frames: 30, features: 2, seed: 1), Data.trajectory(frames: 50, features: 2, seed: 2)]
        do {
            _ = try TimeLaggedCovariances.estimate(trajectories, lag: 50)
            Issue.record("expected an error")
        } catch let error as KineticsError {
            #expect(error.kind == .insufficientData)
            #expect(error.problem.contains("50 frames") && error.problem.contains("lag of 50"))
        }
        // One trajectory long enough is enough; the short one is skipped.
        #expect(try TimeLaggedCovariances.estimate(trajectories, lag: 40).pairCount == 10)
        #expect(throws: KineticsError.self) { try TimeLaggedCovariances.estimate(trajectories, lag: 0) }
        #expect(throws: KineticsError.self) { try TimeLaggedCovariances.estimate(trajectories, lag: 2, stride: 0) }
        #expect(throws: KineticsError.self) { try TimeLaggedCovariances.estimate([], lag: 2) }
    }

    @Test func mismatchedInputsAreRefused() throws {
        let a = Data.trajectory(frames: 30, features: 2, seed: 1), b = Data.trajectory(frames: 30, features: 3, seed: 2)
        do {
            _ = try TimeLaggedCovariances.estimate([a, b], lag: 2)
            Issue.record("expected an error")
        } catch let error as KineticsError {
            #expect(error.kind == .mismatch && error.problem.contains("trajectory 1 has 3 features"))
        }
        #expect(throws: KineticsError.self) { try TimeLaggedCovariances.estimate([a], lag: 2, weights: [[1, 2]]) }
        #expect(throws: KineticsError.self) {
            try TimeLaggedCovariances.estimate([a], lag: 2, weights: [[Double](repeating: -1, count: 30)])
        }
        var bad = a
        bad[3, 1] = .nan
        #expect(throws: KineticsError.self) { try TimeLaggedCovariances.estimate([bad], lag: 2) }
    }

    @Test func roundTripsThroughJSON() throws {
        let c = try TimeLaggedCovariances.estimate([Data.trajectory(frames: 40, features: 3, seed: 3)], lag: 2)
        let decoded = try JSONDecoder().decode(TimeLaggedCovariances.self, from: JSONEncoder().encode(c))
        #expect(decoded == c)
    }
}
