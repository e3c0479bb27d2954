import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

/// `lss train` and `lss simulate` on the four-well potential given as a table of x (no decoder):
/// the trained SRV's slowest time scale against the exact one of the Euler-Maruyama chain, and
/// synthetic latent trajectories that cross between the wells.
@Suite(.serialized) struct FourWellModelTests {
    /// 10⁵ frames saved every 10 Euler-Maruyama steps of 10⁻³ (one frame = 0.01 time units,
    /// read as ps): about 1200 slowest relaxation times.
    static func table(in workspace: Workspace) throws -> String {
        let x = BrownianDynamics1D(potential: FourWellPotential()).simulate(from: 0, frames: 100_000, saveEvery: 10, seed: 11)
        let path = workspace.path("fourwell.npy")
        try NumpyArrayFile.write(DoubleMatrix(rows: x.count, cols: 1, values: x), to: path)
        return path
    }

    struct Summary: Decodable {
        var encoderLag: Double
        var propagatorLag: Double
        var latentDimension: Int
        var spectrum: [Double]
        var timescales: [Double?]
        var validationVAMP2: Double
        var propagatorValidationNLL: [Double]
    }

    /// The slowest implied time scale of the SRV at lag 100 steps against the exact 844 steps
    /// (0.844 time units) of the chain: within 15 % (a one-coordinate SRV can represent the exact
    /// eigenfunction; the rest is statistics of ~1200 relaxations and training noise).
    @Test func trainRecoversTheSlowestTimescaleAndSimulates() throws {
        let w = try Workspace()
        let table = try Self.table(in: w)
        let out = try LSSBinary.run(["train", table, "--dt", "0.01", "--lag", "0.1ps", "--latent", "1", "--ensemble", "2",
                                     "--restarts", "1", "--epochs", "40", "--seed", "3", "--quiet", "--json", "-o", w.path("model")])
        let summary = try LSSBinary.jsonDecoder.decode(Summary.self, from: Data(out.utf8))
        #expect(summary.latentDimension == 1)
        #expect(abs(summary.encoderLag - 0.1) < 1e-9 && abs(summary.propagatorLag - 0.1) < 1e-9)
        let exact = try SmoluchowskiReference(potential: FourWellPotential(), range: -1.3...1.3, points: 500)
            .eulerMaruyamaTimescales(timeStep: 1e-3, count: 1)[0] * 1e-3
        let t1 = try #require(summary.timescales.first ?? nil)
        #expect(abs(t1 / exact - 1) < 0.15, "t1 \(t1) vs exact \(exact)")
        #expect(summary.propagatorValidationNLL.count == 2 && summary.propagatorValidationNLL.allSatisfy { $0.isFinite })
        for file in ["manifest.json", "encoder.json", "encoder.safetensors", "propagator.json", "propagator.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: w.path("model/\(file)")), "bundle lacks \(file)")
        }

        // 5000 MDN steps of 10 frames each = 500 time units, ~600 relaxation times: the synthetic
        // latent trajectory must cross the whole latent range the data span, not sit in one well.
        let simulated = try LSSBinary.run(["simulate", w.path("model"), "--latent", "0", "--steps", "5000", "--latent-only",
                                           "-o", w.path("synthetic.npy")])
        #expect(simulated.contains("wrote"))
        let latent = try NumpyArrayFile.read(w.path("synthetic.npy"))
        #expect(latent.rows == 5001 && latent.cols == 1)
        #expect(latent.values.allSatisfy { $0.isFinite })
        // ψ1 is the slowest eigenfunction: about −1 on one pair of wells and +1 on the other (unit
        // variance). A trajectory of ~600 relaxation times spends a large share on both sides.
        let below = Double(latent.values.count { $0 < -0.5 }) / Double(latent.rows)
        let above = Double(latent.values.count { $0 > 0.5 }) / Double(latent.rows)
        #expect(below > 0.15 && above > 0.15, "fraction of ψ1 < −0.5: \(below), > 0.5: \(above)")

        // A model of a table has no featurizer: encoding frames with it is refused, naming why.
        let encode = try #require(try LSSBinary.failure(["encode", w.path("model"), table, "-o", w.path("z.npy")]))
        #expect(encode.contains("tables of collective variables"), "\(encode)")
    }

    @Test func badSettingsAndFilesAreRefusedWithTheirNames() throws {
        let w = try Workspace()
        let table = try Self.table(in: w)
        let lag = try #require(try LSSBinary.failure(["train", table, "--dt", "0.01", "--lag", "0.015ps", "-o", w.path("m")]))
        #expect(lag.contains("--lag") && lag.contains("whole number"))
        let notModel = try #require(try LSSBinary.failure(["simulate", w.path("."), "--latent", "0", "--steps", "5", "-o", w.path("x.npy")]))
        #expect(notModel.contains("manifest.json"))
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: w.path("manifest.json")))
        let corrupt = try #require(try LSSBinary.failure(["simulate", w.path("."), "--latent", "0", "--steps", "5", "-o", w.path("x.npy")]))
        #expect(corrupt.contains("manifest.json") && corrupt.contains("damaged"))
        let both = try #require(try LSSBinary.failure(["simulate", w.path("."), "--latent", "0", "--from", "a.dcd:0", "--steps", "5", "-o", w.path("x.npy")]))
        #expect(both.contains("exactly one"))
    }
}
