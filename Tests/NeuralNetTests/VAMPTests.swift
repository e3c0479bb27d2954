import NeuralNet
import Testing

/// The VAMP-2 score and its gradient on a linear model χ(x) = x W of a 2-D AR(1) process,
/// against closed forms computed here in Float64 from the same data: for one output the score is a
/// Rayleigh quotient with a closed-form gradient; for a full-rank W it is 1 + Σλ² from the 2×2
/// generalized eigenproblem (quadratic formula), independent of W, so its gradient vanishes.
@Suite("VAMP-2 score against closed forms")
struct VAMPTests {
    /// x_t+1 = A x_t + noise, n pairs, as two Float32 matrices.
    static func process(n: Int = 3000) -> (Matrix, Matrix) {
        var generator = RandomGenerator(seed: 50)
        let x = Matrix(rows: n, cols: 2), y = Matrix(rows: n, cols: 2)
        var state: (Float, Float) = (0.3, -0.2)
        for t in 0..<n {
            let next = (0.9 * state.0 + 0.2 * state.1 + 0.3 * generator.normal() + 0.5,
                        -0.1 * state.0 + 0.6 * state.1 + 0.4 * generator.normal() - 1)
            x[t, 0] = state.0; x[t, 1] = state.1
            y[t, 0] = next.0; y[t, 1] = next.1
            state = next
        }
        return (x, y)
    }

    /// Covariances in Float64 with plain loops: (C00, C11, C01), with the joint mean when
    /// `joint` (reversible) or separate means.
    static func covariances(_ x: Matrix, _ y: Matrix, joint: Bool) -> ([[Double]], [[Double]], [[Double]]) {
        let n = x.rows
        var mx = [0.0, 0.0], my = [0.0, 0.0]
        for t in 0..<n { for j in 0..<2 { mx[j] += Double(x[t, j]) / Double(n); my[j] += Double(y[t, j]) / Double(n) } }
        if joint { for j in 0..<2 { let m = (mx[j] + my[j]) / 2; mx[j] = m; my[j] = m } }
        var c00 = [[0.0, 0.0], [0.0, 0.0]], c11 = c00, c01 = c00
        for t in 0..<n { for i in 0..<2 { for j in 0..<2 {
            let xi = Double(x[t, i]) - mx[i], xj = Double(x[t, j]) - mx[j]
            let yi = Double(y[t, i]) - my[i], yj = Double(y[t, j]) - my[j]
            c00[i][j] += xi * xj / Double(n - 1)
            c11[i][j] += yi * yj / Double(n - 1)
            c01[i][j] += xi * yj / Double(n - 1)
        } } }
        return (c00, c11, c01)
    }

    static func quadratic(_ c: [[Double]], _ w: [Double]) -> Double {
        (0..<2).reduce(0.0) { s, i in s + (0..<2).reduce(0.0) { $0 + w[i] * c[i][$1] * w[$1] } }
    }

    static func apply(_ c: [[Double]], _ w: [Double]) -> [Double] {
        (0..<2).map { i in c[i][0] * w[0] + c[i][1] * w[1] }
    }

    /// Score and gradient with respect to W from lss, for χ = x W.
    static func lss(_ x: Matrix, _ y: Matrix, _ w: Matrix, _ variant: VAMPVariant) throws -> (Double, Matrix) {
        let g = Graph()
        let wt = g.variable(w)
        let score = try g.vamp2Score(g.matmul(g.constant(x), wt), g.matmul(g.constant(y), wt),
                                     variant: variant, epsilon: 0)
        let grad = g.gradients(of: score, withRespectTo: [wt])[0].value.copy()
        return (Double(score.scalar), grad)
    }

    @Test("reversible, one output: 1 + ρ² with ρ = wᵀC1w / wᵀC0w")
    func reversibleRayleigh() throws {
        let (x, y) = Self.process()
        let w = [0.7, -0.4]
        let (c00, c11, c01) = Self.covariances(x, y, joint: true)
        let c0 = (0..<2).map { i in (0..<2).map { j in (c00[i][j] + c11[i][j]) / 2 } }
        let c1 = (0..<2).map { i in (0..<2).map { j in (c01[i][j] + c01[j][i]) / 2 } }
        let p = Self.quadratic(c0, w), q = Self.quadratic(c1, w), rho = q / p
        let expected = 1 + rho * rho
        // dρ/dw = 2 (C1 w p - C0 w q) / p²; dS/dw = 2ρ dρ/dw.
        let c1w = Self.apply(c1, w), c0w = Self.apply(c0, w)
        let expectedGradient = (0..<2).map { 2 * rho * 2 * (c1w[$0] * p - c0w[$0] * q) / (p * p) }

        let (score, gradient) = try Self.lss(x, y, Matrix(rows: 2, cols: 1, values: w.map(Float.init)), .reversible)
        #expect(abs(score - expected) < 1e-5)
        for i in 0..<2 { #expect(abs(Double(gradient.pointer[i]) - expectedGradient[i]) < 1e-4 * max(1, abs(expectedGradient[i]))) }
    }

    @Test("reversible, full rank: 1 + λ1² + λ2² of C1 v = λ C0 v, and a zero gradient")
    func reversibleFullRank() throws {
        let (x, y) = Self.process()
        let (c00, c11, c01) = Self.covariances(x, y, joint: true)
        let c0 = (0..<2).map { i in (0..<2).map { j in (c00[i][j] + c11[i][j]) / 2 } }
        let c1 = (0..<2).map { i in (0..<2).map { j in (c01[i][j] + c01[j][i]) / 2 } }
        // det(C1 - λ C0) = a λ² + b λ + c; λ1² + λ2² = (b/a)² - 2c/a.
        let a = c0[0][0] * c0[1][1] - c0[0][1] * c0[0][1]
        let b = -(c1[0][0] * c0[1][1] + c1[1][1] * c0[0][0] - 2 * c1[0][1] * c0[0][1])
        let c = c1[0][0] * c1[1][1] - c1[0][1] * c1[0][1]
        let expected = 1 + (b / a) * (b / a) - 2 * c / a

        let w = Matrix(rows: 2, cols: 2, values: [1.3, -0.2, 0.4, 0.8])
        let (score, gradient) = try Self.lss(x, y, w, .reversible)
        #expect(abs(score - expected) < 1e-5)
        #expect(gradient.values.allSatisfy { abs($0) < 1e-4 }, "gradient \(gradient.values) should vanish")
        #expect(score > 1 && score < 3)
    }

    @Test("non-reversible, one output: 1 + c01² / (c00 c11)")
    func nonReversibleScalar() throws {
        let (x, y) = Self.process()
        let w = [0.5, 0.9]
        let (c00, c11, c01) = Self.covariances(x, y, joint: false)
        let p = Self.quadratic(c00, w), q = Self.quadratic(c11, w), u = Self.quadratic(c01, w)
        let expected = 1 + u * u / (p * q)
        let sym = (0..<2).map { i in (0..<2).map { j in c01[i][j] + c01[j][i] } }
        let su = Self.apply(sym, w), s0 = Self.apply(c00, w), s1 = Self.apply(c11, w)
        let expectedGradient = (0..<2).map {
            2 * u * su[$0] / (p * q) - u * u / (p * p * q) * 2 * s0[$0] - u * u / (p * q * q) * 2 * s1[$0]
        }
        let (score, gradient) = try Self.lss(x, y, Matrix(rows: 2, cols: 1, values: w.map(Float.init)), .nonReversible)
        #expect(abs(score - expected) < 1e-5)
        for i in 0..<2 { #expect(abs(Double(gradient.pointer[i]) - expectedGradient[i]) < 1e-4 * max(1, abs(expectedGradient[i]))) }
    }

    @Test("non-reversible, full rank: 1 + tr(C00⁻¹ C01 C11⁻¹ C10), and a zero gradient")
    func nonReversibleFullRank() throws {
        let (x, y) = Self.process()
        let (c00, c11, c01) = Self.covariances(x, y, joint: false)
        func inverse(_ m: [[Double]]) -> [[Double]] {
            let d = m[0][0] * m[1][1] - m[0][1] * m[1][0]
            return [[m[1][1] / d, -m[0][1] / d], [-m[1][0] / d, m[0][0] / d]]
        }
        func product(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
            (0..<2).map { i in (0..<2).map { j in a[i][0] * b[0][j] + a[i][1] * b[1][j] } }
        }
        let c10 = [[c01[0][0], c01[1][0]], [c01[0][1], c01[1][1]]]
        let m = product(product(inverse(c00), c01), product(inverse(c11), c10))
        let expected = 1 + m[0][0] + m[1][1]
        let w = Matrix(rows: 2, cols: 2, values: [0.3, 1.1, -0.7, 0.2])
        let (score, gradient) = try Self.lss(x, y, w, .nonReversible)
        #expect(abs(score - expected) < 1e-5)
        #expect(gradient.values.allSatisfy { abs($0) < 1e-4 }, "gradient \(gradient.values) should vanish")
    }

    @Test("gradient with respect to network inputs, against finite differences", arguments: [VAMPVariant.reversible, .nonReversible])
    func finiteDifferences(_ variant: VAMPVariant) {
        let x = testMatrix(12, 3, seed: 51), y = testMatrix(12, 3, seed: 52)
        GradientCheck.first([x, y], step: 1e-2) { g, t in
            do {
                return try g.vamp2Score(t[0], t[1], variant: variant, epsilon: 1e-3)
            } catch {
                Issue.record("vamp2Score failed: \(error)")
                return g.constant(0)
            }
        }
    }

    @Test("constant features and too few pairs are reported, not crashed on")
    func degenerate() {
        let g = Graph()
        let constant = g.constant(Matrix(rows: 10, cols: 2, repeating: 1))
        #expect(throws: LinearAlgebraError.self) {
            _ = try g.vamp2Score(constant, constant, variant: .reversible, epsilon: 0)
        }
        let few = g.constant(testMatrix(3, 3, seed: 53))
        #expect(throws: VAMPError.tooFewPairs(pairs: 3, features: 3)) {
            _ = try g.vamp2Score(few, few, variant: .nonReversible)
        }
    }
}
