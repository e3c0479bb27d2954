import Foundation
import Kinetics
import Testing
import TestSupport

@Suite struct StatisticsBlockAverageTests {
    /// Hand-computed: 1…10 in 5 blocks has block means 1.5, 3.5, …, 9.5; their sd (n − 1) is √10,
    /// so the standard error is √10/√5 = √2.
    @Test func handComputedBlocks() throws {
        let average = try BlockAverage((1...10).map(Double.init), blocks: 5)
        #expect(average.blockValues == [1.5, 3.5, 5.5, 7.5, 9.5])
        #expect(abs(average.mean - 5.5) < 1e-15)
        #expect(abs(average.standardError - 2.0.squareRoot()) < 1e-12)
        // 11 values: boundaries ⌊11k/5⌋ = 0, 2, 4, 6, 8, 11.
        let uneven = try BlockAverage((1...11).map(Double.init), blocks: 5)
        #expect(uneven.blockValues == [1.5, 3.5, 5.5, 7.5, 10])
        #expect(uneven.mean == 6)
        let given = try BlockAverage(blockValues: [1, 2, 3], overall: 2.5)
        #expect(given.mean == 2.5 && abs(given.standardError - (1.0 / 3).squareRoot()) < 1e-12)
    }

    /// On independent N(0, σ²) data the block standard error estimates σ/√n. One estimate from five
    /// blocks scatters by ~35 %, so 400 independent replicates are averaged: E[SE²] = σ²/n exactly,
    /// and the mean of 400 SE² values has a relative sd of √(2/4)/√400 = 3.5 %; tolerance 12 % (3.4 sd).
    @Test func independentGaussianBlocksGiveSigmaOverRootN() throws {
        let n = 5_000, sigma = 2.0, replicates = 400
        var meanSquaredError = 0.0
        for r in 0..<replicates {
            let values = StatisticsTestData.gaussians(n, sd: sigma, seed: 1_000 + UInt64(r))
            let average = try BlockAverage(values, blocks: 5)
            meanSquaredError += average.standardError * average.standardError / Double(replicates)
        }
        let expected = sigma * sigma / Double(n)
        #expect(abs(meanSquaredError / expected - 1) < 0.12, "mean SE² \(meanSquaredError) vs σ²/n \(expected)")
    }

    @Test func badInputIsRefused() {
        expectStatisticsError(.invalidArgument, "one block") { _ = try BlockAverage([1, 2, 3], blocks: 1) }
        expectStatisticsError(.insufficientData, "fewer values than blocks") { _ = try BlockAverage([1, 2, 3], blocks: 5) }
        expectStatisticsError(.invalidArgument, "NaN value") { _ = try BlockAverage([1, .nan, 3, 4, 5], blocks: 5) }
        expectStatisticsError(.insufficientData, "one block value") { _ = try BlockAverage(blockValues: [1]) }
        expectStatisticsError(.numerical, "infinite block value") { _ = try BlockAverage(blockValues: [1, .infinity]) }
    }
}
