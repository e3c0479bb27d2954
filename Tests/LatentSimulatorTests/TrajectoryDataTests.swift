import Foundation
import LatentSimulator
import NeuralNet
import Testing

@Suite("Trajectory data, lagged pairs and splits")
struct TrajectoryDataTests {
    static func ramp(_ rows: Int, from start: Float) -> Matrix {
        Matrix(rows: rows, cols: 1, values: (0..<rows).map { start + Float($0) })
    }

    @Test("pairs never cross trajectories and follow the lag")
    func pairsInsideTrajectories() throws {
        let data = try TrajectoryData([Self.ramp(5, from: 0), Self.ramp(3, from: 100)])
        let pairs = LaggedPairs(segments: data.segments, lag: 2)
        // Trajectory 0 (rows 0-4) gives (0,2),(1,3),(2,4); trajectory 1 (rows 5-7) gives (5,7).
        #expect(pairs.from == [0, 1, 2, 5])
        #expect(pairs.to == [2, 3, 4, 7])
        let reversed = pairs.withTimeReversal
        #expect(reversed.from == [0, 1, 2, 5, 2, 3, 4, 7])
        #expect(reversed.to == [2, 3, 4, 7, 0, 1, 2, 5])
        #expect(LaggedPairs(segments: data.segments, lag: 1, stride: 2).from == [0, 2, 5, 7].filter { $0 != 7 })
    }

    @Test("bad input is refused with the trajectory named")
    func refusesBadInput() {
        #expect(throws: LatentSimulatorError.self) { try TrajectoryData([]) }
        let wide = Matrix(rows: 2, cols: 2)
        #expect { try TrajectoryData([Self.ramp(3, from: 0), wide]) } throws: { error in
            (error as? LatentSimulatorError)?.problem.contains("trajectory 1") == true
        }
        let bad = Self.ramp(4, from: 0)
        bad.pointer[2] = .nan
        #expect { try TrajectoryData([bad]) } throws: { error in
            (error as? LatentSimulatorError)?.problem.contains("frame 2") == true
        }
    }

    @Test("a split of one trajectory holds out whole blocks, disjoint and covering")
    func blockSplit() throws {
        let data = try TrajectoryData([Self.ramp(1000, from: 0)])
        var generator = RandomGenerator(seed: 3)
        let split = try SegmentSplit(data: data, validationFraction: 0.2, lag: 5, generator: &generator)
        let training = Set(split.training.flatMap { Array($0) }), validation = Set(split.validation.flatMap { Array($0) })
        #expect(training.isDisjoint(with: validation))
        #expect(training.union(validation) == Set(0..<1000))
        #expect(abs(Double(validation.count) / 1000 - 0.2) <= 0.1)
        // Blocks are contiguous and at least 4 lags long.
        #expect(split.validation.allSatisfy { $0.count >= 20 })
    }

    @Test("a split of many trajectories holds out whole trajectories")
    func trajectorySplit() throws {
        let data = try TrajectoryData((0..<20).map { Self.ramp(50, from: Float($0) * 1000) })
        var generator = RandomGenerator(seed: 4)
        let split = try SegmentSplit(data: data, validationFraction: 0.25, lag: 1, generator: &generator)
        #expect(split.validation.allSatisfy { data.segments.contains($0) })
        #expect(split.validation.count == 5)
        #expect(split.training.count == 15)
    }

    @Test("too little data for a split is refused")
    func tooLittle() throws {
        let data = try TrajectoryData([Self.ramp(10, from: 0)])
        var generator = RandomGenerator(seed: 5)
        #expect(throws: LatentSimulatorError.self) {
            try SegmentSplit(data: data, validationFraction: 0.2, lag: 10, generator: &generator)
        }
    }

    @Test("a bootstrap draws whole blocks with replacement")
    func bootstrapBlocks() throws {
        var generator = RandomGenerator(seed: 6)
        let resample = SegmentSplit.bootstrap([0..<1000], blocks: 10, minimumBlockLength: 50, generator: &generator)
        #expect(resample.count == 10)
        #expect(resample.allSatisfy { $0.count == 100 && $0.lowerBound % 100 == 0 })
        #expect(Set(resample).count < 10)   // 10 draws from 10 blocks repeat one with probability 1 - 10!/10¹⁰
    }

    @Test("data-poor defaults shrink with the data")
    func regime() {
        let small = DataRegime(pairs: 500), large = DataRegime(pairs: 1_000_000)
        #expect(small.batchSize == 32 && small.width < large.width && small.patience > large.patience)
        #expect(large.batchSize == 1024 && large.width == 100)
    }
}

@Suite("The --scan-lag choice")
struct LagScanChoiceTests {
    static func score(_ lag: Int, _ m: Int, _ mean: Double, _ se: Double) -> SRVLagScore {
        SRVLagScore(lag: lag, dimension: m, mean: mean, standardError: se, foldScores: [])
    }

    @Test("the smallest dimension within one standard error, at the shortest lag where it has settled")
    func choice() throws {
        let scores = [
            // Lag 1: fast processes still resolved, three coordinates needed.
            Self.score(1, 1, 1.60, 0.01), Self.score(1, 2, 1.90, 0.01), Self.score(1, 3, 2.10, 0.01),
            // Lags 5 and 10: the third coordinate adds less than one standard error.
            Self.score(5, 1, 1.50, 0.01), Self.score(5, 2, 1.70, 0.02), Self.score(5, 3, 1.71, 0.02),
            Self.score(10, 1, 1.40, 0.01), Self.score(10, 2, 1.55, 0.02), Self.score(10, 3, 1.56, 0.02),
        ]
        #expect(LagScanChoice.dimension(at: 1, scores)?.dimension == 3)
        #expect(LagScanChoice.dimension(at: 10, scores)?.dimension == 2)
        let pick = try #require(LagScanChoice.pick(scores))
        #expect(pick.lag == 5 && pick.dimension == 2)
        #expect(LagScanChoice.pick([]) == nil)
    }
}
