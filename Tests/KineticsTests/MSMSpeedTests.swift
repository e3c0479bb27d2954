import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

/// Timings of k-means and of the reversible MLE against deeptime (and scikit-learn) in the same run.
/// Not part of the normal suite: run with
///   LSS_MSM_BENCH=1 swift test -c release --filter MSMSpeedTests
/// Everything single-threaded (OMP_NUM_THREADS=1 for Python; our dgemm blocks stay below the BLAS
/// threading threshold).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["LSS_MSM_BENCH"] == "1", "set LSS_MSM_BENCH=1"))
struct MSMSpeedTests {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func writeDoubles(_ values: [Double], to path: String) throws {
        try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: path))
    }

    @Test func kMeans100kFrames10Dims100Centres() throws {
        var generator = RandomGenerator(seed: 1)
        let n = 100_000, d = 10, k = 100, iterations = 20
        let means = (0..<50).map { _ in (0..<d).map { _ in 3 * Double(generator.normal()) } }
        var values = [Double]()
        values.reserveCapacity(n * d)
        for _ in 0..<n {
            let mean = means[generator.integer(below: means.count)]
            for t in 0..<d { values.append(mean[t] + Double(generator.normal())) }
        }
        let data = [DoubleMatrix(rows: n, cols: d, values: values)]
        var model: KMeansModel?
        let seedOnly = try Self.seconds {
            _ = try KMeans.fit(data, options: KMeansOptions(clusters: k, maxIterations: 1, tolerance: 0, seed: 3))
        }
        let full = try Self.seconds {
            model = try KMeans.fit(data, options: KMeansOptions(clusters: k, maxIterations: iterations, tolerance: 0, seed: 3))
        }
        let workspace = try Workspace()
        let path = workspace.path("frames.f64")
        try Self.writeDoubles(values, to: path)
        let python = try runProgram("env", ["OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "python3", "-c", """
        import json, sys, time, numpy as np
        from deeptime.clustering import KMeans as DKMeans
        from sklearn.cluster import KMeans
        X = np.fromfile(sys.argv[1], dtype=np.float64).reshape(-1, 10)
        t = time.perf_counter(); dm = DKMeans(n_clusters=100, max_iter=20, tolerance=0, fixed_seed=3, n_jobs=1).fit(X).fetch_model(); td = time.perf_counter() - t
        di = ((X ** 2).sum(1)[:, None] - 2 * X @ dm.cluster_centers.T + (dm.cluster_centers ** 2).sum(1)[None]).min(1).sum()
        t = time.perf_counter(); sk = KMeans(n_clusters=100, n_init=1, max_iter=20, tol=0, random_state=3, algorithm='lloyd').fit(X); ts = time.perf_counter() - t
        print(json.dumps({'deeptime': td, 'deeptimeInertia': float(di),
                          'sklearn': ts, 'sklearnInertia': float(sk.inertia_), 'sklearnIterations': int(sk.n_iter_)}))
        """, path])
        print("k-means 1e5×10, k = 100: lss \(full) s (\(model!.iterations) Lloyd iterations, seeding+1 iteration \(seedOnly) s, "
              + "inertia \(model!.inertia)); python: \(lastLine(of: python))")
    }

    @Test func reversibleMLEOn500States() throws {
        let dynamics = BrownianDynamics1D(potential: FourWellPotential(), timeStep: 1e-3)
        let positions = dynamics.simulate(from: 0.75, frames: 2_000_000, saveEvery: 5, seed: 8)
        let grid = try RegularGrid(lower: -1.1, upper: 1.1, bins: 500)
        let dtraj = try grid.assign([DoubleMatrix(rows: positions.count, cols: 1, values: positions)])
        let counts = try TransitionCounts(dtraj, lag: 20, stateCount: 500)
        let active = counts.restricted(to: counts.largestConnectedSet())
        var model: MarkovStateModel?
        let ours = try Self.seconds { model = try MarkovStateModel(counts: active) }
        let workspace = try Workspace()
        let path = workspace.path("counts.f64")
        try Self.writeDoubles(active.matrix.values, to: path)
        try Self.writeDoubles(model!.transitionMatrix.values, to: workspace.path("ours.f64"))
        let python = try runProgram("env", ["OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "python3", "-c", """
        import json, sys, time, numpy as np
        from deeptime.markov.msm import MaximumLikelihoodMSM
        C = np.fromfile(sys.argv[1], dtype=np.float64); n = int(round(len(C) ** 0.5)); C = C.reshape(n, n)
        ours = np.fromfile(sys.argv[2], dtype=np.float64).reshape(n, n)
        t = time.perf_counter(); m = MaximumLikelihoodMSM(reversible=True).fit(C).fetch_model(); td = time.perf_counter() - t
        print(json.dumps({'deeptime': td, 'maxAbsDifference': float(np.abs(m.transition_matrix - ours).max())}))
        """, path, workspace.path("ours.f64")])
        print("reversible MLE, \(active.stateCount) states: lss \(ours) s (\(model!.iterations) iterations); python: \(lastLine(of: python))")
        #expect(model!.converged)
    }
}
