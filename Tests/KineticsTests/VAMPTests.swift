import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

@Suite struct VAMPTests {
    typealias Data = CovarianceTestData

    struct Scores: Decodable, Equatable {
        var singular: [Double]
        var train: [Double]   // VAMP-1, VAMP-2, VAMP-E on the training covariances, all components
        var test: [Double]    // the same on the test covariances
        var testDim2: [Double] // the same with the two leading singular functions
    }

    /// deeptime 0.4.5 `VAMP(lagtime=3, epsilon=1e-6)` ('truncate') scored with `model.score(r, test_model,
    /// dim)`, and an independent NumPy evaluation of the same definitions with (C + εI)^(-1/2)
    /// ('regularize', ε = 1e-3 so that it matters). Float64 throughout: 1e-8 relative.
    @Test func scoresMatchDeeptimeAndTheRegularizedDefinition() throws {
        let train = [Data.trajectory(frames: 500, features: 4, seed: 51), Data.trajectory(frames: 300, features: 4, seed: 52)]
        let test = [Data.trajectory(frames: 400, features: 4, seed: 53)]
        let workspace = try Workspace()
        let trainLengths = try Data.writeRaw(train, to: workspace.path("train.f64"))
        let testLengths = try Data.writeRaw(test, to: workspace.path("test.f64"))
        let script = Data.pythonLoader + """
        train = trajs
        flat = np.fromfile(sys.argv[4], dtype='<f8'); test = [flat.reshape(int(sys.argv[5]), nfeat)]
        from deeptime.decomposition import VAMP
        from deeptime.covariance import Covariance
        m = VAMP(lagtime=3, epsilon=1e-6).fit(train).fetch_model()
        mt = VAMP(lagtime=3, epsilon=1e-6).fit(test).fetch_model()
        truncate = {'singular': m.singular_values.tolist(),
                    'train': [m.score(r) for r in (1, 2, 'E')],
                    'test': [m.score(r, test_model=mt) for r in (1, 2, 'E')],
                    'testDim2': [m.score(r, test_model=mt, dim=2) for r in (1, 2, 'E')]}
        # Regularized: the same definitions with (C + eps I)^(-1/2), written out in NumPy.
        eps = 1e-3
        def covs(data):
            c = Covariance(lagtime=3, compute_c0t=True, compute_ctt=True, remove_data_mean=True,
                           bessels_correction=False).fit(data).fetch_model()
            return c.cov_00, c.cov_0t, c.cov_tt
        def inv_sqrt(c):
            s, v = np.linalg.eigh(c + eps * np.eye(len(c)))
            return v @ np.diag(s ** -0.5) @ v.T
        def split(c):
            s, v = np.linalg.eigh(c + eps * np.eye(len(c)))
            return v @ np.diag(s ** -0.5)
        c00, c0t, ctt = covs(train)
        l0, lt = split(c00), split(ctt)
        a, s, bt = np.linalg.svd(l0.T @ c0t @ lt)
        U, V = l0 @ a, lt @ bt.T
        def scores(cs, k):
            d00, d0t, dtt = cs
            u, v, S = U[:, :k], V[:, :k], np.diag(s[:k])
            M = inv_sqrt(u.T @ d00 @ u) @ (u.T @ d0t @ v) @ inv_sqrt(v.T @ dtt @ v)
            sv = np.linalg.svd(M, compute_uv=False)
            e = np.trace(2 * S @ u.T @ d0t @ v - S @ u.T @ d00 @ u @ S @ v.T @ dtt @ v)
            return [1 + sv.sum(), 1 + (sv ** 2).sum(), 1 + e]
        regularize = {'singular': s.tolist(), 'train': scores((c00, c0t, ctt), 4),
                      'test': scores(covs(test), 4), 'testDim2': scores(covs(test), 2)}
        print(json.dumps({'truncate': truncate, 'regularize': regularize}))
        """
        struct Output: Decodable { var truncate: Scores, regularize: Scores }
        let output = try decodeJSON(Output.self, from: runPython(script, [workspace.path("train.f64"), trainLengths, "4",
                                                                         workspace.path("test.f64"), testLengths]))
        let testCovariances = try TimeLaggedCovariances.estimate(test, lag: 3)
        for (mode, epsilon, reference) in [(SpectralMode.truncate, 1e-6, output.truncate), (.regularize, 1e-3, output.regularize)] {
            let model = try VAMP.fit(train, lag: 3, options: VAMPOptions(epsilon: epsilon, mode: mode))
            func close(_ a: [Double], _ b: [Double]) -> Bool {
                a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-8 * max(1, abs($1)) }
            }
            let kinds: [VAMPScore] = [.vamp1, .vamp2, .vampE]
            #expect(close(model.singularValues, reference.singular), "\(mode)")
            #expect(close(try kinds.map { try model.score($0) }, reference.train), "\(mode) training")
            #expect(close(try kinds.map { try model.score($0, test: testCovariances) }, reference.test), "\(mode) test")
            #expect(close(try kinds.map { try model.score($0, test: testCovariances, dimension: 2) }, reference.testDim2),
                    "\(mode) test, 2 components")
        }
    }

    /// On its own training data VAMP-2 is 1 + Σσ², VAMP-1 is 1 + Σσ and VAMP-r generalizes them; a
    /// model never scores better on held-out data from the same process by more than noise allows.
    @Test func trainingScoresAreSumsOfSingularValues() throws {
        let x = Data.trajectory(frames: 800, features: 3, seed: 61)
        let model = try VAMP.fit([x], lag: 2)
        let sigma = model.singularValues
        #expect(abs(try model.score(.vamp2) - (1 + sigma.reduce(0) { $0 + $1 * $1 })) < 1e-9)
        #expect(abs(try model.score(.vamp1) - (1 + sigma.reduce(0, +))) < 1e-9)
        #expect(abs(try model.score(.r(3)) - (1 + sigma.reduce(0) { $0 + pow($1, 3) })) < 1e-9)
        #expect(abs(try model.score(.vampE) - (1 + sigma.reduce(0) { $0 + $1 * $1 })) < 1e-9)
        #expect(throws: KineticsError.self) { try model.score(.r(0.5)) }
    }

    /// A constant feature: 'truncate' drops it from both whitenings (rank 3 of 4), 'regularize' keeps
    /// it with a zero singular value, and the leading singular values agree.
    @Test func constantFeaturesAreTruncatedOrRegularized() throws {
        var x = Data.trajectory(frames: 600, features: 4, seed: 71)
        for t in 0..<x.rows { x[t, 1] = -2 }
        let truncated = try VAMP.fit([x], lag: 2)
        #expect(truncated.rank0 == 3 && truncated.rankT == 3 && truncated.singularValues.count == 3)
        let regularized = try VAMP.fit([x], lag: 2, options: VAMPOptions(epsilon: 1e-9, mode: .regularize))
        #expect(regularized.rank0 == 4 && regularized.singularValues.count == 4)
        #expect(abs(regularized.singularValues[3]) < 1e-6)
        for (a, b) in zip(truncated.singularValues, regularized.singularValues) { #expect(abs(a - b) < 1e-5) }
    }

    /// Singular functions are orthonormal on the training data; kinetic-map scaling multiplies them by
    /// σ; mismatched test covariances are refused; the model round-trips through JSON.
    @Test func transformScalingAndCoding() throws {
        let x = Data.trajectory(frames: 400, features: 3, seed: 81)
        let plain = try VAMP.fit([x], lag: 1)
        let scaled = try VAMP.fit([x], lag: 1, options: VAMPOptions(scaling: .kineticMap, components: .count(2)))
        let psi = try plain.transform(x), psiScaled = try scaled.transform(x)
        #expect(psiScaled.cols == 2)
        for r in 0..<x.rows { for j in 0..<2 {
            #expect(abs(psiScaled[r, j] - plain.singularValues[j] * psi[r, j]) < 1e-10)
        } }
        let decoded = try JSONDecoder().decode(VAMPModel.self, from: JSONEncoder().encode(scaled))
        #expect(decoded == scaled)
        let other = try TimeLaggedCovariances.estimate([Data.trajectory(frames: 50, features: 2, seed: 1)], lag: 1)
        #expect(throws: KineticsError.self) { try plain.score(.vamp2, test: other) }
    }
}
