import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

/// Input an MSM cannot be built from is refused with a KineticsError of the right kind whose text
/// names the problem.
@Suite struct MSMInputErrorTests {
    func expectError(_ kind: KineticsError.Kind, mentioning words: [String], _ body: () throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected a \(kind) error", sourceLocation: sourceLocation)
        } catch let error as KineticsError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            for word in words {
                #expect(error.problem.contains(word), "'\(error.problem)' should mention '\(word)'",
                        sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func lagLongerThanEveryTrajectory() {
        expectError(.insufficientData, mentioning: ["lag of 10 frames", "longest has 5"]) {
            _ = try MarkovStateModel.estimate([[0, 1, 0, 1, 0], [1, 0]], lag: 10)
        }
        expectError(.invalidArgument, mentioning: ["lag"]) { _ = try TransitionCounts([[0, 1]], lag: 0) }
    }

    @Test func emptyAndNegativeInput() {
        expectError(.emptySelection, mentioning: ["no discrete trajectories"]) { _ = try TransitionCounts([], lag: 1) }
        expectError(.emptySelection, mentioning: ["no discrete trajectories"]) { _ = try TransitionCounts([[], []], lag: 1) }
        expectError(.invalidArgument, mentioning: ["negative state -1"]) { _ = try TransitionCounts([[0, -1, 0]], lag: 1) }
        expectError(.mismatch, mentioning: ["state 3", "2 states"]) {
            _ = try TransitionCounts([[0, 3, 0]], lag: 1, stateCount: 2)
        }
    }

    @Test func disconnectedCounts() {
        // Each state only ever stays put: no two states are connected.
        expectError(.disconnected, mentioning: ["no two states"]) {
            _ = try MarkovStateModel.estimate([[0, 0, 0], [1, 1, 1]], lag: 1)
        }
        // Two separate pairs: allowed (largest set) unless full connectivity is required.
        let split = [[0, 1, 0, 1, 0, 1], [2, 3, 2, 3]]
        #expect((try? MarkovStateModel.estimate(split, lag: 1))?.activeStates == [0, 1])
        expectError(.disconnected, mentioning: ["4 visited states", "largest connected set has 2"]) {
            _ = try MarkovStateModel.estimate(split, lag: 1, options: MSMOptions(requireConnected: true))
        }
        // No transitions counted at all (every trajectory shorter than the lag but one of length lag+1 … none).
        expectError(.insufficientData, mentioning: ["no transitions"]) {
            _ = try MarkovStateModel(counts: TransitionCounts(lag: 1, states: [0, 1], matrix: DoubleMatrix(rows: 2, cols: 2)))
        }
    }

    @Test func setsOutsideTheModelOrEmpty() throws {
        let model = try MarkovStateModel.estimate([[0, 1, 2, 1, 0, 1, 2, 3]], lag: 1)
        #expect(model.activeStates == [0, 1, 2])
        expectError(.emptySelection, mentioning: ["target set", "no states"]) {
            _ = try model.meanFirstPassageTime(from: [0], to: [])
        }
        expectError(.disconnected, mentioning: ["state 3", "connected set"]) {
            _ = try model.meanFirstPassageTime(from: [0], to: [3])
        }
        expectError(.invalidArgument, mentioning: ["share states"]) { _ = try model.forwardCommittor(from: [0, 1], to: [1]) }
        expectError(.emptySelection, mentioning: ["metastable set 1"]) {
            _ = try model.chapmanKolmogorovTest([[0, 1, 2, 1, 0, 1, 2, 3]], steps: 1, sets: .states([[0], []]))
        }
        expectError(.invalidArgument, mentioning: ["time scales", "3 states"]) { _ = try model.timescales(count: 3) }
        expectError(.invalidArgument, mentioning: ["metastable sets"]) { _ = try model.pcca(sets: 4) }
        // The CK test re-estimates at kτ and says at which lag it could not.
        expectError(.disconnected, mentioning: ["Chapman-Kolmogorov", "lag 4 frames", "no two states"]) {
            _ = try model.chapmanKolmogorovTest([[0, 1, 2, 1, 0, 1, 2, 3]], steps: 8, sets: .states([[0], [1, 2]]))
        }
        var generator = SplitMix64(seed: 1)
        let coin = [(0..<30).map { _ in generator.below(2) }]
        let coinModel = try MarkovStateModel.estimate(coin, lag: 10)
        expectError(.insufficientData, mentioning: ["Chapman-Kolmogorov", "lag 30", "longest has 30"]) {
            _ = try coinModel.chapmanKolmogorovTest(coin, steps: 3, sets: .states([[0], [1]]))
        }
    }

    @Test func errorEstimatesNeedEnoughData() {
        expectError(.insufficientData, mentioning: ["two", "block"]) {
            _ = try ImpliedTimescaleScan.estimate([[0, 1, 0, 1, 1, 0]], lags: [1], processes: 1,
                                                  errors: .bootstrap(samples: 10, seed: 1))
        }
        expectError(.emptySelection, mentioning: ["at least one lag"]) {
            _ = try ImpliedTimescaleScan.estimate([[0, 1, 0, 1]], lags: [], processes: 1)
        }
    }

    @Test func nonReversibleModelsHaveNoEigenvectors() throws {
        let model = try MarkovStateModel.estimate([[0, 1, 0, 0, 1, 1, 0]], lag: 1, options: MSMOptions(reversible: false))
        expectError(.invalidArgument, mentioning: ["reversible"]) { _ = try model.spectrum() }
        #expect(try model.eigenvalues(count: 2).count == 2)
    }
}
