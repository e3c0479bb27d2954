import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Testing
import TestSupport

/// A linear SRV (one Dense layer, identity activation: `hiddenLayers: []`) spans the same space as
/// its features, so its Float64 basis must be TICA's (reversible) or VAMP's (non-reversible), here
/// computed by deeptime 0.4.5 on the same data; and its cross-validated lag scan must follow the
/// analytic eigenvalues a_i^τ of a linear process.
@Suite(.enabled(if: BuildConfiguration.isOptimized, "training-heavy: run with swift test -c release"))
struct SRVLinearTests {
    struct Reference: Decodable {
        var eigenvalues: [Double]
        var timescales: [Double]
        var latent: [[Double]]
        var singularValues: [Double]
    }

    static let script = """
    import sys, json, numpy as np
    from deeptime.decomposition import TICA, VAMP
    a, b, lag = np.load(sys.argv[1]), np.load(sys.argv[2]), int(sys.argv[3])
    tica = TICA(lagtime=lag, scaling=None).fit([a, b]).fetch_model()
    vamp = VAMP(lagtime=lag).fit([a, b]).fetch_model()
    print(json.dumps({"eigenvalues": tica.singular_values.tolist(), "timescales": tica.timescales().tolist(),
                      "latent": tica.transform(a)[:200, :2].tolist(),
                      "singularValues": vamp.singular_values.tolist()}))
    """

    /// Three AR(1) components (a = 0.97, 0.8, 0.4) mixed into three features, trajectories of 3000
    /// and 2000 frames, lag 3. Tolerances: the network runs in Float32 (relative rounding ~10⁻⁷ on
    /// standardized inputs), the eigenproblem in Float64, so eigenvalues agree with deeptime to
    /// ~10⁻⁶ (bound 2·10⁻⁴) and latent values to ~10⁻⁵ (bound 2·10⁻³); measured 5·10⁻⁹ on the
    /// eigenvalues and 3·10⁻⁷ on the latents. Against the analytic a^τ = 0.913, 0.512, 0.064 the
    /// statistical error of 5000 frames is ~0.01-0.03 (measured 0.921, 0.539, 0.057; bound 0.06).
    @Test func linearSRVIsTICA() throws {
        let lag = 3
        let data = try SRVTestData.linearProcess(coefficients: [0.97, 0.8, 0.4], lengths: [3000, 2000], seed: 11)
        let workspace = try Workspace()
        for i in 0..<2 {
            try NumpyArrayFile.write(DoubleMatrix(data.trajectory(i)), to: workspace.path("t\(i).npy"))
        }
        let reference = try decodeJSON(Reference.self, from: runPython(
            Self.script, [workspace.path("t0.npy"), workspace.path("t1.npy"), "\(lag)"]))

        var settings = SRVSettings(lag: lag, latentDimension: 2, seed: 3)
        settings.hiddenLayers = []
        settings.outputWidth = 3
        settings.restarts = 1
        settings.epochs = 5
        let (encoder, _) = try SRVTrainer.train(data, settings: settings)
        print("linear SRV spectrum \(encoder.spectrum), deeptime TICA \(reference.eigenvalues)")
        #expect(encoder.spectrum.count == 3)
        for (ours, theirs) in zip(encoder.spectrum, reference.eigenvalues) { #expect(abs(ours - theirs) < 2e-4) }
        for (ours, theirs) in zip(encoder.impliedTimescales(frameInterval: 1).prefix(2), reference.timescales) {
            #expect(abs(ours - theirs) < 1e-3 * theirs)
        }
        for (ours, exact) in zip(encoder.spectrum, [0.97, 0.8, 0.4].map { pow($0, Double(lag)) }) {
            #expect(abs(ours - exact) < 0.06)
        }
        // ψ equals deeptime's unit-variance TICA coordinates up to each component's sign.
        let latent = encoder.encode(data.values)
        #expect(latent.cols == 2)
        var worst = 0.0
        for j in 0..<2 {
            let sign: Double = (0..<200).reduce(0) { $0 + Double(latent[$1, j]) * reference.latent[$1][j] } > 0 ? 1 : -1
            for t in 0..<200 { worst = max(worst, abs(Double(latent[t, j]) - sign * reference.latent[t][j])) }
        }
        print("largest latent difference to deeptime \(worst)")
        #expect(worst < 2e-3)
        let encoded = encoder.encode(data)
        #expect(encoded.lengths == data.lengths && encoded.dimension == 2)

        // The non-reversible variant's spectrum is VAMP's singular values.
        settings.variant = .nonReversible
        let (vamp, _) = try SRVTrainer.train(data, settings: settings)
        print("non-reversible SRV spectrum \(vamp.spectrum), deeptime VAMP \(reference.singularValues)")
        for (ours, theirs) in zip(vamp.spectrum, reference.singularValues) { #expect(abs(ours - theirs) < 2e-4) }
    }

    /// A process with one slow mode (a = 0.97, 0.3, 0.2), 8 trajectories of 1500 frames, 4 folds of
    /// whole trajectories. Analytic held-out VAMP-2 of the top m coordinates: 1 + Σ_{i≤m} a_i^(2τ),
    /// i.e. 1.885 (m = 1) and 1.895 (m = 3) at τ = 2, 1.544 at τ = 10 (measured 1.880, 1.890 and
    /// 1.527, standard errors 0.006-0.011). Bounds: 0.08 for the statistical error of ~10⁴ frames
    /// per training set (a few standard errors), saturation |m3 − m1| < 0.03 (analytic 0.010), and
    /// the longer lag scores lower by more than 0.25 (analytic 0.34).
    @Test func lagScanRanksLagAndDimension() throws {
        let data = try SRVTestData.linearProcess(coefficients: [0.97, 0.3, 0.2], lengths: Array(repeating: 1500, count: 8),
                                                 seed: 21)
        var settings = SRVSettings(lag: 1, latentDimension: 1, seed: 5)
        settings.hiddenLayers = []
        settings.restarts = 1
        settings.epochs = 10
        let scores = try SRVTrainer.scanLag(data, lags: [2, 10], dimensions: [1, 2, 3], folds: 4, settings: settings)
        for s in scores { print("scan lag \(s.lag) m \(s.dimension): \(s.mean) ± \(s.standardError)") }
        #expect(scores.count == 6)
        func score(_ lag: Int, _ m: Int) throws -> SRVLagScore {
            try #require(scores.first { $0.lag == lag && $0.dimension == m })
        }
        #expect(abs(try score(2, 1).mean - (1 + pow(0.97, 4))) < 0.08)
        #expect(abs(try score(10, 1).mean - (1 + pow(0.97, 20))) < 0.08)
        #expect(try score(2, 1).mean - 1 > 0.8)
        #expect(abs(try score(2, 3).mean - score(2, 1).mean) < 0.03)
        #expect(try score(2, 1).mean > score(10, 1).mean + 0.25)
        #expect(try score(2, 1).standardError > 0 && score(2, 1).foldScores.count == 4)
    }
}
