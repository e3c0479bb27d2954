import Foundation
import Kinetics
import NeuralNet
import TestSupport
import Testing

/// Random features with very different offsets and spreads, one constant column (index 2).
private func sampleFeatures(rows: Int, seed: UInt64) -> DoubleMatrix {
    var random = SplitMix64(seed: seed)
    var m = DoubleMatrix(rows: rows, cols: 4)
    for i in 0 ..< rows {
        m[i, 0] = random.uniform() * 10 - 3
        m[i, 1] = 1e4 + random.uniform()
        m[i, 2] = 42
        m[i, 3] = (random.uniform() - 0.5) * 1e-4
    }
    return m
}

/// Splits rows into chunks of the given sizes.
private func chunks(_ m: DoubleMatrix, sizes: [Int]) -> [DoubleMatrix] {
    var start = 0
    return sizes.map { size in
        defer { start += size }
        return DoubleMatrix(rows: size, cols: m.cols, values: Array(m.values[(start * m.cols) ..< ((start + size) * m.cols)]))
    }
}

@Suite struct FeatureScalerTests {
    let data = sampleFeatures(rows: 500, seed: 9)
    let sizes = [1, 99, 250, 150]

    /// Streaming min-max over uneven chunks: the fitted range maps onto exactly [−1, 1] (checked
    /// against the column extremes found directly), the constant column maps to 0 and back.
    @Test func minMaxStreamsAndRoundTrips() throws {
        var scaler = MinMaxScaler()
        try scaler.fit(chunks(data, sizes: sizes))
        let scaled = try scaler.transform(data)
        for j in 0 ..< data.cols {
            let column = (0 ..< data.rows).map { data[$0, j] }
            let out = (0 ..< data.rows).map { scaled[$0, j] }
            #expect(scaler.minimum[j] == column.min() && scaler.maximum[j] == column.max())
            if j == 2 {
                #expect(out.allSatisfy { $0 == 0 })
            } else {
                #expect(abs(out.min()! + 1) < 1e-10 && abs(out.max()! - 1) < 1e-10)
            }
        }
        let back = try scaler.inverseTransform(scaled)
        for j in 0 ..< data.cols {
            let spread = scaler.maximum[j] - scaler.minimum[j]
            for i in 0 ..< data.rows { #expect(abs(back[i, j] - data[i, j]) <= 1e-12 * max(spread, abs(data[i, j]))) }
        }
    }

    /// Chan et al.'s streaming mean and variance against a direct two-pass computation; the
    /// scaled data have mean 0 and unit variance (1e-9: Float64 over 500 rows, with a column whose
    /// mean 1e4 is 3e4 times its spread, where a naive Σx² − N x̄² would lose 9 digits).
    @Test func standardStreamsAndRoundTrips() throws {
        var scaler = StandardScaler()
        try scaler.fit(chunks(data, sizes: sizes))
        #expect(scaler.count == data.rows)
        for j in 0 ..< data.cols {
            let column = (0 ..< data.rows).map { data[$0, j] }
            let mean = column.reduce(0, +) / Double(column.count)
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)
            #expect(abs(scaler.mean[j] - mean) <= 1e-12 * max(1, abs(mean)))
            #expect(abs(scaler.standardDeviation[j] - variance.squareRoot()) <= 1e-9 * max(variance.squareRoot(), 1e-300))
        }
        let scaled = try scaler.transform(data)
        for j in 0 ..< data.cols {
            let out = (0 ..< data.rows).map { scaled[$0, j] }
            let mean = out.reduce(0, +) / Double(out.count)
            let variance = out.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(out.count)
            #expect(abs(mean) < 1e-9)
            #expect(j == 2 ? out.allSatisfy { $0 == 0 } : abs(variance - 1) < 1e-9)
        }
        let back = try scaler.inverseTransform(scaled)
        for i in 0 ..< data.rows { for j in 0 ..< data.cols { #expect(abs(back[i, j] - data[i, j]) <= 1e-9 * max(1, abs(data[i, j]))) } }
    }

    /// A saved scaler reapplies identically.
    @Test func codableRoundTrip() throws {
        var minMax = MinMaxScaler(), standard = StandardScaler()
        try minMax.partialFit(data)
        try standard.partialFit(data)
        let minMaxBack = try JSONDecoder().decode(MinMaxScaler.self, from: JSONEncoder().encode(minMax))
        let standardBack = try JSONDecoder().decode(StandardScaler.self, from: JSONEncoder().encode(standard))
        #expect(minMaxBack == minMax && standardBack == standard)
        let other = sampleFeatures(rows: 20, seed: 10)
        #expect(try minMaxBack.transform(other) == minMax.transform(other))
        #expect(try standardBack.transform(other) == standard.transform(other))
    }

    @Test func badInputsThrow() throws {
        do {
            _ = try MinMaxScaler().transform(data)
            Issue.record("an unfitted scaler must refuse")
        } catch let error as KineticsError { #expect(error.kind == .insufficientData) }
        var scaler = StandardScaler()
        try scaler.partialFit(data)
        do {
            try scaler.partialFit(DoubleMatrix(rows: 2, cols: 3))
            Issue.record("a chunk of another width must be refused")
        } catch let error as KineticsError { #expect(error.kind == .mismatch) }
        do {
            _ = try scaler.transform(DoubleMatrix(rows: 2, cols: 5))
            Issue.record("data of another width must be refused")
        } catch let error as KineticsError { #expect(error.kind == .mismatch) }
        var bad = data
        bad[3, 1] = .nan
        do {
            var fresh = MinMaxScaler()
            try fresh.partialFit(bad)
            Issue.record("NaN must be refused")
        } catch let error as KineticsError { #expect(error.kind == .numerical && error.problem.contains("row 3, column 1")) }
    }
}
