import Foundation
import LatentSimulator
import NeuralNet
import Testing
import TestSupport

@Suite("MDN archive round trips, determinism and divergence",
       .enabled(if: BuildConfiguration.isOptimized, "training: run with swift test -c release"))
struct MDNArchiveTests {
    static func smallSettings(seed: UInt64) -> MDNSettings {
        var settings = MDNSettings(lag: 2, components: 4, seed: seed)
        settings.hiddenLayers = [16, 16]
        settings.epochs = 4
        return settings
    }

    static func identical(_ a: [Matrix], _ b: [Matrix]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.values == $1.values }
    }

    @Test func propagatorRoundTripGivesIdenticalRollouts() throws {
        let data = try PropagatorTestSupport.ornsteinUhlenbeck(trajectories: 4, frames: 500, seed: 1)
        let (propagator, report) = try MDNTrainer.train(data, settings: Self.smallSettings(seed: 5))
        #expect(report.trainingNLL.isFinite && report.validationNLL.isFinite && report.epochs == 4)
        let workspace = try Workspace()
        try ModelArchive.save(propagator, name: "mdn", in: workspace.url)
        let loaded = try ModelArchive.load(MDNPropagator.self, name: "mdn", from: workspace.url)
        #expect(loaded.configuration == propagator.configuration)
        let starts = data.values.rows([0, 100, 600, 1999])
        let original = propagator.rollouts(from: starts, steps: 300, seed: 77)
        #expect(Self.identical(original, loaded.rollouts(from: starts, steps: 300, seed: 77)))
        #expect(original.enumerated().allSatisfy { k, r in r.rows == 301 && r.row(0) == starts.row(k) })
        #expect(propagator.logLikelihood(from: starts, to: starts) == loaded.logLikelihood(from: starts, to: starts))
    }

    @Test func ensembleRoundTripGivesIdenticalRollouts() throws {
        let data = try PropagatorTestSupport.ornsteinUhlenbeck(trajectories: 4, frames: 500, seed: 2)
        let (ensemble, reports) = try PropagatorEnsemble.train(data, settings: Self.smallSettings(seed: 6), members: 3)
        #expect(reports.count == 3 && ensemble.members.count == 3)
        #expect(Set(ensemble.parameters.map(\.name)).count == ensemble.parameters.count)
        #expect(ensemble.parameters.allSatisfy { $0.name.hasPrefix("member") })
        let workspace = try Workspace()
        try ModelArchive.save(ensemble, name: "propagators", in: workspace.url)
        let loaded = try ModelArchive.load(PropagatorEnsemble.self, name: "propagators", from: workspace.url)
        let starts = data.values.rows([3, 700])
        let a = ensemble.rollouts(from: starts, steps: 100, seed: 8), b = loaded.rollouts(from: starts, steps: 100, seed: 8)
        #expect(a.count == 3 && zip(a, b).allSatisfy { Self.identical($0, $1) })
        // Members differ (bootstrap and seed), so their rollouts do too.
        #expect(!Self.identical(a[0], a[1]))
        // The member's own parameter names are untouched by the ensemble's prefixes.
        #expect(ensemble.members[0].parameters.allSatisfy { $0.name.hasPrefix("network.") })
    }

    /// Same data and seed: the same weights and the same rollouts; another rollout seed: other rollouts.
    @Test func sameSeedSameRollouts() throws {
        let data = try PropagatorTestSupport.ornsteinUhlenbeck(trajectories: 3, frames: 400, seed: 3)
        let first = try MDNTrainer.train(data, settings: Self.smallSettings(seed: 9)).propagator
        let second = try MDNTrainer.train(data, settings: Self.smallSettings(seed: 9)).propagator
        #expect(zip(first.parameters, second.parameters).allSatisfy { $0.value.values == $1.value.values })
        let starts = Matrix(rows: 40, cols: 1, repeating: 0.1)
        let a = first.rollouts(from: starts, steps: 200, seed: 1)
        #expect(Self.identical(a, second.rollouts(from: starts, steps: 200, seed: 1)))
        #expect(Self.identical(a, first.rollouts(from: starts, steps: 200, seed: 1)))
        #expect(!Self.identical(a, first.rollouts(from: starts, steps: 200, seed: 2)))
        // A trajectory's noise does not depend on how many run beside it: the first steps agree
        // (later ones may drift apart by the batched product's rounding, which depends on K).
        let fewer = first.rollouts(from: starts.rows(0..<5), steps: 200, seed: 1)
        #expect(zip(fewer[3].values.prefix(10), a[3].values.prefix(10)).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    /// An absurd learning rate blows the optimizer up: the trainer restarts (learning rate × 0.1)
    /// or, when every attempt diverges, throws `.diverged`; nothing it returns holds a NaN.
    @Test func absurdLearningRateRestartsOrDiverges() throws {
        let data = try PropagatorTestSupport.ornsteinUhlenbeck(trajectories: 4, frames: 500, seed: 4)
        var settings = Self.smallSettings(seed: 10)
        settings.learningRate = 1e4
        settings.maximumRestarts = 5
        do {
            let (propagator, report) = try MDNTrainer.train(data, settings: settings)
            print("absurd learning rate: \(report)")
            #expect(report.restarts > 0, "an absurd learning rate went unnoticed: \(report)")
            #expect(report.trainingNLL.isFinite && report.validationNLL.isFinite)
            #expect(propagator.parameters.allSatisfy { PropagatorTestSupport.allFinite($0.value) })
            let rollouts = propagator.rollouts(from: data.values.rows(0..<10), steps: 100, seed: 1)
            #expect(rollouts.allSatisfy(PropagatorTestSupport.allFinite))
        } catch let error as LatentSimulatorError {
            print("absurd learning rate: \(error)")
            #expect(error.kind == .diverged, "\(error)")
        }
        settings.maximumRestarts = 0
        #expect { try MDNTrainer.train(data, settings: settings) } throws: { error in
            (error as? LatentSimulatorError)?.kind == .diverged
        }
    }

    @Test func badInputIsRefusedWithAReason() throws {
        let data = try PropagatorTestSupport.ornsteinUhlenbeck(trajectories: 2, frames: 50, seed: 5)
        #expect { try MDNTrainer.train(data, settings: MDNSettings(lag: 0)) } throws: { error in
            (error as? LatentSimulatorError)?.kind == .invalidSetting
        }
        #expect { try MDNTrainer.train(data, settings: MDNSettings(lag: 60)) } throws: { error in
            (error as? LatentSimulatorError)?.kind == .insufficientData
        }
        let bad = data.values.copy()
        bad.pointer[7] = .nan
        #expect { try MDNTrainer.train(data.replacingValues(with: bad), settings: MDNSettings(lag: 1)) } throws: { error in
            (error as? LatentSimulatorError)?.kind == .numerical
        }
        #expect { try PropagatorEnsemble.train(data, settings: MDNSettings(lag: 1), members: 0) } throws: { error in
            (error as? LatentSimulatorError)?.kind == .invalidSetting
        }
    }
}
