import Foundation
import Testing
import Plots
import TestSupport

@Suite("Plots: heatmaps and files")
struct HeatmapTests {
    /// A 3 × 4 free-energy surface in kT with one unvisited bin (+∞) and one NaN.
    private let surface: [[Double]] = [
        [0.0, 1.0, 2.0, 3.0],
        [1.5, .infinity, 4.0, 5.5],
        [2.5, 3.5, .nan, 7.3],
    ]

    private func renderSurface() throws -> (RenderedFigure, SVGNode) {
        let panel = Panel(x: Axis("φ", unit: "°"), y: Axis("ψ", unit: "°"),
                          layers: [.heatmap(Heatmap(xRange: -180...180, yRange: -180...180, values: surface,
                                                    colorbarLabel: "F (kT)", missingLabel: "unvisited"))])
        let rendered = try Figure(width: 560, height: 480, panels: [panel]).render()
        return (rendered, try parseSVG(rendered.svg))
    }

    @Test("viridis endpoints and midpoint are matplotlib's")
    func viridis() {
        // Published values of matplotlib's viridis: #440154 at 0, #21918c at 0.5, #fde725 at 1.
        #expect(Colormap.viridis.color(at: 0).hexString == "#440154")
        #expect(Colormap.viridis.color(at: 0.5).hexString == "#21918c")
        #expect(Colormap.viridis.color(at: 1).hexString == "#fde725")
        #expect(Colormap.viridis.color(at: -3) == Colormap.viridis.color(at: 0))
        #expect(Colormap.viridis.color(at: 7) == Colormap.viridis.color(at: 1))
    }

    @Test("one cell per bin: values coloured from min (#440154) to max (#fde725), non-finite bins grey")
    func cells() throws {
        let (rendered, root) = try renderSurface()
        expectNoNonFiniteNumbers(root)
        #expect(rendered.omittedNonFinite == 0)
        let cells = try #require(root.all(class: "cells").first).all("rect")
        let missing = try #require(root.all(class: "missing-cells").first)
        #expect(cells.count == 10)
        #expect(missing.all("rect").count == 2)
        #expect(missing.attributes["fill"] == Color.missingData.hexString)
        let fills = cells.compactMap { $0.attributes["fill"] }
        #expect(fills.first == "#440154")  // value 0, the minimum (row 0 drawn first)
        #expect(fills.last == "#fde725")   // value 7.3, the maximum
        #expect(fills.filter { $0 == "#fde725" }.count == 1)
        // Cells tile the plot area: x edges step evenly, the first cell starts at the frame.
        let frame = try #require(root.all(class: "frame").first)
        let widths = Set(cells.map { ($0.number("width")! * 10).rounded() })
        #expect(widths.count <= 2)  // equal up to the 0.01 px rounding of the edges
        #expect(abs(cells[0].number("x")! - frame.number("x")!) < 0.02)
        // Row 0 (ψ from -180 to -60) is at the bottom of the plot.
        let bottom = frame.number("y")! + frame.number("height")!
        #expect(abs(cells[0].number("y")! + cells[0].number("height")! - bottom) < 0.02)
        #expect(root.all(class: "missing-label").first?.allText == "unvisited")
    }

    @Test("the colour bar's ticks place the data minimum at its bottom and the maximum at its top")
    func colorbar() throws {
        let (_, root) = try renderSurface()
        let bar = try #require(root.all(class: "colorbar-bar").first)
        let ticks = root.all(class: "colorbar-tick")
        let readback = try #require(AxisReadback(ticks: ticks, coordinate: "y1", logarithmic: false))
        #expect(ticks.compactMap { labelValue($0.all("text")[0].allText) } == [0, 2, 4, 6])
        let top = bar.number("y")!, bottom = top + bar.number("height")!
        #expect(abs(readback.value(atPixel: bottom) - 0) < 1e-3)
        #expect(abs(readback.value(atPixel: top) - 7.3) < 1e-3)
        #expect(root.all(class: "colorbar-label").first?.allText == "F (kT)")
        // The gradient runs from the colour of the minimum (bottom) to that of the maximum (top).
        let stops = root.all("stop")
        #expect(stops.first?.attributes["stop-color"] == "#440154")
        #expect(stops.last?.attributes["stop-color"] == "#fde725")
    }

    @Test("an explicit value range clamps the colours and sets the colour bar")
    func explicitRange() throws {
        let panel = Panel(x: Axis("x"), y: Axis("y"),
                          layers: [.heatmap(Heatmap(xRange: 0...1, yRange: 0...1, values: [[-1, 2, 20]],
                                                    colorbarLabel: "F (kT)", valueRange: 0...10))])
        let root = try parseSVG(try Figure(panels: [panel]).svg())
        let fills = root.all(class: "cells").first!.all("rect").compactMap { $0.attributes["fill"] }
        #expect(fills == ["#440154", Colormap.viridis.color(at: 0.2).hexString, "#fde725"])
        let labels = root.all(class: "colorbar-tick").compactMap { labelValue($0.all("text")[0].allText) }
        #expect(labels.first == 0 && labels.last == 10)
    }

    @Test("write(to:) replaces the file atomically and leaves no temporary file behind")
    func write() throws {
        let workspace = try Workspace()
        let path = workspace.path("fes.svg")
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        let panel = Panel(x: Axis("φ"), y: Axis("ψ"), layers: [.heatmap(Heatmap(xRange: 0...1, yRange: 0...1, values: surface))])
        let rendered = try Figure(panels: [panel]).write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == rendered.svg)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.url.path) == ["fes.svg"])
        #expect(throws: PlotError.self) { try Figure(panels: [panel]).write(to: workspace.path("missing/dir/x.svg")) }
    }

    /// An independent XML parser (Python's xml.etree) accepts the file, and sees the SVG namespace.
    @Test("python3 xml.etree parses a figure with every kind of layer")
    func pythonParses() throws {
        let workspace = try Workspace()
        let path = workspace.path("all.svg")
        let lags: [Double] = [1, 2, 5, 10, 20, 50]
        let its = Panel(title: "Implied <time> scales & more",
                        x: Axis("lag time τ", unit: "ps"), y: Axis("t", unit: "ps", scale: .log10),
                        layers: [.line(LinePlot(x: lags, y: [812, 905, -1, 968, .nan, 980], label: "t₁",
                                                errors: .symmetric([50, 40, 30, 20, 10, 5]), markers: true)),
                                 .line(LinePlot(x: lags, y: [80, 90, 95, 97, 98, 99], label: "t₂",
                                                errors: .bounds(lower: [0, 80, 85, 90, 95, 97], upper: [90, 100, 105, 104, 101, 100]),
                                                errorStyle: .bars, dashed: true)),
                                 .scatter(ScatterPlot(x: [3, 4], y: [300, 400], label: "\"points\"", opacity: 0.5)),
                                 .reference(ReferenceLine(.identity, label: "t = τ", shadeBelow: true)),
                                 .reference(ReferenceLine(.vertical(10), label: "chosen τ"))],
                        grid: true)
        let fes = Panel(x: Axis("φ", unit: "°"), y: Axis("ψ", unit: "°"),
                        layers: [.heatmap(Heatmap(xRange: -180...180, yRange: -180...180, values: surface,
                                                  colorbarLabel: "F (kT)", missingLabel: "unvisited"))])
        let figure = Figure(title: "alanine dipeptide", width: 1100, height: 460, panels: [its, fes])
        let rendered = try figure.write(to: path)
        #expect(rendered.omittedNonPositive == 1 && rendered.omittedNonFinite == 1)
        if let directory = ProcessInfo.processInfo.environment["LSS_PLOTS_EXAMPLES"] {
            try figure.write(to: directory + "/example.svg")
        }
        let script = """
        import sys, xml.etree.ElementTree as ET
        root = ET.parse(sys.argv[1]).getroot()
        ns = '{http://www.w3.org/2000/svg}'
        print(root.tag == ns + 'svg', len(root.findall('.//' + ns + 'polyline')), len(root.findall('.//' + ns + 'g')) > 10)
        """
        let output = try runPython(script, [path])
        let fields = lastLine(of: output).split(separator: " ")
        #expect(fields.first == "True")
        #expect(fields.last == "True")
        #expect(Int(fields[1]) ?? 0 >= 3)
    }
}
