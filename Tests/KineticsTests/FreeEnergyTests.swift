import Foundation
import Kinetics
import Testing
import TestSupport

@Suite struct FreeEnergyTests {
    /// The standard error of F in each bin for independent samples, by the delta method:
    /// var p̂_i = Σ_j w_j² (1_i(j) − p_i)² / (Σ_j w_j)² and SE(F_i) = kT √(var p̂_i) / p_i. With unit
    /// weights this is the multinomial kT √((1 − p)/(N p)).
    func independentSampleErrors(_ samples: [[Double]], weights: [[Double]]?, axis: HistogramAxis, kT: Double) -> [Double] {
        var inBin = [Double](repeating: 0, count: axis.bins), inBinSquares = inBin
        var total = 0.0, totalSquares = 0.0
        for (t, values) in samples.enumerated() {
            for (i, x) in values.enumerated() {
                let w = weights?[t][i] ?? 1
                total += w
                totalSquares += w * w
                let bin = axis.binIndex(of: x)
                if bin >= 0 && bin < axis.bins { inBin[bin] += w; inBinSquares[bin] += w * w }
            }
        }
        return (0..<axis.bins).map { i in
            let p = inBin[i] / total
            let variance = (inBinSquares[i] * (1 - p) * (1 - p) + (totalSquares - inBinSquares[i]) * p * p) / (total * total)
            return kT * variance.squareRoot() / p
        }
    }

    /// Checks F(x) against kT x²/(2σ²) + c over the bins with |x| < 2σ.
    ///
    /// Independent reference: the Gaussian's −kT ln density. The bin average of the density differs
    /// from its centre value by < 0.002 kT here (Δ²/24 · |x²/σ⁴ − 1/σ²| for Δ = 0.2, σ ≥ 0.8), well
    /// below the statistical error (≥ 0.01 kT). The constant c is the mean difference. Tolerances:
    /// - each bin within 4.5 standard errors of independent sampling (`independentSampleErrors`,
    ///   exact for these i.i.d. samples; P(|z| > 4.5) < 10⁻⁵ per bin);
    /// - within the block errors: the RMS of (F − ref − c)/SE_block over the bins in [0.3, 2];
    /// - the block errors themselves: the mean of SE_block² / SE_independent² in [0.5, 1.5]. One
    ///   five-block variance scatters like χ²₄/4 (relative sd 71 %), the mean over ~20-30 bins by
    ///   ~15 %, so 0.5-1.5 is more than 3 sd; a block error formula off by a factor √2 fails.
    func expectGaussianProfile(_ profile: FreeEnergyProfile, samples: [[Double]], weights: [[Double]]?,
                               sigma: Double, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let kT = profile.kT
        let centers = profile.axis.centers
        let central = centers.indices.filter { abs(centers[$0]) < 2 * sigma }
        let reference = centers.map { kT * $0 * $0 / (2 * sigma * sigma) }
        let expectedErrors = independentSampleErrors(samples, weights: weights, axis: profile.axis, kT: kT)
        let shift = central.reduce(0) { $0 + profile.values[$1] - reference[$1] } / Double(central.count)
        var sumSquares = 0.0, varianceRatio = 0.0
        for i in central {
            let error = profile.standardErrors[i]
            try #require(error.isFinite && error > 0, sourceLocation: sourceLocation)
            let deviation = profile.values[i] - reference[i] - shift
            #expect(abs(deviation) < 4.5 * expectedErrors[i],
                    "bin at x = \(centers[i]): off by \(deviation), sampling error \(expectedErrors[i])",
                    sourceLocation: sourceLocation)
            sumSquares += (deviation / error) * (deviation / error)
            varianceRatio += (error * error) / (expectedErrors[i] * expectedErrors[i]) / Double(central.count)
        }
        let rms = (sumSquares / Double(central.count)).squareRoot()
        #expect(rms > 0.3 && rms < 2, "RMS deviation in block errors \(rms)", sourceLocation: sourceLocation)
        #expect(varianceRatio > 0.5 && varianceRatio < 1.5, "mean SE_block²/SE_independent² \(varianceRatio)",
                sourceLocation: sourceLocation)
        #expect(profile.values.min() == 0, sourceLocation: sourceLocation)
    }

    /// 200 000 independent N(0, 1.5²) samples in four trajectories at 300 K, both block splits.
    @Test func gaussianSampleGivesAParabola() throws {
        let sigma = 1.5
        let trajectories = (0..<4).map { StatisticsTestData.gaussians(50_000, sd: sigma, seed: 40 + UInt64($0)) }
        let kT = try ThermalEnergy.kT(temperature: 300)
        #expect(abs(kT - 2.49433878) < 1e-8)
        let axis = try HistogramAxis(lower: -6, upper: 6, bins: 60)
        for split in BlockSplit.allCases {
            let profile = try FreeEnergyProfile(trajectories, axis: axis, kT: kT, split: split)
            try expectGaussianProfile(profile, samples: trajectories, weights: nil, sigma: sigma)
            #expect(profile.blocks == 5 && profile.split == split)
        }
    }

    /// Reweighting N(0, 1) samples by w ∝ N(x; 0, σ²)/N(x; 0, 1) gives the profile of N(0, σ²):
    /// the weights enter as probabilities.
    @Test func weightsReweightTheProfile() throws {
        let target = 0.8
        let samples = (0..<2).map { StatisticsTestData.gaussians(100_000, seed: 60 + UInt64($0)) }
        let weights = samples.map { $0.map { exp($0 * $0 / 2 * (1 - 1 / (target * target))) } }
        let profile = try FreeEnergyProfile(samples, axis: HistogramAxis(lower: -4, upper: 4, bins: 40), kT: 1,
                                            weights: weights)
        try expectGaussianProfile(profile, samples: samples, weights: weights, sigma: target)
        let unit = try FreeEnergyProfile(samples, axis: profile.axis, kT: 1, weights: samples.map { $0.map { _ in 1 } })
        let plain = try FreeEnergyProfile(samples, axis: profile.axis, kT: 1)
        #expect(unit == plain)
    }

    /// Block errors by hand on two 2-bin blocks (kT = 1).
    /// Concatenated: block 1 = A = (0.1, 0.1, 0.9, 0.9) → p = (½, ½); block 2 = B → (¾, ¼).
    /// SE = |F₁ − F₂|/2 (sd of two values over √2): ln(3/2)/2 and ln 2/2.
    /// Within each trajectory: block 1 = first halves = four samples of 0.1 → bin 1 empty in a block.
    @Test func blockErrorsByHand() throws {
        let a = [0.1, 0.1, 0.9, 0.9], b = [0.1, 0.1, 0.1, 0.9]
        let axis = try HistogramAxis(lower: 0, upper: 1, bins: 2)
        let joined = try FreeEnergyProfile([a, b], axis: axis, kT: 1, blocks: 2)
        #expect(abs(joined.values[0]) < 1e-15 && abs(joined.values[1] - log(5.0 / 3)) < 1e-12)
        #expect(abs(joined.standardErrors[0] - log(1.5) / 2) < 1e-12)
        #expect(abs(joined.standardErrors[1] - log(2.0) / 2) < 1e-12)
        #expect(joined.blocksVisiting == [2, 2] && joined.binsMissingFromSomeBlock == 0)

        let within = try FreeEnergyProfile([a, b], axis: axis, kT: 1, blocks: 2, split: .withinEachTrajectory)
        #expect(within.values == joined.values)
        #expect(within.blocksVisiting == [2, 1])
        #expect(within.standardErrors[1] == .infinity && within.binsMissingFromSomeBlock == 1)
        // Block 1 = (0.1 ×4) → F₀ = 0; block 2 = (0.9, 0.9, 0.1, 0.9) → F₀ = ln 4: SE = ln 4 / 2.
        #expect(abs(within.standardErrors[0] - log(4.0) / 2) < 1e-12)
    }

    /// Unvisited bins are +∞ (value and error), counted, and nothing is NaN.
    @Test func unvisitedBinsAreInfiniteAndCounted() throws {
        let samples = StatisticsTestData.gaussians(5_000, seed: 70)
        let axis = try HistogramAxis(lower: -10, upper: 10, bins: 40)
        let profile = try FreeEnergyProfile([samples], axis: axis, kT: 1)
        let edges = axis.edges
        let empty = (0..<40).filter { i in !samples.contains { $0 >= edges[i] && $0 < edges[i + 1] } }
        #expect(empty.count > 20)
        #expect(profile.unvisitedBins == empty.count)
        for i in empty { #expect(profile.values[i] == .infinity && profile.standardErrors[i] == .infinity) }
        #expect(!profile.values.contains { $0.isNaN } && !profile.standardErrors.contains { $0.isNaN })
        // Rare tail bins are seen by some blocks only: finite F, infinite error, fewer visiting blocks.
        #expect(profile.binsMissingFromSomeBlock > 0)
        for i in profile.values.indices where profile.values[i].isFinite && profile.blocksVisiting[i] < 5 {
            #expect(profile.standardErrors[i] == .infinity)
        }
    }

    /// Two independent Gaussians: F(x, y) = kT (x²/2σx² + y²/2σy²) + c on the central bins; the 2-D
    /// layout is x along rows (x varies slowest).
    @Test func gaussianSurface() throws {
        let n = 300_000
        let x = StatisticsTestData.gaussians(n, sd: 1, seed: 80), y = StatisticsTestData.gaussians(n, sd: 0.5, seed: 81)
        let xAxis = try HistogramAxis(lower: -3, upper: 3, bins: 20), yAxis = try HistogramAxis(lower: -1.5, upper: 1.5, bins: 15)
        let surface = try FreeEnergySurface(x: [x], y: [y], xAxis: xAxis, yAxis: yAxis, kT: 2)
        let cx = xAxis.centers, cy = yAxis.centers
        var bins = [(Int, Int)]()
        for i in cx.indices where abs(cx[i]) < 1.5 { for j in cy.indices where abs(cy[j]) < 0.75 { bins.append((i, j)) } }
        // Bin widths 0.3 and 0.2 (0.3σx, 0.4σy): use the exact bin integral of the density as reference.
        func cell(_ e: [Double], _ k: Int, _ s: Double) -> Double {
            (erf(e[k + 1] / (s * 2.0.squareRoot())) - erf(e[k] / (s * 2.0.squareRoot()))) / 2
        }
        let ex = xAxis.edges, ey = yAxis.edges
        let reference = bins.map { -2 * log(cell(ex, $0.0, 1) * cell(ey, $0.1, 0.5)) }
        let values = bins.map { surface[$0.0, $0.1] }
        let shift = zip(values, reference).reduce(0) { $0 + $1.0 - $1.1 } / Double(bins.count)
        // Tolerance: 4.5 multinomial standard errors kT √((1 − p)/(N p)) per bin (exact for i.i.d.
        // samples), and the block errors on average within a factor 1.5 in variance (see above).
        var varianceRatio = 0.0
        for (k, (i, j)) in bins.enumerated() {
            let p = surface.histogram[i, j] / Double(n)
            let expected = 2 * ((1 - p) / (Double(n) * p)).squareRoot()
            #expect(abs(values[k] - reference[k] - shift) < 4.5 * expected, "bin (\(i), \(j))")
            let error = surface.standardErrors[i * yAxis.bins + j]
            varianceRatio += error * error / (expected * expected) / Double(bins.count)
        }
        #expect(varianceRatio > 0.5 && varianceRatio < 1.5, "mean SE_block²/SE_multinomial² \(varianceRatio)")
        #expect(surface.values.min() == 0 && surface.histogram.sampleCount == n)
        #expect(surface.histogram.outOfRange.count > 0)
    }

    @Test func badInputIsRefused() throws {
        let axis = try HistogramAxis(lower: 0, upper: 1, bins: 4)
        let data = [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]]
        expectStatisticsError(.invalidArgument, "kT zero") { _ = try FreeEnergyProfile(data, axis: axis, kT: 0) }
        expectStatisticsError(.invalidArgument, "negative temperature") { _ = try ThermalEnergy.kT(temperature: -3) }
        expectStatisticsError(.invalidArgument, "one block") { _ = try FreeEnergyProfile(data, axis: axis, kT: 1, blocks: 1) }
        expectStatisticsError(.insufficientData, "more blocks than frames") {
            _ = try FreeEnergyProfile(data, axis: axis, kT: 1, blocks: 7)
        }
        expectStatisticsError(.insufficientData, "a block wholly out of range") {
            _ = try FreeEnergyProfile([[0.1, 0.2, 0.3, 0.4, 5]], axis: axis, kT: 1)
        }
        expectStatisticsError(.invalidArgument, "NaN sample") { _ = try FreeEnergyProfile([[0.1, .nan]], axis: axis, kT: 1) }
        expectStatisticsError(.emptySelection, "no data") { _ = try FreeEnergyProfile([], axis: axis, kT: 1) }
        expectStatisticsError(.mismatch, "unpaired surface") {
            _ = try FreeEnergySurface(x: data, y: [[0.1]], xAxis: axis, yAxis: axis, kT: 1)
        }
    }
}

@Suite struct FreeEnergyComparisonTests {
    @Test func aKnownShiftGivesZero() throws {
        let reference = [0, 0.4, 1.3, 2.2, 7, .infinity]
        let model = reference.map { $0 + 3.7 }
        for alignment in FreeEnergyAlignment.allCases {
            let comparison = try FreeEnergyComparison(model: model, reference: reference, kT: 1, alignment: alignment)
            #expect(comparison.rmse < 1e-12 && abs(comparison.shift + 3.7) < 1e-12)
            #expect(comparison.referenceBins == 4 && comparison.comparedBins == 4 && comparison.binsUnvisitedByModel.isEmpty)
        }
    }

    /// Reference (0, 1, 2, 10, ∞), cutoff 4 kT: bins 0-2. The model misses bin 1 (reported) and
    /// sits 0.5 above the reference on bins 0 and 2: the least-squares shift removes that exactly,
    /// minima alignment (model minimum 0 in bin 3) leaves 0.5.
    @Test func handExample() throws {
        let reference = [0, 1, 2, 10, .infinity], model = [0.5, .infinity, 2.5, 0, 3]
        let shifted = try FreeEnergyComparison(model: model, reference: reference, kT: 1)
        #expect(shifted.rmse < 1e-12 && shifted.binsUnvisitedByModel == [1] && shifted.comparedBins == 2)
        let minima = try FreeEnergyComparison(model: model, reference: reference, kT: 1, alignment: .minima)
        #expect(abs(minima.rmse - 0.5) < 1e-12 && minima.shift == 0 && minima.binsUnvisitedByModel == [1])
        // (0, 1, 2, 3) vs (0, 2, 2, 3): shift −¼, residuals (−¼, ¾, −¼, −¼), RMSE √(3/16).
        let off = try FreeEnergyComparison(model: [0, 2, 2, 3], reference: [0, 1, 2, 3], kT: 1)
        #expect(abs(off.rmse - (3.0 / 16).squareRoot()) < 1e-12 && abs(off.shift + 0.25) < 1e-12)
        // The cutoff is in kT: with kT = 2.5, 9 < 10 is in and 11 is out.
        let scaled = try FreeEnergyComparison(model: [0, 9, 11], reference: [0, 9, 11], kT: 2.5)
        #expect(scaled.referenceBins == 2)
        let none = try FreeEnergyComparison(model: [.infinity, .infinity, 0], reference: [0, 1, 9], kT: 1)
        #expect(none.rmse == .infinity && none.comparedBins == 0 && none.binsUnvisitedByModel == [0, 1])
    }

    @Test func profilesMustShareBinsAndTemperature() throws {
        let data = [StatisticsTestData.gaussians(2_000, seed: 90)]
        let a = try FreeEnergyProfile(data, axis: HistogramAxis(lower: -2, upper: 2, bins: 10), kT: 1)
        let b = try FreeEnergyProfile(data, axis: HistogramAxis(lower: -2, upper: 2, bins: 11), kT: 1)
        let c = try FreeEnergyProfile(data, axis: a.axis, kT: 2)
        #expect(try FreeEnergyComparison(model: a, reference: a).rmse == 0)
        expectStatisticsError(.mismatch, "different bins") { _ = try FreeEnergyComparison(model: a, reference: b) }
        expectStatisticsError(.mismatch, "different kT") { _ = try FreeEnergyComparison(model: a, reference: c) }
        expectStatisticsError(.mismatch, "different lengths") {
            _ = try FreeEnergyComparison(model: [0, 1], reference: [0], kT: 1)
        }
        expectStatisticsError(.invalidArgument, "NaN") { _ = try FreeEnergyComparison(model: [.nan], reference: [0], kT: 1) }
        expectStatisticsError(.insufficientData, "empty reference") {
            _ = try FreeEnergyComparison(model: [0], reference: [.infinity], kT: 1)
        }
    }
}
