import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

@Suite struct KMeansTests {
    /// Frames drawn from Gaussian blobs (standard deviation `spread`) around `centers`, cut into
    /// `trajectories` trajectories; also returns each frame's blob.
    static func blobs(_ centers: [[Double]], perBlob: Int, spread: Double, trajectories: Int,
                      seed: UInt64) -> (data: [DoubleMatrix], blob: [Int]) {
        var generator = RandomGenerator(seed: seed)
        let d = centers[0].count
        var values = [Double](), blob = [Int]()
        for _ in 0..<perBlob {
            for (b, center) in centers.enumerated() {
                for t in 0..<d { values.append(center[t] + spread * Double(generator.normal())) }
                blob.append(b)
            }
        }
        let frames = blob.count, per = frames / trajectories
        let data = (0..<trajectories).map { k in
            let end = k == trajectories - 1 ? frames : (k + 1) * per
            return DoubleMatrix(rows: end - k * per, cols: d, values: Array(values[(k * per * d)..<(end * d)]))
        }
        return (data, blob)
    }

    static let separated: [[Double]] = [[0, 0, 0], [5, 0, 0], [0, 5, 0], [0, 0, 5], [5, 5, 5]]

    @Test func wellSeparatedBlobsAreRecovered() throws {
        let (data, blob) = Self.blobs(Self.separated, perBlob: 400, spread: 0.2, trajectories: 3, seed: 1)
        let model = try KMeans.fit(data, options: KMeansOptions(clusters: 5, seed: 42))
        #expect(model.converged)
        // Each true centre has a fitted centre within 0.05 (the blob mean's standard error is 0.01
        // per coordinate).
        for center in Self.separated {
            let nearest = (0..<5).map { j in (0..<3).reduce(0.0) { $0 + pow(model.centers[j, $1] - center[$1], 2) } }.min()!
            #expect(nearest.squareRoot() < 0.05, "centre \(center)")
        }
        // Every blob maps to one cluster and different blobs to different clusters.
        let labels = try model.assign(data).flatMap { $0 }
        var clusterOfBlob = [Int: Set<Int>]()
        for (label, b) in zip(labels, blob) { clusterOfBlob[b, default: []].insert(label) }
        #expect(clusterOfBlob.values.allSatisfy { $0.count == 1 })
        #expect(Set(clusterOfBlob.values.map { $0.first! }).count == 5)
        // The inertia is the summed squared distance to the assigned centres.
        let frames = data.flatMap { m in (0..<m.rows).map { i in (0..<3).map { m[i, $0] } } }
        let direct = zip(frames, labels).reduce(0.0) { sum, pair in
            sum + (0..<3).reduce(0.0) { $0 + pow(pair.0[$1] - model.centers[pair.1, $1], 2) }
        }
        #expect(abs(direct - model.inertia) < 1e-9 * direct)
    }

    @Test func sameSeedSameResult() throws {
        let (data, _) = Self.blobs([[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5]], perBlob: 300, spread: 0.3,
                                   trajectories: 2, seed: 2)
        let options = KMeansOptions(clusters: 8, seed: 7)
        let first = try KMeans.fit(data, options: options), second = try KMeans.fit(data, options: options)
        #expect(first == second)
        let decoded = try JSONDecoder().decode(KMeansModel.self, from: JSONEncoder().encode(first))
        #expect(decoded == first)
    }

    /// Assignment agrees with a brute-force nearest-centre search on frames far from the origin
    /// (where ‖x‖² − 2x·c + ‖c‖² loses the most digits).
    @Test func assignmentIsTheNearestCentre() throws {
        var generator = RandomGenerator(seed: 3)
        let k = 37, d = 6
        let centers = DoubleMatrix(rows: k, cols: d, values: (0..<(k * d)).map { _ in 100 + Double(generator.normal()) })
        let frames = DoubleMatrix(rows: 5000, cols: d, values: (0..<(5000 * d)).map { _ in 100 + Double(generator.normal()) })
        let model = KMeansModel(centers: centers, inertia: 0, iterations: 0, converged: true)
        let (labels, inertia) = try model.assignWithDistances([frames])
        var total = 0.0, ties = 0
        for i in 0..<frames.rows {
            let distances = (0..<k).map { j in (0..<d).reduce(0.0) { $0 + pow(frames[i, $1] - centers[j, $1], 2) } }
            let best = distances.min()!
            if distances[labels[0][i]] > best + 1e-9 { ties += 1 }
            total += best
        }
        #expect(ties == 0)
        #expect(abs(inertia - total) < 1e-9 * total)
    }

    /// On overlapping blobs (no single right answer) the inertia is within 5 % of scikit-learn's
    /// best of ten k-means++ runs and of deeptime's k-means.
    @Test func inertiaIsComparableToScikitLearnAndDeeptime() throws {
        var generator = RandomGenerator(seed: 4)
        let means = (0..<8).map { _ in (0..<5).map { _ in 2 * Double(generator.normal()) } }
        let (data, _) = Self.blobs(means, perBlob: 250, spread: 1, trajectories: 1, seed: 5)
        let model = try KMeans.fit(data, options: KMeansOptions(clusters: 10, seed: 1))
        let workspace = try Workspace()
        let path = workspace.path("frames.json")
        try JSONSerialization.data(withJSONObject: (0..<data[0].rows).map { i in (0..<5).map { data[0][i, $0] } })
            .write(to: URL(fileURLWithPath: path))
        let reference = try decodeJSON([Double].self, from: runPython("""
        import json, sys, numpy as np
        from sklearn.cluster import KMeans
        from deeptime.clustering import KMeans as DKMeans
        X = np.array(json.load(open(sys.argv[1])))
        sk = KMeans(n_clusters=10, n_init=10, random_state=0).fit(X).inertia_
        dm = DKMeans(n_clusters=10, fixed_seed=1).fit(X).fetch_model()
        d = ((X[:, None, :] - dm.cluster_centers[None]) ** 2).sum(-1).min(1).sum()
        print(json.dumps([float(sk), float(d)]))
        """, [path]))
        #expect(model.inertia <= 1.05 * reference[0], "ours \(model.inertia), scikit-learn \(reference[0])")
        #expect(model.inertia <= 1.05 * reference[1], "ours \(model.inertia), deeptime \(reference[1])")
    }

    @Test func badInputIsRefused() {
        let frames = DoubleMatrix(rows: 3, cols: 2, values: [0, 0, 1, 1, 2, 2])
        #expect(throws: KineticsError(.insufficientData, "k-means: 3 frames cannot make 4 clusters; use fewer clusters or more data")) {
            _ = try KMeans.fit([frames], options: KMeansOptions(clusters: 4))
        }
        #expect(throws: KineticsError.self) { _ = try KMeans.fit([frames], options: KMeansOptions(clusters: 0)) }
        #expect(throws: KineticsError.self) { _ = try KMeans.fit([], options: KMeansOptions(clusters: 1)) }
        #expect(throws: KineticsError.self) {
            _ = try KMeans.fit([frames, DoubleMatrix(rows: 2, cols: 3)], options: KMeansOptions(clusters: 2))
        }
        #expect(throws: KineticsError.self) {
            _ = try KMeans.fit([DoubleMatrix(rows: 2, cols: 1, values: [0, .nan])], options: KMeansOptions(clusters: 1))
        }
        #expect(throws: KineticsError.self) { _ = try RegularGrid(lower: 1, upper: 0, bins: 10) }
        #expect(throws: KineticsError.self) { _ = try RegularGrid(lower: 0, upper: 1, bins: 0) }
    }

    @Test func regularGridIndexesRowMajorAndClampsOutliers() throws {
        let grid = try RegularGrid(lower: [0, -1], upper: [1, 1], bins: [4, 2])
        #expect(grid.stateCount == 8)
        #expect(grid.state(of: [0.1, -0.5]) == 0)
        #expect(grid.state(of: [0.1, 0.5]) == 1)
        #expect(grid.state(of: [0.9, 0.5]) == 7)
        #expect(grid.state(of: [-5, 5]) == 1)       // outside: edge bins
        #expect(grid.state(of: [0.25, 0]) == 3)     // a lower edge belongs to its bin
        for state in 0..<8 { #expect(grid.state(of: grid.center(ofState: state)) == state) }
    }
}
