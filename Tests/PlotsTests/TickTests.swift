import Foundation
import Testing
import Plots

@Suite("Plots: ticks")
struct TickTests {
    @Test("linear ticks of [0, 834] are 0, 200, …, 800")
    func hundreds() {
        let ticks = Ticks.linear(0...834, targetCount: 6)
        #expect(ticks.values == [0, 200, 400, 600, 800])
        #expect(ticks.labels == ["0", "200", "400", "600", "800"])
    }

    @Test("decimal steps print without floating-point noise")
    func noNoise() {
        let ticks = Ticks.linear(0...0.3, targetCount: 4)
        #expect(ticks.labels == ["0", "0.1", "0.2", "0.3"])
        // The values themselves are the correctly rounded decimals, not k · 0.1.
        #expect(ticks.values == [0, 0.1, 0.2, 0.3])
        let negative = Ticks.linear(-1.2...3.7, targetCount: 6)
        #expect(negative.values == [-1, 0, 1, 2, 3])
        #expect(negative.labels == ["\u{2212}1", "0", "1", "2", "3"])
        let fine = Ticks.linear(0.995...1.0049, targetCount: 6)
        #expect(fine.labels == ["0.996", "0.998", "1.000", "1.002", "1.004"])
    }

    @Test("very large and very small values use m×10ⁿ")
    func scientific() {
        let large = Ticks.linear(0...2.5e6, targetCount: 6)
        #expect(large.labels == ["0", "5×10⁵", "10⁶", "1.5×10⁶", "2×10⁶", "2.5×10⁶"])
        let small = Ticks.linear(0...4e-4, targetCount: 5)
        #expect(small.labels == ["0", "10⁻⁴", "2×10⁻⁴", "3×10⁻⁴", "4×10⁻⁴"])
    }

    /// Properties every linear tick set must have, over many random ranges (an independent check of
    /// the algorithm rather than of chosen examples).
    @Test("random ranges: 1-2-5 steps, evenly spaced, inside the range, none missing, labels read back")
    func randomRanges() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<2000 {
            // Spans from 10⁻⁶ to 10⁶, centred up to 5000 spans away from zero.
            let span = pow(10, uniform() * 12 - 6)
            let center = (uniform() - 0.5) * span * pow(10, uniform() * 4)
            let low = center - span * uniform(), high = low + span
            let target = 3 + Int(uniform() * 6)
            let ticks = Ticks.linear(low...high, targetCount: target)
            try #require(ticks.values.count >= 2, "range \(low)...\(high) target \(target)")
            // At most the target; a smaller target may be exceeded (up to 5) rather than show one tick.
            #expect(ticks.values.count <= max(target, 5))
            let step = ticks.values[1] - ticks.values[0]
            let exponent = floor(log10(step))
            let mantissa = (step / pow(10, exponent) * 1000).rounded() / 1000
            #expect([1, 2, 5, 10].contains(mantissa), "step \(step)")
            for (a, b) in zip(ticks.values, ticks.values.dropFirst()) {
                #expect(abs((b - a) - step) <= 1e-9 * step)
            }
            #expect(ticks.values.first! >= low - 1e-9 * step && ticks.values.last! <= high + 1e-9 * step)
            #expect(ticks.values.first! - step < low && ticks.values.last! + step > high)
            for (value, label) in zip(ticks.values, ticks.labels) {
                let read = try #require(labelValue(label), "label \(label)")
                #expect(abs(read - value) <= 1e-6 * step, "label \(label) for \(value)")
            }
        }
    }

    @Test("log ticks: decades, 1-2-5 on a short range, thinned decades, linear inside one decade")
    func logarithmic() {
        let decades = Ticks.logarithmic(1...1e4)
        #expect(decades.values == [1, 10, 100, 1000, 10000])
        #expect(decades.labels == ["1", "10", "100", "1000", "10000"])
        #expect(decades.minor.count == 4 * 8)
        #expect(decades.minor.contains(20) && decades.minor.contains(9000))

        let short = Ticks.logarithmic(2...70)
        #expect(short.labels == ["2", "5", "10", "20", "50"])
        #expect(short.minor.contains(3) && short.minor.contains(60) && !short.minor.contains(70.5))

        let wide = Ticks.logarithmic(1e-6...1, targetCount: 6)
        #expect(wide.labels == ["10⁻⁶", "10⁻⁴", "10⁻²", "10⁰"])
        #expect(wide.values.map { log10($0).rounded() } == [-6, -4, -2, 0])

        let narrow = Ticks.logarithmic(150...400, targetCount: 6)
        #expect(narrow.values == [150, 200, 250, 300, 350, 400])

        let smallDecades = Ticks.logarithmic(1e-3...1, targetCount: 6)
        #expect(smallDecades.labels == ["0.001", "0.01", "0.1", "1"])
    }

    @Test("Ticks.make dispatches on the scale")
    func dispatch() {
        #expect(Ticks.make(for: 1...1000, scale: .log10).values == [1, 10, 100, 1000])
        #expect(Ticks.make(for: 1...1000, scale: .linear, targetCount: 6).values == [0, 200, 400, 600, 800, 1000].filter { $0 >= 1 })
    }
}
