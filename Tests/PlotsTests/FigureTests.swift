import Foundation
import Testing
import Plots
import TestSupport

/// Rendering checked by reading the SVG back: well-formed XML (Foundation's XMLParser), pixel
/// positions inverted through the tick marks a reader sees, counts of drawn elements.
@Suite("Plots: figures")
struct FigureTests {
    private func render(_ panel: Panel, title: String? = "test") throws -> (RenderedFigure, SVGNode) {
        let rendered = try Figure(title: title, panels: [panel]).render()
        let root = try parseSVG(rendered.svg)
        expectNoNonFiniteNumbers(root)
        return (rendered, root)
    }

    private func axes(_ root: SVGNode, xLog: Bool = false, yLog: Bool = false) throws -> (AxisReadback, AxisReadback) {
        let x = try #require(AxisReadback(ticks: root.all(class: "xtick"), coordinate: "x1", logarithmic: xLog))
        let y = try #require(AxisReadback(ticks: root.all(class: "ytick"), coordinate: "y1", logarithmic: yLog))
        return (x, y)
    }

    @Test("the document is a standalone SVG with a viewBox and no external references")
    func document() throws {
        let panel = Panel(x: Axis("x"), y: Axis("y"), layers: [.line(LinePlot(x: [0, 1], y: [0, 1], label: "a"))])
        let (rendered, root) = try render(panel)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["viewBox"] == "0 0 720 480")
        #expect(rendered.svg.components(separatedBy: "http").count == 2)  // only the namespace
        #expect(!rendered.svg.contains("xlink:href") && !rendered.svg.contains("<image"))
        #expect(root.all(class: "figure-title").first?.allText == "test")
    }

    @Test("data points land on the pixels the tick marks imply (linear axes)")
    func linearMapping() throws {
        let xs: [Double] = [0, 1.5, 3, 7.25, 10], ys: [Double] = [-2, 4, 0.5, 9, 3]
        let panel = Panel(x: Axis("time", unit: "ps", range: 0...10), y: Axis("energy", unit: "kJ/mol", range: -5...10),
                          layers: [.line(LinePlot(x: xs, y: ys, label: "E", markers: true))])
        let (_, root) = try render(panel)
        let (xAxis, yAxis) = try axes(root)
        // Every tick is where the fit through the first and last tick puts it: the axis is linear.
        for tick in root.all(class: "xtick") {
            let value = try #require(labelValue(tick.all("text")[0].allText))
            #expect(abs(xAxis.pixel(of: value) - tick.all("line")[0].number("x1")!) < 0.02)
        }
        let lines = root.all(class: "line")
        try #require(lines.count == 1)
        let vertices = points(of: lines[0])
        try #require(vertices.count == xs.count)
        // Coordinates are written to 0.01 px; the plot is ~600 px wide, so data agree to ~1e-4 of the range.
        for (vertex, (x, y)) in zip(vertices, zip(xs, ys)) {
            #expect(abs(xAxis.value(atPixel: vertex.x) - x) < 2e-4 * 10)
            #expect(abs(yAxis.value(atPixel: vertex.y) - y) < 2e-4 * 15)
        }
        let circles = root.all(class: "markers").flatMap { $0.all("circle") }
        #expect(circles.count == xs.count)
        for (circle, (x, y)) in zip(circles, zip(xs, ys)) {
            #expect(abs(xAxis.value(atPixel: circle.number("cx")!) - x) < 2e-3)
            #expect(abs(yAxis.value(atPixel: circle.number("cy")!) - y) < 3e-3)
        }
        #expect(root.all(class: "xlabel").first?.allText == "time (ps)")
        #expect(root.all(class: "ylabel").first?.allText == "energy (kJ/mol)")
    }

    @Test("log y axis: points map through log10; 0 and negatives are skipped, counted, and noted")
    func logAxis() throws {
        let xs: [Double] = [1, 2, 3, 4, 5, 6], ys: [Double] = [10, 0, -5, 100, 1000, 30]
        let panel = Panel(x: Axis("lag", unit: "ps"), y: Axis("t", unit: "ps", scale: .log10),
                          layers: [.line(LinePlot(x: xs, y: ys))])
        let (rendered, root) = try render(panel)
        #expect(rendered.omittedNonPositive == 2)
        #expect(rendered.omittedNonFinite == 0)
        let (xAxis, yAxis) = try axes(root, yLog: true)
        // The first point stands alone between gaps; the line runs through the last three.
        let lines = root.all(class: "line")
        try #require(lines.count == 1)
        let vertices = points(of: lines[0])
        try #require(vertices.count == 3)
        for (vertex, (x, y)) in zip(vertices, [(4.0, 100.0), (5, 1000), (6, 30)]) {
            #expect(abs(xAxis.value(atPixel: vertex.x) - x) < 1e-3)
            #expect(abs(yAxis.value(atPixel: vertex.y) / y - 1) < 1e-3)
        }
        // On a log axis 100 lies halfway between 10 and 1000.
        #expect(abs(yAxis.pixel(of: 100) - (yAxis.pixel(of: 10) + yAxis.pixel(of: 1000)) / 2) < 0.02)
        let note = try #require(root.all(class: "note").first)
        #expect(note.allText.contains("2 points not shown"))
        #expect(note.allText.contains("2 ≤ 0 on a log axis"))
    }

    @Test("NaN and ∞ break a line into separate segments and never reach the SVG")
    func gaps() throws {
        let panel = Panel(x: Axis("x"), y: Axis("y"),
                          layers: [.line(LinePlot(x: [0, 1, 2, 3, 4, 5, 6], y: [1, 2, .nan, 3, 4, .infinity, 5])),
                                   .scatter(ScatterPlot(x: [0, .nan, 2], y: [1, 1, -.infinity]))])
        let (rendered, root) = try render(panel)
        let segments = root.all(class: "line").map { points(of: $0).count }
        #expect(segments == [2, 2])
        #expect(rendered.omittedNonFinite == 2 + 2)
        #expect(root.all(class: "scatter-series").flatMap { $0.all("circle") }.count == 1)
    }

    @Test("a line leaving an explicit range is clipped at the frame and resumes as a new polyline")
    func clipping() throws {
        let panel = Panel(x: Axis("x", range: 0...10), y: Axis("y", range: 0...1),
                          layers: [.line(LinePlot(x: [0, 2, 4, 6, 8, 10], y: [0.5, 0.5, 1e300, 0.5, -3, 0.5]))])
        let (_, root) = try render(panel)
        let frame = try #require(root.all(class: "frame").first)
        let left = frame.number("x")!, top = frame.number("y")!
        let right = left + frame.number("width")!, bottom = top + frame.number("height")!
        let lines = root.all(class: "line")
        #expect(lines.count == 3)
        let (xAxis, yAxis) = try axes(root)
        for line in lines {
            for vertex in points(of: line) {
                #expect(vertex.x >= left - 0.01 && vertex.x <= right + 0.01 && vertex.y >= top - 0.01 && vertex.y <= bottom + 0.01)
            }
        }
        // The segment (6, 0.5) → (8, -3) leaves through the bottom at x = 6 + 2 · 0.5 / 3.5.
        let second = points(of: lines[1])
        #expect(abs(xAxis.value(atPixel: second.last!.x) - (6 + 1 / 3.5)) < 2e-3)
        #expect(abs(yAxis.value(atPixel: second.last!.y)) < 1e-4)
    }

    @Test("text is escaped: <, &, quotes in labels survive a round trip through an XML parser")
    func escaping() throws {
        let nasty = "A<B & \"C\" 'D' > E\u{1}"
        let panel = Panel(title: nasty, x: Axis(nasty, unit: "<ps>"), y: Axis("y"),
                          layers: [.line(LinePlot(x: [0, 1], y: [0, 1], label: nasty)),
                                   .reference(ReferenceLine(.horizontal(0.5), label: "&amp;"))])
        let (rendered, root) = try render(panel, title: nasty)
        let expected = "A<B & \"C\" 'D' > E"
        #expect(root.all(class: "panel-title").first?.allText == expected)
        #expect(root.all(class: "figure-title").first?.allText == expected)
        #expect(root.all("title").first?.allText == expected)
        #expect(root.all(class: "xlabel").first?.allText == expected + " (<ps>)")
        #expect(root.all(class: "legend-label").map(\.allText) == [expected, "&amp;"])
        #expect(root.all(class: "line-series").first?.attributes["data-label"] == expected)
        #expect(rendered.svg.contains("&amp;amp;"))
    }

    @Test("symmetric error band spans y ± δ; asymmetric error bars span the given bounds")
    func errors() throws {
        let xs: [Double] = [1, 2, 3], ys: [Double] = [2, 3, 5]
        let band = Panel(x: Axis("x", range: 0...4), y: Axis("y", range: 0...10),
                         layers: [.line(LinePlot(x: xs, y: ys, errors: .symmetric([0.5, 1, 2])))])
        let (_, bandRoot) = try render(band)
        let (xAxis, yAxis) = try axes(bandRoot)
        let path = try #require(bandRoot.all(class: "band").first?.attributes["d"])
        let numbers = path.split(whereSeparator: { "MLZ ".contains($0) }).compactMap { Double($0) }
        let corners = stride(from: 0, to: numbers.count - 1, by: 2).map { (xAxis.value(atPixel: numbers[$0]), yAxis.value(atPixel: numbers[$0 + 1])) }
        let expected: [(Double, Double)] = [(1, 2.5), (2, 4), (3, 7), (3, 3), (2, 2), (1, 1.5)]
        try #require(corners.count == expected.count)
        for (corner, want) in zip(corners, expected) {
            #expect(abs(corner.0 - want.0) < 1e-3 && abs(corner.1 - want.1) < 1e-3, "\(corner) vs \(want)")
        }

        let bars = Panel(x: Axis("x", range: 0...4), y: Axis("y", range: 0...10),
                         layers: [.line(LinePlot(x: xs, y: ys, errors: .bounds(lower: [1, 2.5, 4], upper: [2.2, 6, 9]),
                                                 errorStyle: .bars))])
        let (_, barRoot) = try render(bars)
        let (_, yBars) = try axes(barRoot)
        let d = try #require(barRoot.all(class: "errorbars").first?.attributes["d"])
        // Each bar is "M x y0 V y1" followed by two caps.
        let verticals = d.components(separatedBy: "M").filter { $0.contains("V") }.map { segment -> (Double, Double) in
            let parts = segment.split(whereSeparator: { " V".contains($0) }).compactMap { Double($0) }
            return (yBars.value(atPixel: parts[1]), yBars.value(atPixel: parts[2]))
        }
        #expect(verticals.count == 3)
        for (bar, want) in zip(verticals, [(1.0, 2.2), (2.5, 6), (4, 9)]) {
            #expect(abs(bar.0 - want.0) < 1e-3 && abs(bar.1 - want.1) < 1e-3)
        }
    }

    @Test("the lag line t = τ on linear x / log y: every vertex satisfies y = x, and the region below is shaded")
    func identityLine() throws {
        let lags: [Double] = [1, 2, 5, 10, 20, 50]
        let panel = Panel(x: Axis("lag time τ", unit: "ps"), y: Axis("time scale", unit: "ps", scale: .log10, range: 1...1000),
                          layers: [.line(LinePlot(x: lags, y: lags.map { 300 + 10 * $0 }, label: "t₁")),
                                   .reference(ReferenceLine(.identity, label: "t = τ", shadeBelow: true))])
        let (_, root) = try render(panel)
        let (xAxis, yAxis) = try axes(root, yLog: true)
        let reference = root.all(class: "reference")
        try #require(reference.count == 1)
        let vertices = points(of: reference[0])
        #expect(vertices.count > 50)
        for vertex in vertices {
            let x = xAxis.value(atPixel: vertex.x), y = yAxis.value(atPixel: vertex.y)
            #expect(abs(y / x - 1) < 0.01, "(\(x), \(y))")
        }
        #expect(root.all(class: "reference-shade").count == 1)
        #expect(root.all(class: "legend-label").map(\.allText) == ["t₁", "t = τ"])
    }

    @Test("automatic legend placement avoids the corner that holds the data")
    func legendPlacement() throws {
        let panel = Panel(x: Axis("x", range: 0...1), y: Axis("y", range: 0...1),
                          layers: [.scatter(ScatterPlot(x: (0..<50).map { 0.8 + 0.004 * Double($0) },
                                                        y: (0..<50).map { 0.8 + 0.004 * Double($0) }, label: "cloud"))])
        let (_, root) = try render(panel)
        let box = try #require(root.all(class: "legend").first?.all("rect").first)
        let (x, y, w, h) = (box.number("x")!, box.number("y")!, box.number("width")!, box.number("height")!)
        let markers = root.all(class: "markers").flatMap { $0.all("circle") }
        #expect(markers.count == 50)
        for marker in markers {
            let (cx, cy) = (marker.number("cx")!, marker.number("cy")!)
            #expect(!(cx >= x && cx <= x + w && cy >= y && cy <= y + h))
        }
    }

    @Test("series without an explicit colour take distinct Okabe-Ito colours in order")
    func palette() throws {
        let layers = (0..<3).map { k in Layer.line(LinePlot(x: [0, 1], y: [Double(k), Double(k) + 1])) }
        let (_, root) = try render(Panel(x: Axis("x"), y: Axis("y"), layers: layers))
        let strokes = root.all(class: "line").compactMap { $0.attributes["stroke"] }
        #expect(strokes == Array(Color.okabeIto.prefix(3)).map(\.hexString))
        #expect(strokes == ["#0072b2", "#d55e00", "#009e73"])
    }

    @Test("inconsistent input throws PlotError naming the problem")
    func invalidInput() {
        #expect(throws: PlotError.self) {
            try Figure(panels: [Panel(x: Axis(), y: Axis(), layers: [.line(LinePlot(x: [1, 2], y: [1]))])]).svg()
        }
        #expect(throws: PlotError.self) {
            try Figure(panels: [Panel(x: Axis(), y: Axis(scale: .log10, range: 0...10))]).svg()
        }
        #expect(throws: PlotError.self) {
            try Figure(panels: [Panel(x: Axis(), y: Axis(),
                                      layers: [.heatmap(Heatmap(xEdges: [0, 1, 2], yEdges: [0, 1], values: [[1]]))])]).svg()
        }
        #expect(throws: PlotError.self) { try Figure(panels: []).svg() }
        do {
            _ = try Figure(panels: [Panel(x: Axis(), y: Axis(), layers: [
                .line(LinePlot(x: [1], y: [1], label: "t₂", errors: .symmetric([1, 2])))])]).svg()
            Issue.record("mismatched error count was accepted")
        } catch let error as PlotError {
            #expect(error.description.contains("t₂") && error.description.contains("2 error values"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("element ids differ between figures (several can be inlined in one HTML page) and resolve inside each")
    func uniqueIdentifiers() throws {
        func ids(_ y: [Double]) throws -> (defined: Set<String>, used: Set<String>) {
            let panel = Panel(x: Axis("x"), y: Axis("y"), layers: [
                .line(LinePlot(x: [0, 1, 2], y: y, errors: .symmetric([0.1, 0.1, 0.1]))),
                .heatmap(Heatmap(xRange: 0...2, yRange: 0...2, values: [[1, 2], [3, 4]]))])
            let root = try parseSVG(try Figure(panels: [panel]).svg())
            let defined = Set(root.descendants.compactMap { $0.attributes["id"] })
            let used = Set(root.descendants.flatMap { $0.attributes.values }.compactMap { value -> String? in
                guard let start = value.range(of: "url(#"), let end = value.range(of: ")", range: start.upperBound..<value.endIndex) else { return nil }
                return String(value[start.upperBound..<end.lowerBound])
            })
            return (defined, used)
        }
        let first = try ids([0, 1, 2]), second = try ids([0, 1, 3]), again = try ids([0, 1, 2])
        #expect(first.defined.count == 2)
        #expect(first.used.isSubset(of: first.defined) && !first.used.isEmpty)
        #expect(first.defined.isDisjoint(with: second.defined))
        #expect(first.defined == again.defined)  // deterministic
    }

    @Test("10⁵ points are thinned to a few per pixel column, keeping every column's extremes")
    func decimation() throws {
        let count = 100_000
        let xs = (0..<count).map { Double($0) }, ys = xs.map { sin($0 / 700) + ($0 == 50_000 ? 3 : 0) }
        let panel = Panel(x: Axis("step"), y: Axis("signal"), layers: [.line(LinePlot(x: xs, y: ys))])
        let (_, root) = try render(panel)
        let lines = root.all(class: "line")
        try #require(lines.count == 1)
        let vertices = points(of: lines[0])
        let frame = try #require(root.all(class: "frame").first)
        #expect(vertices.count <= 4 * Int(frame.number("width")!.rounded(.up) + 1))
        let (xAxis, yAxis) = try axes(root)
        // The single spike (3 above the sine at step 50 000) and both ends survive.
        let values = vertices.map { (xAxis.value(atPixel: $0.x), yAxis.value(atPixel: $0.y)) }
        #expect(values.contains { abs($0.0 - 50_000) < 200 && abs($0.1 - ys[50_000]) < 0.01 })
        #expect(abs(values.first!.0) < 1 && abs(values.last!.0 - Double(count - 1)) < 200)
        // Vertices stay in drawing order.
        #expect(zip(vertices, vertices.dropFirst()).allSatisfy { $0.x <= $1.x })
    }

    @Test("several panels: one group each, laid out side by side")
    func panels() throws {
        let make = { (title: String) in Panel(title: title, x: Axis("x"), y: Axis("y"),
                                              layers: [.line(LinePlot(x: [0, 1], y: [0, 1]))]) }
        let rendered = try Figure(width: 900, height: 400, panels: [make("a"), make("b"), make("c")]).render()
        let root = try parseSVG(rendered.svg)
        let frames = root.all(class: "frame")
        #expect(frames.count == 3)
        let lefts = frames.map { $0.number("x")! }
        #expect(lefts == lefts.sorted() && Set(lefts).count == 3)
        for frame in frames { #expect(frame.number("x")! + frame.number("width")! <= 900) }
    }
}
