import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

/// The MSM estimators against deeptime 0.4.5 on the same discrete trajectories.
@Suite struct MSMDeeptimeTests {
    struct Reference: Decodable {
        var counts: [[Double]]
        var active: [Int]
        var transition: [[Double]]
        var stationary: [Double]
        var timescales: [Double]
        var mfpt: Double
        var mfptBack: Double
        var committor: [Double]
        var nonReversible: [[Double]]
        var nonReversibleStationary: [Double]
        var nonReversibleTimescales: [Double]
    }

    static let script = """
    import json, sys, numpy as np
    from deeptime.markov import TransitionCountEstimator
    from deeptime.markov.msm import MaximumLikelihoodMSM
    d = json.load(open(sys.argv[1]))
    dtrajs = [np.asarray(t, dtype=np.int32) for t in d['dtrajs']]
    lag = d['lag']
    counts = TransitionCountEstimator(lagtime=lag, count_mode='sliding').fit(dtrajs).fetch_model()
    msm = MaximumLikelihoodMSM(reversible=True).fit(counts).fetch_model()
    nonrev = MaximumLikelihoodMSM(reversible=False).fit(counts.submodel(msm.count_model.state_symbols)).fetch_model()
    A = msm.count_model.symbols_to_states(d['A'][0]); B = msm.count_model.symbols_to_states(d['B'][0])
    print(json.dumps({
        'counts': counts.count_matrix.tolist(),
        'active': [int(s) for s in msm.count_model.state_symbols],
        'transition': msm.transition_matrix.tolist(),
        'stationary': msm.stationary_distribution.tolist(),
        'timescales': msm.timescales(5).tolist(),
        'mfpt': float(msm.mfpt(A, B)), 'mfptBack': float(msm.mfpt(B, A)),
        'committor': msm.committor_forward(A, B).tolist(),
        'nonReversible': nonrev.transition_matrix.tolist(),
        'nonReversibleStationary': nonrev.stationary_distribution.tolist(),
        'nonReversibleTimescales': nonrev.timescales(3).tolist()}))
    """

    /// Chain states 0…11 are written with the labels below: label 5 never occurs, and label 13 occurs
    /// only as the last frame of one trajectory, so it has an incoming count and no outgoing one and
    /// lies outside the largest strongly connected set.
    static let labels = [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]

    @Test func agreesWithDeeptime() throws {
        var trajectories = MSMTestData.sample(MSMTestData.metastableChain(), lengths: [20_000, 15_000, 8_000],
                                              seed: 11, labels: Self.labels)
        trajectories[1].append(13)
        let lag = 3
        let origin = [0, 1, 2, 3], target = [9, 10, 11, 12]
        let workspace = try Workspace()
        let path = workspace.path("dtrajs.json")
        try MSMTestData.write(trajectories, lag: lag, to: path, extra: ["A": [origin], "B": [target]])
        let reference = try decodeJSON(Reference.self, from: runPython(Self.script, [path]))

        // Counts: exact integers, over labels 0…13.
        let counts = try TransitionCounts(trajectories, lag: lag)
        #expect(counts.matrix == DoubleMatrix(reference.counts))
        // Connected set: the same labels (5 unvisited, 13 one-way).
        let model = try MarkovStateModel.estimate(trajectories, lag: lag)
        #expect(model.activeStates == reference.active)
        #expect(model.activeStates == Self.labels)
        #expect(model.converged)

        // Transition matrix: both run the same fixed-point iteration to a relative change of 1e-8 in
        // the stationary weights, so they agree to rounding and the stopping point; 1e-7 absolute
        // leaves room for the latter (the last iterations change entries by ~1e-9 here).
        let transitionDifference = model.transitionMatrix.maxAbsoluteDifference(DoubleMatrix(reference.transition))
        #expect(transitionDifference < 1e-7, "max |T − T_deeptime| = \(transitionDifference)")
        let piDifference = zip(model.stationaryDistribution, reference.stationary).map { abs($0 - $1) / $1 }.max() ?? 1
        #expect(piDifference < 1e-6, "max relative π difference \(piDifference)")
        // Derived quantities: relative 1e-6 (the eigenvalues and solves amplify 1e-8 by ≲ 100).
        let timescales = try model.timescales(count: 5)
        for (ours, theirs) in zip(timescales, reference.timescales) {
            #expect(abs(ours - theirs) / theirs < 1e-6, "time scale \(ours) vs deeptime \(theirs)")
        }
        let mfpt = try model.meanFirstPassageTime(from: origin, to: target)
        let mfptBack = try model.meanFirstPassageTime(from: target, to: origin)
        #expect(abs(mfpt - reference.mfpt) / reference.mfpt < 1e-6, "MFPT \(mfpt) vs deeptime \(reference.mfpt)")
        #expect(abs(mfptBack - reference.mfptBack) / reference.mfptBack < 1e-6,
                "MFPT back \(mfptBack) vs deeptime \(reference.mfptBack)")
        let committor = try model.forwardCommittor(from: origin, to: target)
        #expect(zip(committor, reference.committor).allSatisfy { abs($0 - $1) < 1e-7 })

        // Non-reversible: the row-normalized counts on the same strongly connected set (deeptime's own
        // non-reversible estimator would use weakly connected sets, and fails on the one-way state 13).
        let nonReversible = try MarkovStateModel.estimate(trajectories, lag: lag, options: MSMOptions(reversible: false))
        #expect(nonReversible.transitionMatrix.maxAbsoluteDifference(DoubleMatrix(reference.nonReversible)) < 1e-12)
        #expect(zip(nonReversible.stationaryDistribution, reference.nonReversibleStationary)
            .allSatisfy { abs($0 - $1) < 1e-10 })
        for (ours, theirs) in zip(try nonReversible.timescales(count: 3), reference.nonReversibleTimescales) {
            #expect(abs(ours - theirs) / theirs < 1e-8, "non-reversible time scale \(ours) vs deeptime \(theirs)")
        }
    }
}
