import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Testing

/// The MDN propagator on Brownian dynamics in the four-well potential (D = kT = 1, dt = 10⁻³,
/// Euler-Maruyama, as in Kinetics' MSMFourWellTests), the latent coordinate being x itself, against
/// the exact answers of `SmoluchowskiReference`.
@Suite(.enabled(if: PropagatorTestSupport.optimizedBuild, "training-heavy: run with swift test -c release"))
struct FourWellPropagatorTests {
    static let timeStep = 1e-3
    static let environment = ProcessInfo.processInfo.environment
    static func knob(_ name: String, _ value: Int) -> Int { environment[name].flatMap(Int.init) ?? value }

    /// 100 bins on [-1.1, 1.1] (DESIGN.md §9's 1-D histogram over the range Kinetics' four-well tests use).
    static var edges: [Double] { (0...100).map { -1.1 + 2.2 * Double($0) / 100 } }

    static func totalVariation(_ p: [Double], _ q: [Double]) -> Double {
        0.5 * zip(p, q).reduce(0) { $0 + abs($1.0 - $1.1) }
    }

    @Test func rolloutsReproduceTheExactDensityAndTimescales() throws {
        let saveEvery = Self.knob("MDN_SAVE", 50), lagFrames = 100 / saveEvery
        let trajectoryCount = Self.knob("MDN_TRAJ", 10), framesEach = Self.knob("MDN_FRAMES", 10_000)
        let dynamics = BrownianDynamics1D(potential: FourWellPotential(), timeStep: Self.timeStep)
        let clock = ContinuousClock()
        var started = clock.now
        let minima = [-0.739, -0.224, 0.269, 0.673]
        let trajectories = (0..<trajectoryCount).map { k in
            let x = dynamics.simulate(from: minima[k % 4], frames: framesEach, saveEvery: saveEvery, seed: 500 + UInt64(k))
            return Matrix(rows: x.count, cols: 1, values: x.map(Float.init))
        }
        let data = try TrajectoryData(trajectories)
        print("MD: \(trajectoryCount) × \(framesEach) frames every \(saveEvery) steps in \(clock.now - started)")

        var settings = MDNSettings(lag: lagFrames, components: 24, seed: 7)
        if let w = Self.environment["MDN_WIDTH"].flatMap(Int.init) { settings.hiddenLayers = [w, w] }
        if let e = Self.environment["MDN_EPOCHS"].flatMap(Int.init) { settings.epochs = e }
        if let b = Self.environment["MDN_BATCH"].flatMap(Int.init) { settings.batchSize = b }
        if let l = Self.environment["MDN_LR"].flatMap(Float.init) { settings.learningRate = l }
        settings.timeReversal = Self.environment["MDN_REV"] != nil
        if let d = Self.environment["MDN_DECAY"].flatMap(Float.init) { settings.learningRateDecay = d }
        if let p = Self.environment["MDN_PATIENCE"].flatMap(Int.init) { settings.patience = p }
        started = clock.now
        let (propagator, report) = try MDNTrainer.train(data, settings: settings) { p in
            if Self.environment["MDN_VERBOSE"] != nil {
                print("epoch \(p.epoch) train \(p.trainingLoss) val \(p.validationLoss ?? .nan)")
            }
        }
        print("training: \(report) in \(clock.now - started)")

        let rolloutCount = 100, steps = Self.knob("MDN_STEPS", 10_000)
        let starts = Matrix(rows: rolloutCount, cols: 1)
        for k in 0..<rolloutCount { starts.pointer[k] = data.values.pointer[(k * 7919) % data.frameCount] }
        started = clock.now
        let rollouts = propagator.rollouts(from: starts, steps: steps, seed: 11)
        let elapsed = clock.now - started
        print("rollouts: \(rolloutCount) × \(steps) steps in \(elapsed)")

        let reference = try SmoluchowskiReference(potential: FourWellPotential(), range: -1.3...1.3, points: 500)
        let grid = try RegularGrid(lower: -1.1, upper: 1.1, bins: 100)
        let dtrajs = try grid.assign(rollouts.map { r in DoubleMatrix(rows: r.rows, cols: 1, values: r.values.map(Double.init)) })
        var histogram = [Double](repeating: 0, count: 100)
        for r in rollouts { for v in r.values where v >= -1.1 && v < 1.1 { histogram[min(99, Int((Double(v) + 1.1) / 0.022))] += 1 } }
        let total = histogram.reduce(0, +)
        histogram = histogram.map { $0 / total }
        let exact = try reference.stationaryProbabilities(edges: Self.edges)
        let tv = Self.totalVariation(histogram, exact)
        let model = try MarkovStateModel.estimate(dtrajs, lag: 1, stateCount: 100)
        let timescales = try model.timescales(count: 3).map { $0 * 100 }
        let exactTimescales = try reference.eulerMaruyamaTimescales(timeStep: Self.timeStep, count: 3)
        var dataHistogram = [Double](repeating: 0, count: 100)
        for v in data.values.values where v >= -1.1 && v < 1.1 { dataHistogram[min(99, Int((Double(v) + 1.1) / 0.022))] += 1 }
        let dataTotal = dataHistogram.reduce(0, +)
        print("data TV \(Self.totalVariation(dataHistogram.map { $0 / dataTotal }, exact))")
        func wells(_ h: [Double]) -> [Double] {
            [0..<25, 25..<50, 50..<75, 75..<100].map { r in r.reduce(0) { $0 + h[$1] } }
        }
        print("wells exact \(wells(exact)) rollouts \(wells(histogram)) data \(wells(dataHistogram.map { $0 / dataTotal }))")
        print("bins rollout-exact: \((0..<100).map { String(format: "%.4f", histogram[$0] - exact[$0]) }.joined(separator: " "))")
        print("TV \(tv); time scales \(timescales) vs exact \(exactTimescales)")
        #expect(tv < 0.03)
        for (estimated, exact) in zip(timescales, exactTimescales) {
            #expect(abs(estimated - exact) / exact < 0.10, "\(timescales) vs \(exactTimescales)")
        }
    }
}
