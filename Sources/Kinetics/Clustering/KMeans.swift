import Foundation
import NeuralNet

/// Settings of a k-means clustering.
public struct KMeansOptions: Codable, Sendable, Equatable {
    /// The number of centres k.
    public var clusters: Int
    /// The most Lloyd iterations.
    public var maxIterations: Int
    /// Convergence: Lloyd stops when the summed squared movement of the centres in one iteration is
    /// at most `tolerance` times the mean per-feature variance of the data (scikit-learn's rule, so
    /// the criterion does not depend on the units of the features).
    public var tolerance: Double
    /// The seed of the k-means++ draws; the same seed (and BLAS thread count) gives the same centres.
    public var seed: UInt64
    /// Candidates per k-means++ step (greedy k-means++); nil uses 2 + ⌊ln k⌋ like scikit-learn.
    public var seedingTrials: Int?

    public init(clusters: Int, maxIterations: Int = 100, tolerance: Double = 1e-4, seed: UInt64 = 0,
                seedingTrials: Int? = nil) {
        self.clusters = clusters
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
        self.seedingTrials = seedingTrials
    }
}

/// The centres of a fitted k-means clustering, which assign new frames to their nearest centre.
public struct KMeansModel: Codable, Sendable, Equatable {
    /// The centres, clusters × features.
    public let centers: DoubleMatrix
    /// The summed squared distance of the training frames to their nearest centre.
    public let inertia: Double
    /// The Lloyd iterations that ran.
    public let iterations: Int
    /// Whether the tolerance was met within `maxIterations`.
    public let converged: Bool

    public init(centers: DoubleMatrix, inertia: Double, iterations: Int, converged: Bool) {
        self.centers = centers
        self.inertia = inertia
        self.iterations = iterations
        self.converged = converged
    }

    public var clusterCount: Int { centers.rows }

    /// The index of the nearest centre for every frame of every trajectory: discrete trajectories.
    public func assign(_ trajectories: [DoubleMatrix]) throws -> [[Int]] {
        try assignWithDistances(trajectories).labels
    }

    /// The nearest centre of every frame of one trajectory.
    public func assign(_ trajectory: DoubleMatrix) throws -> [Int] {
        try assign([trajectory])[0]
    }

    /// Nearest centres and the summed squared distance to them (the inertia of these frames).
    public func assignWithDistances(_ trajectories: [DoubleMatrix]) throws -> (labels: [[Int]], inertia: Double) {
        let data = try ClusteringFrames(trajectories, role: "k-means assignment")
        guard data.dimensions == centers.cols else {
            throw KineticsError(.mismatch, "k-means assignment: the frames have \(data.dimensions) features "
                                    + "but the centres have \(centers.cols); use the featurization the clustering was fitted on")
        }
        let (labels, distances) = KMeans.nearest(data, centers: centers.values, k: centers.rows)
        return (data.split(labels), distances.reduce(0, +))
    }

    private enum CodingKeys: String, CodingKey { case clusters, features, centers, inertia, iterations, converged }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let k = try c.decode(Int.self, forKey: .clusters), d = try c.decode(Int.self, forKey: .features)
        let values = try c.decode([Double].self, forKey: .centers)
        guard k >= 0, d >= 0, values.count == k * d else {
            throw DecodingError.dataCorruptedError(forKey: .centers, in: c,
                                                   debugDescription: "expected \(k) × \(d) centre values, got \(values.count)")
        }
        centers = DoubleMatrix(rows: k, cols: d, values: values)
        inertia = try c.decode(Double.self, forKey: .inertia)
        iterations = try c.decode(Int.self, forKey: .iterations)
        converged = try c.decode(Bool.self, forKey: .converged)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(centers.rows, forKey: .clusters)
        try c.encode(centers.cols, forKey: .features)
        try c.encode(centers.values, forKey: .centers)
        try c.encode(inertia, forKey: .inertia)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(converged, forKey: .converged)
    }
}

/// k-means clustering: k-means++ seeding, then Lloyd iterations (assign every frame to its nearest
/// centre, move every centre to the mean of its frames) until the centres stop moving.
public enum KMeans {
    /// Clusters the frames of all `trajectories` (frames × features each) together.
    ///
    /// A cluster that loses all its frames is moved to the frame farthest from its centre (so no
    /// centre is ever NaN). Throws when there are fewer frames than clusters.
    public static func fit(_ trajectories: [DoubleMatrix], options: KMeansOptions) throws -> KMeansModel {
        let k = options.clusters
        guard k >= 1 else { throw KineticsError(.invalidArgument, "k-means: the number of clusters must be ≥ 1, got \(k)") }
        guard options.maxIterations >= 1 else {
            throw KineticsError(.invalidArgument, "k-means: maxIterations must be ≥ 1, got \(options.maxIterations)")
        }
        guard options.tolerance >= 0, options.tolerance.isFinite else {
            throw KineticsError(.invalidArgument, "k-means: the tolerance must be a finite number ≥ 0, got \(options.tolerance)")
        }
        let trials = options.seedingTrials ?? (2 + Int(log(Double(k))))
        guard trials >= 1 else {
            throw KineticsError(.invalidArgument, "k-means: seedingTrials must be ≥ 1, got \(trials)")
        }
        let data = try ClusteringFrames(trajectories, role: "k-means")
        guard data.frames >= k else {
            throw KineticsError(.insufficientData,
                                "k-means: \(data.frames) frames cannot make \(k) clusters; use fewer clusters or more data")
        }
        let n = data.frames, d = data.dimensions
        var generator = RandomGenerator(seed: options.seed)
        var centers = KMeansPlusPlus.seed(data, k: k, trials: trials, generator: &generator)
        let threshold = options.tolerance * meanFeatureVariance(data)

        var labels = [Int](), distances = [Double]()
        var iterations = 0, converged = false
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        while iterations < options.maxIterations {
            (labels, distances) = nearest(data, centers: centers, k: k)
            iterations += 1
            for i in 0..<sums.count { sums[i] = 0 }
            for j in 0..<k { counts[j] = 0 }
            data.values.withUnsafeBufferPointer { x in
                sums.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n {
                        let label = labels[i]
                        counts[label] += 1
                        let row = x.baseAddress! + i * d, target = s.baseAddress! + label * d
                        for t in 0..<d { target[t] += row[t] }
                    }
                }
            }
            var taken = Set<Int>()
            var shift = 0.0
            for j in 0..<k {
                if counts[j] > 0 {
                    let scale = 1 / Double(counts[j])
                    for t in 0..<d {
                        let value = sums[j * d + t] * scale
                        let delta = value - centers[j * d + t]
                        shift += delta * delta
                        centers[j * d + t] = value
                    }
                } else {
                    // Empty cluster: restart it on the frame worst served by the current centres.
                    var farthest = -1, farthestDistance = -1.0
                    for i in 0..<n where distances[i] > farthestDistance && !taken.contains(i) {
                        farthest = i
                        farthestDistance = distances[i]
                    }
                    taken.insert(farthest)
                    for t in 0..<d {
                        let value = data.values[farthest * d + t]
                        let delta = value - centers[j * d + t]
                        shift += delta * delta
                        centers[j * d + t] = value
                    }
                    distances[farthest] = 0
                }
            }
            if shift <= threshold { converged = true; break }
        }
        // Final assignment to the final centres, so that inertia belongs to the returned centres.
        (labels, distances) = nearest(data, centers: centers, k: k)
        return KMeansModel(centers: DoubleMatrix(rows: k, cols: d, values: centers),
                           inertia: distances.reduce(0, +), iterations: iterations, converged: converged)
    }

    static func nearest(_ data: ClusteringFrames, centers: [Double], k: Int) -> (labels: [Int], distances: [Double]) {
        var labels = [Int](repeating: 0, count: data.frames)
        var distances = [Double](repeating: 0, count: data.frames)
        data.values.withUnsafeBufferPointer { x in
            centers.withUnsafeBufferPointer { c in
                labels.withUnsafeMutableBufferPointer { l in
                    distances.withUnsafeMutableBufferPointer { dist in
                        NearestCenter.assign(frames: x.baseAddress!, count: data.frames, dimensions: data.dimensions,
                                             centers: c.baseAddress!, centerCount: k,
                                             labels: l.baseAddress!, distances: dist.baseAddress!)
                    }
                }
            }
        }
        return (labels, distances)
    }

    /// The mean over features of each feature's variance (the scale of `tolerance`).
    private static func meanFeatureVariance(_ data: ClusteringFrames) -> Double {
        let n = data.frames, d = data.dimensions
        var mean = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        for i in 0..<n { for t in 0..<d { mean[t] += data.values[i * d + t] } }
        for t in 0..<d { mean[t] /= Double(n) }
        for i in 0..<n { for t in 0..<d {
            let delta = data.values[i * d + t] - mean[t]
            square[t] += delta * delta
        } }
        return square.reduce(0, +) / Double(n * d)
    }
}
