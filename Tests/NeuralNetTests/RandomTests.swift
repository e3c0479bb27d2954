import NeuralNet
import Testing

@Suite("Seeded random generator")
struct RandomTests {
    @Test("same seed, same stream; different seeds and splits differ")
    func reproducible() {
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7), c = RandomGenerator(seed: 8)
        let sa = (0..<100).map { _ in a.next() }, sb = (0..<100).map { _ in b.next() }
        let sc = (0..<100).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
        var parent = RandomGenerator(seed: 7)
        var child = parent.split()
        #expect((0..<10).map { _ in child.next() } != (0..<10).map { _ in parent.next() })
    }

    @Test("uniform and normal draws have the right moments")
    func moments() {
        var g = RandomGenerator(seed: 11)
        let n = 1_000_000
        let u = Matrix(rows: 1, cols: n), z = Matrix(rows: 1, cols: n)
        g.fillUniform(u.pointer, count: n)
        g.fillNormal(z.pointer, count: n, mean: 2, standardDeviation: 3)
        var su = 0.0, suu = 0.0, sz = 0.0, szz = 0.0, beyond = 0
        for i in 0..<n {
            let a = Double(u.pointer[i]), b = (Double(z.pointer[i]) - 2) / 3
            #expect(a >= 0 && a < 1)
            su += a; suu += a * a; sz += b; szz += b * b
            if abs(b) > 1.959964 { beyond += 1 }
        }
        let meanU = su / Double(n), varU = suu / Double(n) - meanU * meanU
        let meanZ = sz / Double(n), varZ = szz / Double(n) - meanZ * meanZ
        // Five standard errors.
        #expect(abs(meanU - 0.5) < 5 * (1.0 / 12 / Double(n)).squareRoot())
        #expect(abs(varU - 1.0 / 12) < 5 * (1.0 / 180 / Double(n)).squareRoot())
        #expect(abs(meanZ) < 5 / Double(n).squareRoot())
        #expect(abs(varZ - 1) < 5 * (2 / Double(n)).squareRoot())
        // Two-sided 5% tail.
        let tail = Double(beyond) / Double(n)
        #expect(abs(tail - 0.05) < 5 * (0.05 * 0.95 / Double(n)).squareRoot())
    }

    @Test("integers are unbiased and shuffles are permutations")
    func integersAndShuffles() {
        var g = RandomGenerator(seed: 12)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<300_000 { counts[g.integer(below: 3)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 100_000) < 1500 })
        let p = g.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p != Array(0..<1000))
    }
}
