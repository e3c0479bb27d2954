import NeuralNet

/// A per-feature affine rescaling, fitted in a streaming pass (one `partialFit` per chunk, in
/// Float64) and then applied to any data with the same features. Codable: a model bundle saves
/// the fitted scaler and reapplies it, so that features are scaled identically later
/// (DESIGN.md §4: scalers are fixed per campaign).
public protocol FeatureScaler: Codable, Sendable {
    /// Features seen so far (0 before the first `partialFit`).
    var featureCount: Int { get }
    /// Folds the rows of `chunk` into the statistics. Every chunk must have the same column count.
    mutating func partialFit(_ chunk: DoubleMatrix) throws
    /// x ↦ (x − offset) / scale per column.
    func transform(_ data: DoubleMatrix) throws -> DoubleMatrix
    /// The inverse of `transform`.
    func inverseTransform(_ data: DoubleMatrix) throws -> DoubleMatrix
}

extension FeatureScaler {
    /// Fits on several matrices (trajectories), streaming through them.
    public mutating func fit(_ data: [DoubleMatrix]) throws {
        for chunk in data { try partialFit(chunk) }
    }
}

/// The affine map both scalers end in: y = (x − offset) · factor, x = y / factor + offset.
struct AffineColumns {
    let offsets: [Double]
    /// 1 / scale, with scale 0 (a constant feature) replaced so that the feature maps to a constant.
    let factors: [Double]

    func apply(_ data: DoubleMatrix, inverse: Bool, name: String) throws -> DoubleMatrix {
        guard !offsets.isEmpty else {
            throw KineticsError(.insufficientData, "the \(name) scaler has not been fitted; call partialFit on the training features first")
        }
        guard data.cols == offsets.count else {
            throw KineticsError(.mismatch, "the \(name) scaler was fitted on \(offsets.count) features but the data have \(data.cols); use the same feature settings")
        }
        var out = data
        let cols = data.cols
        offsets.withUnsafeBufferPointer { offset in
            factors.withUnsafeBufferPointer { factor in
                out.values.withUnsafeMutableBufferPointer { v in
                    for row in 0 ..< data.rows {
                        let base = row * cols
                        if inverse {
                            for j in 0 ..< cols { v[base + j] = v[base + j] / factor[j] + offset[j] }
                        } else {
                            for j in 0 ..< cols { v[base + j] = (v[base + j] - offset[j]) * factor[j] }
                        }
                    }
                }
            }
        }
        return out
    }
}

func checkFiniteFeatures(_ chunk: DoubleMatrix, name: String) throws {
    if let index = chunk.values.firstIndex(where: { !$0.isFinite }) {
        throw KineticsError(.numerical, "the \(name) scaler was given a non-finite feature value (row \(index / max(chunk.cols, 1)), column \(index % max(chunk.cols, 1)))")
    }
}

/// Maps each feature's observed range [min, max] linearly onto [−1, 1] (the LSS paper's scaling
/// of encoder inputs): y = 2 (x − min) / (max − min) − 1.
///
/// A constant feature (max = min) maps to 0, the middle of the range, and its inverse gives back
/// the constant: it carries no information, and dividing by a zero range would make NaN. Values
/// outside the fitted range map outside [−1, 1] (no clipping), so the inverse stays exact.
public struct MinMaxScaler: FeatureScaler, Equatable {
    public private(set) var minimum: [Double] = []
    public private(set) var maximum: [Double] = []
    public var featureCount: Int { minimum.count }

    public init() {}

    public mutating func partialFit(_ chunk: DoubleMatrix) throws {
        try checkFiniteFeatures(chunk, name: "min-max")
        guard chunk.rows > 0 else { return }
        if minimum.isEmpty {
            minimum = Array(repeating: .infinity, count: chunk.cols)
            maximum = Array(repeating: -.infinity, count: chunk.cols)
        }
        guard chunk.cols == minimum.count else {
            throw KineticsError(.mismatch, "min-max scaler: a chunk has \(chunk.cols) features, earlier ones had \(minimum.count)")
        }
        for row in 0 ..< chunk.rows {
            for j in 0 ..< chunk.cols {
                let x = chunk.values[row * chunk.cols + j]
                if x < minimum[j] { minimum[j] = x }
                if x > maximum[j] { maximum[j] = x }
            }
        }
    }

    var affine: AffineColumns {
        // y = (x − centre) · 2 / range; a zero range gets factor 1, so x − centre = 0 ↦ 0.
        let centres = zip(minimum, maximum).map { ($0 + $1) / 2 }
        let factors = zip(minimum, maximum).map { $1 > $0 ? 2 / ($1 - $0) : 1 }
        return AffineColumns(offsets: centres, factors: factors)
    }

    public func transform(_ data: DoubleMatrix) throws -> DoubleMatrix {
        try affine.apply(data, inverse: false, name: "min-max")
    }

    public func inverseTransform(_ data: DoubleMatrix) throws -> DoubleMatrix {
        try affine.apply(data, inverse: true, name: "min-max")
    }
}

/// Removes each feature's mean and divides by its standard deviation (population, 1/N):
/// y = (x − μ) / σ, as scikit-learn's `StandardScaler`.
///
/// Means and variances are accumulated chunk by chunk with the pairwise update of Chan, Golub &
/// LeVeque (1979), stable in Float64 for any number of frames. A constant feature (σ = 0) is only
/// centred (divided by 1, scikit-learn's rule), so it maps to 0 instead of NaN.
public struct StandardScaler: FeatureScaler, Equatable {
    public private(set) var count: Int = 0
    public private(set) var mean: [Double] = []
    /// Σ (x − μ)² per feature.
    public private(set) var sumOfSquares: [Double] = []
    public var featureCount: Int { mean.count }

    public init() {}

    /// Population standard deviations.
    public var standardDeviation: [Double] {
        sumOfSquares.map { count > 0 ? ($0 / Double(count)).squareRoot() : 0 }
    }

    public mutating func partialFit(_ chunk: DoubleMatrix) throws {
        try checkFiniteFeatures(chunk, name: "standard")
        guard chunk.rows > 0 else { return }
        if mean.isEmpty {
            mean = Array(repeating: 0, count: chunk.cols)
            sumOfSquares = Array(repeating: 0, count: chunk.cols)
        }
        guard chunk.cols == mean.count else {
            throw KineticsError(.mismatch, "standard scaler: a chunk has \(chunk.cols) features, earlier ones had \(mean.count)")
        }
        let n = Double(chunk.rows), cols = chunk.cols
        var chunkMean = [Double](repeating: 0, count: cols), chunkSquares = [Double](repeating: 0, count: cols)
        for row in 0 ..< chunk.rows { for j in 0 ..< cols { chunkMean[j] += chunk.values[row * cols + j] } }
        for j in 0 ..< cols { chunkMean[j] /= n }
        for row in 0 ..< chunk.rows {
            for j in 0 ..< cols {
                let d = chunk.values[row * cols + j] - chunkMean[j]
                chunkSquares[j] += d * d
            }
        }
        let m = Double(count), total = m + n
        for j in 0 ..< cols {
            let delta = chunkMean[j] - mean[j]
            mean[j] += delta * n / total
            sumOfSquares[j] += chunkSquares[j] + delta * delta * m * n / total
        }
        count += chunk.rows
    }

    var affine: AffineColumns {
        AffineColumns(offsets: count > 0 ? mean : [], factors: standardDeviation.map { $0 > 0 ? 1 / $0 : 1 })
    }

    public func transform(_ data: DoubleMatrix) throws -> DoubleMatrix {
        try affine.apply(data, inverse: false, name: "standard")
    }

    public func inverseTransform(_ data: DoubleMatrix) throws -> DoubleMatrix {
        try affine.apply(data, inverse: true, name: "standard")
    }
}
