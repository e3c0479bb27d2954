import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Testing

/// The SRV on Brownian dynamics in the four-well potential, against the exact time scale of the
/// Euler-Maruyama chain (`SmoluchowskiReference`, ~844 steps).
@Suite(.enabled(if: SRVTestData.optimizedBuild, "training-heavy: run with swift test -c release"))
struct SRVFourWellTests {
    @Test func findsTheSlowestProcess() throws {
        let saveEvery = 20
        let (positions, data) = try SRVTestData.fourWell(trajectories: 10, frames: 10_000, saveEvery: saveEvery,
                                                         start: { $0 % 2 == 0 ? -0.75 : 0.7 }, seed: 100)
        var settings = SRVSettings(lag: 10, latentDimension: 1, seed: 1)
        settings.hiddenLayers = [16, 16]
        settings.restarts = 1
        settings.epochs = 30
        settings.batchSize = 1024
        settings.patience = 8
        let started = Date()
        let (encoder, report) = try SRVTrainer.train(data, settings: settings)
        let exact = try SRVTestData.exactFourWellTimescale()
        let timescale = encoder.impliedTimescales(frameInterval: Double(saveEvery))[0]
        print("SRV four-well: t1 = \(timescale) steps (exact \(exact)), spectrum \(encoder.spectrum), "
              + "report \(report), \(Date().timeIntervalSince(started)) s")
        #expect(abs(timescale - exact) < 0.12 * exact)

        let latent = encoder.encode(data.values)
        let moments = SRVTestData.moments(latent)
        print("latent moments \(moments)")
        #expect(abs(moments.variance[0] - 1) < 0.05)
        #expect(moments.skewness[0] > 0)

        var other = settings
        other.seed = 2
        let (second, _) = try SRVTrainer.train(data, settings: other)
        let r = SRVTestData.correlation(SRVTestData.column(latent, 0), SRVTestData.column(second.encode(data.values), 0))
        print("correlation of ψ1 across seeds \(r)")
        #expect(r > 0.95)
        _ = positions
    }
}
