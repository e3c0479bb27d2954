import Foundation
import LatentSimulator
import NeuralNet
import Testing

/// The metrics of `lss validate`, each checked against something known independently of its code:
/// analytic autocorrelations of processes sampled exactly, a brute-force nearest-window search, and
/// the eigenvalues of the transition matrix that generated a Markov chain.
@Suite("Validation metrics against analytic and brute-force references")
struct ValidationMetricTests {
    // MARK: - Sampling helpers (exact discretizations, Float64)

    /// A standard normal number by Box-Muller from two Float64 uniforms (the generator's own
    /// `normal()` is Float32).
    static func gaussian(_ g: inout RandomGenerator) -> Double {
        let u = max(g.uniformDouble(), 1e-300), v = g.uniformDouble()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// Degrees wrapped to [-180, 180).
    static func wrapped(_ degrees: Double) -> Double {
        let x = (degrees + 180).truncatingRemainder(dividingBy: 360)
        return (x < 0 ? x + 360 : x) - 180
    }

    /// Free rotational diffusion θ_{t+Δ} = θ_t + √(2DΔ)·N(0,1) (exact increments), in degrees.
    static func rotationalDiffusion(frames: Int, diffusion: Double, spacing: Double, g: inout RandomGenerator) -> [Double] {
        var theta = 2 * Double.pi * g.uniformDouble()
        let width = (2 * diffusion * spacing).squareRoot()
        return (0..<frames).map { _ in
            defer { theta += width * gaussian(&g) }
            return wrapped(theta * 180 / .pi)
        }
    }

    /// An Ornstein-Uhlenbeck angle around `mean` (radians) with stationary variance s² and rate k,
    /// sampled exactly: θ' = μ + (θ − μ) e^{−kΔ} + s √(1 − e^{−2kΔ}) N(0,1), started stationary; in degrees.
    static func ornsteinUhlenbeckAngle(frames: Int, mean: Double, variance: Double, rate: Double, spacing: Double,
                                       g: inout RandomGenerator) -> [Double] {
        let s = variance.squareRoot(), decay = exp(-rate * spacing), kick = s * (1 - decay * decay).squareRoot()
        var x = s * gaussian(&g)
        return (0..<frames).map { _ in
            defer { x = decay * x + kick * gaussian(&g) }
            return wrapped((mean + x) * 180 / .pi)
        }
    }

    /// A d-dimensional AR(1) x' = a x + √(1−a²) ξ (unit stationary variance per coordinate), frames × d.
    static func autoregressive(frames: Int, dimensions: Int, a: Double, g: inout RandomGenerator) -> Matrix {
        var x = (0..<dimensions).map { _ in gaussian(&g) }
        var values: [Float] = []
        values.reserveCapacity(frames * dimensions)
        let kick = (1 - a * a).squareRoot()
        for _ in 0..<frames {
            values.append(contentsOf: x.map(Float.init))
            x = x.map { a * $0 + kick * gaussian(&g) }
        }
        return Matrix(rows: frames, cols: dimensions, values: values)
    }

    /// A 1-D signal of a Markov chain: state s sits at centres[s] with Gaussian width 0.3, the
    /// centres 5 apart (16 widths), so that k-means recovers the states without error.
    static func markovSignal(frames: Int, transition: [[Double]], g: inout RandomGenerator) -> Matrix {
        let centres: [Double] = [-5, 0, 5]
        var state = g.integer(below: transition.count)
        var values: [Float] = []
        values.reserveCapacity(frames)
        for _ in 0..<frames {
            values.append(Float(centres[state] + 0.3 * gaussian(&g)))
            let u = g.uniformDouble()
            var cumulative = 0.0, next = transition.count - 1
            for (j, p) in transition[state].enumerated() {
                cumulative += p
                if u < cumulative { next = j; break }
            }
            state = next
        }
        return Matrix(rows: frames, cols: 1, values: values)
    }

    // MARK: - Torsion decorrelation

    @Test("free rotational diffusion decorrelates at 1/D")
    func rotationalDiffusionTime() throws {
        // ⟨cos(θ_t − θ_{t+τ})⟩ = exp(−Dτ) and ⟨e^{iθ}⟩ = 0 on the circle, so C(τ) = exp(−Dτ) crosses
        // 1/e at τ = 1/D = 20 ps. 8 × 25 000 frames: over 40 seeds (numpy, same estimator) the crossing
        // had a standard deviation of 0.21 ps (1%); linear interpolation between lags biases it by
        // ~(1/20)²/8 ≈ 0.03%. Tolerance 4% ≈ 4σ.
        var g = RandomGenerator(seed: 11)
        let diffusion = 0.05, spacing = 1.0
        let trajectories = (0..<8).map { _ in
            Self.rotationalDiffusion(frames: 25_000, diffusion: diffusion, spacing: spacing, g: &g)
        }
        let time = try #require(TorsionDecorrelation.time(trajectories, spacing: spacing))
        print("rotational diffusion: decorrelation \(time) ps, exact \(1 / diffusion) ps")
        #expect(abs(time - 1 / diffusion) < 0.04 / diffusion)

        // The same data at half the spacing in ps: the time scales with the spacing.
        let halved = try #require(TorsionDecorrelation.time(trajectories, spacing: spacing / 2))
        #expect(abs(halved - time / 2) < 1e-9)
    }

    @Test("an angle that never varies, or decorrelates beyond maxLag, has no time")
    func decorrelationUndefined() {
        #expect(TorsionDecorrelation.time([[60, 60, 60, 60, 60], [60, 60, 60]], spacing: 1) == nil)
        // D = 0.001 /ps: C falls to 1/e only at 1000 ps; within 50 frames it stays above 0.9.
        var g = RandomGenerator(seed: 12)
        let slow = (0..<4).map { _ in Self.rotationalDiffusion(frames: 5000, diffusion: 0.001, spacing: 1, g: &g) }
        #expect(TorsionDecorrelation.time(slow, spacing: 1, maxLag: 50) == nil)
        // The same data with a lag window beyond 1000 frames does give a time (the nil came from maxLag).
        #expect(TorsionDecorrelation.time(slow, spacing: 1, maxLag: 4000) != nil)
    }

    @Test("an Ornstein-Uhlenbeck angle around 60° matches the analytic circular autocorrelation")
    func ornsteinUhlenbeckTime() throws {
        // θ = μ + x with x Gaussian OU (variance s², rate k): θ_t − θ_{t+τ} is Gaussian with variance
        // 2s²(1 − e^{−kτ}), so ⟨cos(θ_t − θ_{t+τ})⟩ = exp(−s²(1 − e^{−kτ})), and |⟨e^{iθ}⟩|² = exp(−s²).
        // C(τ) = [exp(−s²(1 − e^{−kτ})) − e^{−s²}] / (1 − e^{−s²}) crosses 1/e at τ* found by bisection.
        // With s² = 1 (a wide angle, 57°) τ* = 14.27 ps, well below 1/k = 20 ps, so the test tells the
        // circular estimator from a plain exponential. Over 40 seeds (numpy, 8 × 25 000 frames) the
        // estimate had a standard deviation of 0.20 ps (1.4%). Tolerance 6% ≈ 4σ.
        let variance = 1.0, rate = 0.05, spacing = 1.0
        func c(_ tau: Double) -> Double {
            (exp(-variance * (1 - exp(-rate * tau))) - exp(-variance)) / (1 - exp(-variance))
        }
        var low = 0.0, high = 1000.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if c(mid) > 1 / M_E { low = mid } else { high = mid }
        }
        let exact = (low + high) / 2
        #expect(abs(exact - 14.27) < 0.01)

        var g = RandomGenerator(seed: 13)
        let trajectories = (0..<8).map { _ in
            Self.ornsteinUhlenbeckAngle(frames: 25_000, mean: .pi / 3, variance: variance, rate: rate, spacing: spacing, g: &g)
        }
        let time = try #require(TorsionDecorrelation.time(trajectories, spacing: spacing))
        print("OU angle: decorrelation \(time) ps, analytic \(exact) ps (1/k = \(1 / rate) ps)")
        #expect(abs(time - exact) < 0.06 * exact)
    }

    // MARK: - Novelty

    /// The documented distance of a window to its nearest reference window, by brute force in
    /// Float64: min over reference windows of √((1/L) Σ_t |x_t − y_t|²), with the Euclidean norm over
    /// the m latent coordinates.
    static func bruteForceNearest(_ trajectories: [Matrix], reference: [Matrix], window: Int) -> [Double] {
        func windows(_ ts: [Matrix]) -> [[[Double]]] {
            ts.flatMap { t in
                (0...(t.rows - window)).map { s in (0..<window).map { r in (0..<t.cols).map { Double(t[s + r, $0]) } } }
            }
        }
        let refs = windows(reference)
        return windows(trajectories).map { w in
            refs.map { r in
                var sum = 0.0
                for (p, q) in zip(w, r) { for (x, y) in zip(p, q) { sum += (x - y) * (x - y) } }
                return (sum / Double(window)).squareRoot()
            }.min() ?? .infinity
        }.sorted()
    }

    /// The quantile as NoveltyMetric documents it: the element at ⌊q (n − 1)⌋ of the sorted values.
    static func lowerQuantile(_ sorted: [Double], _ q: Double) -> Double {
        sorted[Int(q * Double(sorted.count - 1))]
    }

    @Test("exact copies of reference segments are near copies at distance 0")
    func noveltyOfCopies() throws {
        var g = RandomGenerator(seed: 21)
        let reference = (0..<4).map { _ in Self.autoregressive(frames: 500, dimensions: 2, a: 0.8, g: &g) }
        // Synthetic trajectories cut out of the reference (a model that replays its training data).
        func segment(_ t: Matrix, _ range: Range<Int>) -> Matrix {
            Matrix(rows: range.count, cols: t.cols, values: range.flatMap { r in (0..<t.cols).map { t[r, $0] } })
        }
        let copies = [segment(reference[0], 100..<300), segment(reference[2], 0..<150), segment(reference[3], 350..<500)]
        let baseline = (0..<2).map { _ in Self.autoregressive(frames: 500, dimensions: 2, a: 0.8, g: &g) }
        let metric = try #require(NoveltyMetric.measure(synthetic: copies, reference: reference, baseline: baseline,
                                                        window: 10))
        #expect(metric.median == 0)
        #expect(metric.tenthPercentile == 0)
        #expect(metric.nearCopyFraction == 1)
        // Independent MD is far from the reference: the baseline says what "new" looks like.
        #expect((metric.baselineMedian ?? 0) > 0.3)
    }

    @Test("independent trajectories of the same process look like the independent-MD baseline")
    func noveltyOfIndependentPaths() throws {
        // Reference, synthetic and baseline: 4 × 500 frames each of a 2-D AR(1) (a = 0.8), window 10,
        // so 1964 windows each (below the limits 2000 and 8000: every window is used). Over 20 seeds
        // (numpy, same distance) the ratio of the two medians had a standard deviation of 1.2%.
        // Tolerance 5% ≈ 4σ. Near copies (closer than 1% of the spread) of an independent 20-number
        // window do not occur.
        var g = RandomGenerator(seed: 22)
        let reference = (0..<4).map { _ in Self.autoregressive(frames: 500, dimensions: 2, a: 0.8, g: &g) }
        let synthetic = (0..<4).map { _ in Self.autoregressive(frames: 500, dimensions: 2, a: 0.8, g: &g) }
        let baseline = (0..<4).map { _ in Self.autoregressive(frames: 500, dimensions: 2, a: 0.8, g: &g) }
        let metric = try #require(NoveltyMetric.measure(synthetic: synthetic, reference: reference, baseline: baseline,
                                                        window: 10))
        let baselineMedian = try #require(metric.baselineMedian)
        print("novelty: median \(metric.median), baseline \(baselineMedian), near copies \(metric.nearCopyFraction)")
        #expect(abs(metric.median / baselineMedian - 1) < 0.05)
        #expect(metric.nearCopyFraction == 0)
        #expect(metric.tenthPercentile < metric.median)
    }

    /// One case of the brute-force novelty check: an AR(1) of `dimensions` coordinates, synthetic
    /// and reference trajectories of the given lengths, and the number of synthetic windows.
    struct NoveltyCase: Sendable, CustomTestStringConvertible {
        var dimensions: Int, seed: UInt64, synthetic: [Int], reference: [Int], window: Int, windows: Int
        var withBaseline: Bool
        var testDescription: String { "m = \(dimensions)" }
    }

    /// The documented distance √((1/L) Σ_t |x_t − y_t|²) of a synthetic window to its nearest
    /// reference window, against a brute-force search. m = 1: 3 × 40 synthetic against 2 × 60
    /// reference frames, window 5 (108 windows); m = 2: 2 × 40 against 2 × 50, window 4 (74
    /// windows), with the synthetic paths as their own baseline. The metric sums in Float32, so
    /// agreement is to Float32 rounding (relative 1e-5). Found by this test: the metric once
    /// divided by L·m instead of L (a ratio of 1/√2 at m = 2).
    @Test("the median and 10th percentile equal a brute-force nearest-window search", arguments: [
        NoveltyCase(dimensions: 1, seed: 23, synthetic: [40, 40, 40], reference: [60, 60], window: 5, windows: 108,
                    withBaseline: false),
        NoveltyCase(dimensions: 2, seed: 24, synthetic: [40, 40], reference: [50, 50], window: 4, windows: 74,
                    withBaseline: true),
    ])
    func noveltyBruteForce(_ c: NoveltyCase) throws {
        var g = RandomGenerator(seed: c.seed)
        let reference = c.reference.map { Self.autoregressive(frames: $0, dimensions: c.dimensions, a: 0.9, g: &g) }
        let synthetic = c.synthetic.map { Self.autoregressive(frames: $0, dimensions: c.dimensions, a: 0.9, g: &g) }
        let metric = try #require(NoveltyMetric.measure(synthetic: synthetic, reference: reference,
                                                        baseline: c.withBaseline ? synthetic : nil, window: c.window))
        let distances = Self.bruteForceNearest(synthetic, reference: reference, window: c.window)
        #expect(distances.count == c.windows)
        let median = Self.lowerQuantile(distances, 0.5), tenth = Self.lowerQuantile(distances, 0.1)
        #expect(abs(metric.median - median) <= 1e-5 * median)
        #expect(abs(metric.tenthPercentile - tenth) <= 1e-5 * tenth)
        // The baseline windows go through the same search.
        #expect(metric.baselineMedian == (c.withBaseline ? metric.median : nil))
    }

    // MARK: - Kinetics

    /// A symmetric (reversible, uniform stationary) 3-state chain with rates a (0↔1) and b (1↔2),
    /// slowed down `slowdown` times: T = I + (T₁ − I)/slowdown.
    static func chain(a: Double, b: Double, slowdown: Double = 1) -> [[Double]] {
        [[1 - a / slowdown, a / slowdown, 0],
         [a / slowdown, 1 - (a + b) / slowdown, b / slowdown],
         [0, b / slowdown, 1 - b / slowdown]]
    }

    /// The two non-unit eigenvalues of a 3 × 3 stochastic matrix, descending: their sum is trace − 1
    /// and their product det T (the third eigenvalue is 1).
    static func nonUnitEigenvalues(_ t: [[Double]]) -> (Double, Double) {
        let trace = t[0][0] + t[1][1] + t[2][2]
        let det = t[0][0] * (t[1][1] * t[2][2] - t[1][2] * t[2][1])
            - t[0][1] * (t[1][0] * t[2][2] - t[1][2] * t[2][0])
            + t[0][2] * (t[1][0] * t[2][1] - t[1][1] * t[2][0])
        let sum = trace - 1, product = det
        let root = (sum * sum - 4 * product).squareRoot()
        return ((sum + root) / 2, (sum - root) / 2)
    }

    @Test("a Markov chain against itself passes the Chapman-Kolmogorov test with the exact time scales")
    func markovChainComparison() throws {
        // T with a = 0.02, b = 0.05: eigenvalues from trace and determinant, time scales −Δt/ln λ.
        // MD: 4 × 10 000 frames (about 270 slow 0↔1 crossings per 20 000 frames, so the slow rate is
        // known to ~4%); members: 3 × 2 × 10 000 frames. Tolerance on time scales 15% (≈3σ of the
        // slow rate). CK: entries of k-step probabilities from 40 000 frames differ by a few 0.01;
        // bound 0.05.
        let transition = Self.chain(a: 0.02, b: 0.05)
        let (l2, l3) = Self.nonUnitEigenvalues(transition)
        let frameInterval = 0.5
        let exact = [-frameInterval / log(l2), -frameInterval / log(l3)]
        // By hand: the chain's rate matrix has eigenvalues of 1 − λ that are the roots of
        // x² − 2(a+b)x + 3ab = 0 (tridiagonal symmetric), 0.0264 and 0.1136 for a = 0.02, b = 0.05
        // (time scales 18.7 and 4.2 ps).
        #expect(abs((1 - l2) - (0.07 - (0.0049 - 0.003).squareRoot())) < 1e-12)

        var g = RandomGenerator(seed: 31)
        let md = (0..<4).map { _ in Self.markovSignal(frames: 10_000, transition: transition, g: &g) }
        let same = (0..<3).map { _ in (0..<2).map { _ in Self.markovSignal(frames: 10_000, transition: transition, g: &g) } }
        let slower = Self.chain(a: 0.02, b: 0.05, slowdown: 3)
        let slow = (0..<3).map { _ in (0..<2).map { _ in Self.markovSignal(frames: 10_000, transition: slower, g: &g) } }

        var settings = ValidationSettings(seed: 5)
        settings.clusters = 3
        let matched = KineticComparison.compare(md: md, members: same, frameInterval: frameInterval, step: frameInterval,
                                                stepFrames: 1, timescales: exact, settings: settings)
        let mismatched = KineticComparison.compare(md: md, members: slow, frameInterval: frameInterval, step: frameInterval,
                                                   stepFrames: 1, timescales: exact, settings: settings)
        #expect(matched.problems.isEmpty)
        #expect(mismatched.problems.isEmpty)
        #expect(matched.lags == [0.5, 1.0, 1.5, 2.5, 4.0])

        let mdLag1 = try #require(matched.mdTimescales.first)
        let modelLag1 = try #require(matched.modelTimescales.first)
        let slowLag1 = try #require(mismatched.modelTimescales.first)
        print("exact time scales \(exact) ps; MD \(mdLag1); model \(modelLag1); 3x slower model \(slowLag1)")
        for k in 0..<2 {
            let mdValue = try #require(mdLag1[k]), modelValue = try #require(modelLag1[k])
            let slowValue = try #require(slowLag1[k])
            #expect(abs(mdValue / exact[k] - 1) < 0.15)
            #expect(abs(modelValue / exact[k] - 1) < 0.15)
            // The slower chain's time scales: −Δt/ln(1 − (1 − λ)/3), about 3× longer.
            let exactSlow = -frameInterval / log(1 - (1 - [l2, l3][k]) / 3)
            #expect(abs(slowValue / exactSlow - 1) < 0.15)
            #expect(slowValue > 2 * mdValue)
        }
        // The same time scales at longer lags (a Markov chain: no lag dependence).
        for l in matched.mdTimescales.indices {
            let value = try #require(matched.mdTimescales[l].first ?? nil)
            #expect(abs(value / exact[0] - 1) < 0.15)
        }

        let ck = try #require(matched.chapmanKolmogorov)
        let ckSlow = try #require(mismatched.chapmanKolmogorov)
        print("CK largest deviation: same chain \(ck.largestDeviation), 3x slower \(ckSlow.largestDeviation)")
        #expect(ck.steps == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(ck.largestDeviation < 0.05)
        // 3x slower over 8 steps: P(0 → 1) ≈ 0.14 against ≈ 0.05 for the slower chain, so the largest
        // deviation is about 0.1 or more.
        #expect(ckSlow.largestDeviation > 0.08)
        #expect(ckSlow.largestDeviation > 3 * ck.largestDeviation)
    }

    @Test("the relaxation time of an AR(1) latent is −Δt/ln a, within the MD error bar")
    func autoregressiveRelaxation() throws {
        // x' = a x + noise has autocorrelation a^τ exactly, relaxation time −1/ln a frames. MD:
        // 4 × 5000 frames (about 2100 relaxations); the check is the MD estimate within its own 2σ
        // (five blocks), and the model (members of the same process) within combined 2σ, while a
        // faster process (a = 0.7, 2.8 frames against 9.5) is clearly outside.
        let a = 0.9, frameInterval = 0.5
        let exact = -frameInterval / log(a)
        var g = RandomGenerator(seed: 41)
        let md = (0..<4).map { _ in Self.autoregressive(frames: 5000, dimensions: 1, a: a, g: &g) }
        let same = (0..<4).map { _ in (0..<2).map { _ in Self.autoregressive(frames: 5000, dimensions: 1, a: a, g: &g) } }
        let faster = (0..<4).map { _ in (0..<2).map { _ in Self.autoregressive(frames: 5000, dimensions: 1, a: 0.7, g: &g) } }
        var settings = ValidationSettings(seed: 6)
        settings.clusters = 5

        // The SRV time scale passed in sets the ACF window to ten of it (95 frames here).
        let matched = KineticComparison.compare(md: md, members: same, frameInterval: frameInterval, step: frameInterval,
                                                stepFrames: 1, timescales: [exact], settings: settings)
        #expect(matched.relaxationProblems.isEmpty)
        let relaxation = try #require(matched.relaxationTimes.first)
        let mdError = try #require(relaxation.md.error)
        print("AR(1) relaxation: exact \(exact) ps, MD \(relaxation.md.value) ± \(mdError), "
              + "model \(relaxation.model.value) ± \(relaxation.model.error ?? .nan)")
        // The five-block error of the free-amplitude fit is about 10% (ACF errors are correlated
        // across lags); the bound 25% only checks that the error bar is informative.
        #expect(mdError > 0 && mdError < 0.25 * exact)
        #expect(abs(relaxation.md.value - exact) <= 2 * mdError)
        #expect(relaxation.withinTwoSigma == true)
        // The model: mean of 4 members whose spread is about 13%, so its mean is known to ~7%; 20% ≈ 3σ.
        #expect(abs(relaxation.model.value - exact) < 0.2 * exact)

        let mismatched = KineticComparison.compare(md: md, members: faster, frameInterval: frameInterval, step: frameInterval,
                                                   stepFrames: 1, timescales: [exact], settings: settings)
        let fast = try #require(mismatched.relaxationTimes.first)
        let exactFast = -frameInterval / log(0.7)
        print("AR(1) a = 0.7 members: \(fast.model.value) ± \(fast.model.error ?? .nan) ps, exact \(exactFast) ps")
        #expect(abs(fast.model.value - exactFast) < 0.2 * exactFast)
        #expect(fast.withinTwoSigma == false)
    }

    @Test("a single-exponential latent given its exact time scale gets a relaxation time")
    func relaxationWindowTooShort() throws {
        // Found by this test: with an ACF window of 5 time scales, RelaxationTimeEstimate's automatic
        // integration window (W ≥ 5 τ_int(W)) sat on its boundary for a single exponential, where
        // τ_int ≈ τ, and failed whenever τ_int came out high (τ_int(48) = 10.8 frames against 9.5).
        let a = 0.9, frameInterval = 0.5
        let exact = -frameInterval / log(a)
        var g = RandomGenerator(seed: 41)
        let md = (0..<4).map { _ in Self.autoregressive(frames: 5000, dimensions: 1, a: a, g: &g) }
        let same = (0..<4).map { _ in (0..<2).map { _ in Self.autoregressive(frames: 5000, dimensions: 1, a: a, g: &g) } }
        var settings = ValidationSettings(seed: 6)
        settings.clusters = 5
        let result = KineticComparison.compare(md: md, members: same, frameInterval: frameInterval, step: frameInterval,
                                               stepFrames: 1, timescales: [exact], settings: settings)
        print("relaxation with the exact time scale: \(result.relaxationProblems)")
        #expect(result.relaxationProblems.isEmpty)
        #expect(result.relaxationTimes.count + result.relaxationProblems.count == 1)
    }
}
