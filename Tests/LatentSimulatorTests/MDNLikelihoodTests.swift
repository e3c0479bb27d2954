import Foundation
import LatentSimulator
import NeuralNet
import Testing
import TestSupport

@Suite("MDN likelihood and its gradient")
struct MDNLikelihoodTests {
    /// A hand-set 3-component mixture over 2 coordinates, with a non-trivial scaler, against SciPy:
    /// softmax weights, sigmoid means, ELU + 1 + 10⁻³ scales in scaled units, the log-density of the
    /// scaled target plus Σ log a_d (the Jacobian of the scaler). Tolerance 2·10⁻⁴ nats: Float32
    /// arithmetic and the fast exp/sigmoid (errors ≤ 3·10⁻⁷ relative) on values of order 10.
    @Test func logLikelihoodMatchesSciPy() throws {
        let raw: [Float] = [0.3, -1.2, 0.8,                       // logits
                            -0.5, 1.5, 0.2, -2.0, 1.0, 0.0,        // means (component-major)
                            -1.5, 0.4, -2.5, -0.7, -1.0, 0.9]      // scales
        let scaler = LatentScaler(factors: [0.5, 2.0], offsets: [0.1, -0.3], margin: 0.05)
        let propagator = try PropagatorTestSupport.constantMixture(raw: raw, dimension: 2, components: 3, scaler: scaler)
        let targets: [[Float]] = [[0.4, 0.3], [-0.1, 0.6], [1.2, 0.1], [0.9, 0.55], [3.0, -1.0]]
        let to = Matrix(targets)
        let from = Matrix(rows: targets.count, cols: 2, repeating: 0.25)
        let ours = propagator.logLikelihood(from: from, to: to)

        let script = """
        import json, sys, numpy as np
        from scipy.stats import norm
        from scipy.special import logsumexp, softmax, expit
        raw = np.array(json.loads(sys.argv[1]), dtype=float); x = np.array(json.loads(sys.argv[2]), dtype=float)
        C, m = 3, 2
        logw = np.log(softmax(raw[:C]))
        mu = expit(raw[C:C+C*m]).reshape(C, m)
        b = raw[C+C*m:]
        sigma = (np.where(b > 0, b, np.expm1(b)) + 1 + 1e-3).reshape(C, m)
        a = np.array([0.5, 2.0]); off = np.array([0.1, -0.3])
        out = []
        for row in x:
            u = a * row + off
            comp = logw + norm.logpdf(u[None, :], mu, sigma).sum(axis=1)
            out.append(float(logsumexp(comp) + np.log(a).sum()))
        print(json.dumps(out))
        """
        let expected = try decodeJSON([Double].self, from: try runPython(script, [
            "[" + raw.map { "\($0)" }.joined(separator: ",") + "]",
            "[" + targets.map { "[\($0[0]),\($0[1])]" }.joined(separator: ",") + "]",
        ]))
        for (a, b) in zip(ours, expected) {
            #expect(abs(a - b) < 2e-4, "ours \(ours) SciPy \(expected)")
        }
    }

    /// The assembled loss (slices, softmax, sigmoid, ELU, log-sum-exp) on a tiny network: its
    /// gradient with respect to every weight against central differences of the loss (h = 10⁻²,
    /// in Float32, so the bound is 2·10⁻³ + 3 % of the difference quotient: rounding of a loss of
    /// order 1 is ~10⁻⁷/h, and the truncation error is O(h²)). The loss also equals minus the mean
    /// of `logLikelihood` in scaled units (the scaler's Jacobian removed).
    @Test func lossGradientMatchesFiniteDifferences() throws {
        let scaler = LatentScaler(factors: [1, 1], offsets: [0, 0], margin: 0.05)
        let configuration = MDNPropagator.Configuration(dimension: 2, components: 3, lag: 1, hiddenLayers: [5],
                                                        scaler: scaler)
        var generator = RandomGenerator(seed: 42)
        let propagator = try MDNPropagator(configuration: configuration, generator: &generator)
        let from = Matrix.randomUniform(rows: 8, cols: 2, low: 0.1, high: 0.9, generator: &generator)
        let to = Matrix.randomUniform(rows: 8, cols: 2, low: 0.1, high: 0.9, generator: &generator)
        let graph = Graph()
        let parameters = propagator.parameters
        let loss = propagator.negativeLogLikelihood(on: graph, scaledFrom: from, scaledTo: to)
        let lossValue = Double(loss.scalar)
        let gradients = graph.gradients(of: loss, withRespectTo: parameters).map { $0.copy() }
        graph.reset()

        let perPair = propagator.logLikelihood(from: from, to: to)
        let meanLogLikelihood = perPair.reduce(0, +) / Double(perPair.count)
        #expect(abs(-meanLogLikelihood - lossValue) < 1e-4, "loss \(lossValue) vs -mean logLikelihood \(-meanLogLikelihood)")

        func lossAt() -> Double {
            let l = graph.withoutRecording { propagator.negativeLogLikelihood(on: graph, scaledFrom: from, scaledTo: to) }
            defer { graph.reset() }
            return Double(l.scalar)
        }
        let h: Float = 1e-2
        var checked = 0
        for (p, g) in zip(parameters, gradients) {
            for i in 0..<p.value.count {
                let saved = p.value.pointer[i]
                p.value.pointer[i] = saved + h
                let plus = lossAt()
                p.value.pointer[i] = saved - h
                let minus = lossAt()
                p.value.pointer[i] = saved
                let numeric = (plus - minus) / Double(2 * h)
                let analytic = Double(g.pointer[i])
                #expect(abs(numeric - analytic) < 2e-3 + 0.03 * abs(numeric), "\(p.name)[\(i)]: \(analytic) vs \(numeric)")
                checked += 1
            }
        }
        #expect(checked == 2 * 5 + 5 + 5 * 15 + 15)
    }

    /// The scaler puts the data in [margin, 1 - margin] and inverts exactly (to Float rounding).
    @Test func scalerMapsDataInsideTheMargin() throws {
        let data = Matrix([[-2, 10], [3, 10], [0.5, 10]])
        let scaler = LatentScaler(fitting: data, margin: 0.05)
        let u = scaler.scale(data)
        #expect(abs(u[0, 0] - 0.05) < 1e-6 && abs(u[1, 0] - 0.95) < 1e-6 && abs(u[2, 0] - 0.5) < 1e-6)
        #expect(abs(u[0, 1] - 0.5) < 1e-6)   // no spread: centered
        #expect(scaler.unscale(u).maxAbsoluteDifference(data) < 1e-5)
        #expect(abs(scaler.logJacobian - log(0.9 / 5)) < 1e-7)   // the margin is a Float
    }
}
