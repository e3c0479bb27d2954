import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Testing
import TestSupport

/// Saving and loading, divergence, refused input, restarts and split hygiene of the SRV.
@Suite(.enabled(if: BuildConfiguration.isOptimized, "training-heavy: run with swift test -c release"))
struct SRVRobustnessTests {
    static func smallFourWell() throws -> TrajectoryData {
        try SRVTestData.fourWell(trajectories: 2, frames: 3000, saveEvery: 20, start: { $0 == 0 ? -0.75 : 0.7 },
                                 seed: 300).data
    }

    /// A model bundle round trip (configuration JSON + safetensors, batch-norm statistics included)
    /// gives bit-identical latent coordinates and spectrum.
    @Test func roundTripThroughModelArchive() throws {
        let data = try Self.smallFourWell()
        var settings = SRVSettings(lag: 5, latentDimension: 2, seed: 8)
        settings.hiddenLayers = [8, 8]
        settings.batchNorm = true
        settings.restarts = 1
        settings.epochs = 5
        let (encoder, _) = try SRVTrainer.train(data, settings: settings)
        let workspace = try Workspace()
        try ModelArchive.save(encoder, name: "srv", in: workspace.url)
        let loaded = try ModelArchive.load(SRVEncoder.self, name: "srv", from: workspace.url)
        #expect(loaded.spectrum == encoder.spectrum)
        #expect(loaded.lag == 5 && loaded.latentDimension == 2 && loaded.inputDimension == 3)
        #expect(loaded.encode(data.values).values == encoder.encode(data.values).values)
        #expect(loaded.impliedTimescales(frameInterval: 2) == encoder.impliedTimescales(frameInterval: 2))
    }

    /// An absurd learning rate either recovers through restarts at lower rates or throws `.diverged`
    /// naming the learning rate; whatever is returned holds no NaN. At 10³⁰ (10³⁰/8 after three
    /// halvings) the first Adam step throws every weight past the divergence limit, so it must throw.
    @Test(arguments: [Float(1e4), Float(1e30)])
    func absurdLearningRateNeverGivesNaN(rate: Float) throws {
        let data = try Self.smallFourWell()
        var settings = SRVSettings(lag: 5, latentDimension: 1, seed: 9)
        settings.hiddenLayers = [8, 8]
        settings.restarts = 2
        settings.epochs = 5
        settings.learningRate = rate
        do {
            let (encoder, report) = try SRVTrainer.train(data, settings: settings)
            let latent = encoder.encode(data.values)
            print("learning rate \(rate): recovered, report \(report)")
            let finite = latent.values.allSatisfy { $0.isFinite } && encoder.spectrum.allSatisfy { $0.isFinite }
                && report.restartScores.allSatisfy { $0.isFinite }
            #expect(finite)
            #expect(rate < 1e20, "a learning rate of \(rate) cannot train")
        } catch let error as LatentSimulatorError {
            print("learning rate \(rate): \(error)")
            #expect(error.kind == .diverged && error.problem.contains("learning rate"))
        }
    }

    @Test func refusesConstantFeaturesAndConflictingSettings() throws {
        let constant = try TrajectoryData([Matrix(rows: 500, cols: 2, repeating: 0.5)])
        #expect { try SRVTrainer.train(constant, settings: SRVSettings(lag: 2, latentDimension: 1)) } throws: { error in
            let e = error as? LatentSimulatorError
            return e?.kind == .insufficientData && e?.problem.contains("constant") == true
        }
        let data = try Self.smallFourWell()
        var both = SRVSettings(lag: 2, latentDimension: 1)
        both.timeReversal = true
        both.koopmanReweighting = true
        #expect { try SRVTrainer.train(data, settings: both) } throws: { error in
            (error as? LatentSimulatorError)?.kind == .invalidSetting
        }
        var narrow = SRVSettings(lag: 2, latentDimension: 3)
        narrow.outputWidth = 2
        #expect { try SRVTrainer.train(data, settings: narrow) } throws: { error in
            (error as? LatentSimulatorError)?.kind == .invalidSetting
        }
        #expect { try SRVTrainer.train(data, settings: SRVSettings(lag: 5000, latentDimension: 1)) } throws: { error in
            (error as? LatentSimulatorError)?.kind == .insufficientData
        }
    }

    /// 20 trajectories of 500 frames: the split holds out whole trajectories, so training and
    /// validation pairs add up to every pair of the data; every restart is reported and the best
    /// is kept; the same seed gives the same model; a warm start trains once and refuses another
    /// architecture.
    @Test func restartsSplitsAndWarmStart() throws {
        let lag = 4
        let data = try SRVTestData.linearProcess(coefficients: [0.95, 0.6], lengths: Array(repeating: 500, count: 20),
                                                 seed: 31)
        var settings = SRVSettings(lag: lag, latentDimension: 1, seed: 12)
        settings.hiddenLayers = [8]
        settings.restarts = 3
        settings.epochs = 8
        let (encoder, report) = try SRVTrainer.train(data, settings: settings)
        print("restarts: \(report.restartScores), kept \(report.bestRestart), validation \(report.validationScore)")
        #expect(report.restartScores.count == 3)
        #expect(report.validationScore == report.restartScores.max())
        #expect(report.restartScores[report.bestRestart] == report.validationScore)
        #expect(report.trainingPairs + report.validationPairs == 20 * (500 - lag))
        #expect(report.validationPairs % (500 - lag) == 0)
        let heldOut = Double(report.validationPairs) / Double(20 * (500 - lag))
        #expect(heldOut >= 0.1 && heldOut <= 0.3)

        let (again, againReport) = try SRVTrainer.train(data, settings: settings)
        #expect(again.spectrum == encoder.spectrum && againReport.restartScores == report.restartScores)

        let (warm, warmReport) = try SRVTrainer.train(data, settings: settings, warmStart: encoder)
        #expect(warmReport.restartScores.count == 1)
        #expect(warm.spectrum[0] > 0.5)
        var other = settings
        other.hiddenLayers = [4]
        #expect { try SRVTrainer.train(data, settings: other, warmStart: encoder) } throws: { error in
            (error as? LatentSimulatorError)?.kind == .mismatch
        }
    }
}

/// Settings decode with defaults for every member but the lag and the latent dimension.
@Suite struct SRVSettingsTests {
    @Test func shortSettingsDecodeWithDefaults() throws {
        let json = #"{"lag": 7, "latentDimension": 2, "hiddenLayers": [], "timeReversal": true}"#
        let settings = try JSONDecoder().decode(SRVSettings.self, from: Data(json.utf8))
        var expected = SRVSettings(lag: 7, latentDimension: 2)
        expected.hiddenLayers = []
        expected.timeReversal = true
        #expect(settings == expected)
        #expect(settings.resolvedOutputWidth == 4 && settings.restarts == 3 && settings.epsilon == 1e-6)
        let roundTrip = try JSONDecoder().decode(SRVSettings.self, from: JSONEncoder().encode(settings))
        #expect(roundTrip == settings)
        var bad = settings
        bad.koopmanReweighting = true
        #expect(throws: LatentSimulatorError.self) { try bad.validate() }
    }
}
