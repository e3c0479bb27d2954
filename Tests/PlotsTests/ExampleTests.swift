import Foundation
import Testing
import Plots
import TestSupport

/// The two figures of the documentation (Figure's doc comment), with realistic data, checked for
/// the properties a reader relies on. Set LSS_PLOTS_EXAMPLES=<dir> to keep the SVGs for a look.
@Suite("Plots: documented examples")
struct ExampleTests {
    private func keep(_ figure: Figure, as name: String) throws {
        if let directory = ProcessInfo.processInfo.environment["LSS_PLOTS_EXAMPLES"] {
            try figure.write(to: directory + "/" + name)
        }
    }

    @Test("implied time scales vs lag: log y, confidence bands, lag line with the unresolved region shaded")
    func impliedTimescales() throws {
        let lags: [Double] = [1, 2, 5, 10, 20, 50, 100, 200]
        // Two processes converging to 950 ps and 60 ps; the second becomes unresolvable (t < τ).
        let slow = lags.map { 950 * (1 - exp(-$0 / 8)) + 40 }
        let fast = lags.map { 60 * (1 - exp(-$0 / 3)) + 5 }
        let panel = Panel(
            title: "Implied time scales",
            x: Axis("lag time τ", unit: "ps"),
            y: Axis("time scale t", unit: "ps", scale: .log10),
            layers: [
                .line(LinePlot(x: lags, y: slow, label: "t₁",
                               errors: .bounds(lower: slow.map { $0 * 0.9 }, upper: slow.map { $0 * 1.1 }),
                               markers: true)),
                .line(LinePlot(x: lags, y: fast, label: "t₂",
                               errors: .bounds(lower: fast.map { $0 * 0.8 }, upper: fast.map { $0 * 1.25 }),
                               markers: true)),
                .reference(ReferenceLine(.identity, label: "t = τ", shadeBelow: true)),
            ])
        let figure = Figure(title: "alanine dipeptide, φ/ψ MSM", panels: [panel])
        let rendered = try figure.render()
        try keep(figure, as: "implied-timescales.svg")
        let root = try parseSVG(rendered.svg)
        expectNoNonFiniteNumbers(root)
        #expect(root.all(class: "band").count == 2)
        #expect(root.all(class: "line").count == 2)
        #expect(root.all(class: "reference").count == 1)
        #expect(root.all(class: "reference-shade").count == 1)
        let yLabels = root.all(class: "ytick").map { $0.all("text")[0].allText }
        // 15 … 1200 ps spans less than two decades: 2 × and 5 × 10ᵏ are labelled too.
        #expect(yLabels == ["20", "50", "100", "200", "500", "1000"])
    }

    @Test("free-energy surface: 36 × 36 bins in kT, unvisited bins grey, colour bar from 0")
    func freeEnergySurface() throws {
        // F(φ, ψ) = -ln p of two Gaussian basins on a periodic grid, in kT, +∞ where p underflows.
        let centers = (-180..<180).filter { $0 % 10 == 0 }.map { Double($0) + 5 }
        func density(_ phi: Double, _ psi: Double) -> Double {
            let a = exp(-(pow(phi + 75, 2) + pow(psi - 150, 2)) / (2 * 25 * 25))
            let b = 0.5 * exp(-(pow(phi + 75, 2) + pow(psi + 40, 2)) / (2 * 20 * 20))
            let p = a + b
            return p < 1e-6 ? 0 : p
        }
        var surface = centers.map { psi in centers.map { phi in -log(density(phi, psi)) } }
        let minimum = surface.flatMap { $0 }.filter(\.isFinite).min()!
        surface = surface.map { $0.map { $0 - minimum } }
        let finite = surface.flatMap { $0 }.filter(\.isFinite)
        let panel = Panel(
            x: Axis("φ", unit: "°", range: -180...180), y: Axis("ψ", unit: "°", range: -180...180),
            layers: [.heatmap(Heatmap(xRange: -180...180, yRange: -180...180, values: surface,
                                      colorbarLabel: "F (kT)", missingLabel: "unvisited"))])
        let figure = Figure(width: 560, height: 480, panels: [panel])
        let rendered = try figure.render()
        try keep(figure, as: "free-energy.svg")
        let root = try parseSVG(rendered.svg)
        expectNoNonFiniteNumbers(root)
        let cells = root.all(class: "cells").first?.all("rect") ?? []
        let missing = root.all(class: "missing-cells").first?.all("rect") ?? []
        #expect(cells.count == finite.count)
        #expect(cells.count + missing.count == 36 * 36)
        #expect(missing.count > 0)
        let ticks = root.all(class: "colorbar-tick").compactMap { labelValue($0.all("text")[0].allText) }
        #expect(ticks.first == 0)
        #expect((ticks.last ?? 0) <= finite.max()!)
        #expect(rendered.svg.utf8.count < 200_000)
    }
}
