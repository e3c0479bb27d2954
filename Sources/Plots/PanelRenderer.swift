import Foundation

/// Draws one panel into its grid cell: ranges, margins, layers, axes, colour bar, legend and a note
/// about points that could not be drawn.
struct PanelRenderer {
    let panel: Panel
    let index: Int
    let cell: Rect

    static let tickFont = 11.0
    static let labelFont = 13.0
    static let tickLength = 5.0

    /// An estimate of the rendered width of `text` (no font metrics in an SVG writer; DejaVu Sans
    /// digits are 0.64 em, lower-case letters about 0.55 em).
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.62
    }

    func render(into svg: inout SVGBuilder) -> (nonFinite: Int, nonPositive: Int) {
        let heatmap = panel.layers.lazy.compactMap { layer -> Heatmap? in
            if case .heatmap(let map) = layer { return map } else { return nil }
        }.first
        let (xMap, yMap) = mappings()
        let xTicks = Ticks.make(for: xMap.range, scale: xMap.scale,
                                targetCount: max(3, min(8, Int(cell.width / 95))))
        let yTicks = Ticks.make(for: yMap.range, scale: yMap.scale,
                                targetCount: max(3, min(8, Int(cell.height / 55))))
        let omissions = countOmissions()
        let colorbar = heatmap.map { ColorbarRenderer(heatmap: $0) }
        let plot = plotArea(xTicks: xTicks, yTicks: yTicks, colorbar: colorbar, hasNote: omissions.total > 0)
        let frame = PlotFrame(plot: plot, x: xMap, y: yMap, clipID: "\(FigureRenderer.idToken)-clip-\(index)")

        svg.open("g", [("class", "panel"), ("data-panel", "\(index)")])
        svg.open("defs")
        svg.open("clipPath", [("id", frame.clipID)])
        svg.element("rect", [("x", NumberText.c(plot.x)), ("y", NumberText.c(plot.y)),
                             ("width", NumberText.c(plot.width)), ("height", NumberText.c(plot.height))])
        svg.close("clipPath")
        svg.close("defs")

        if let heatmap, let colorbar {
            HeatmapRenderer(heatmap: heatmap, colorRange: colorbar.colorRange).draw(in: frame, into: &svg)
        }
        if panel.grid { drawGrid(frame, xTicks: xTicks, yTicks: yTicks, into: &svg) }
        var series = SeriesRenderer(frame: frame)
        series.draw(panel.layers, into: &svg)
        drawAxes(frame, xTicks: xTicks, yTicks: yTicks, into: &svg)
        if let colorbar { colorbar.draw(beside: plot, panelIndex: index, into: &svg) }
        if panel.legend != .hidden, !series.legendEntries.isEmpty {
            LegendRenderer(entries: series.legendEntries, occupied: series.occupiedPixels)
                .draw(in: plot, placement: panel.legend, into: &svg)
        }
        if omissions.total > 0 { drawNote(omissions, into: &svg) }
        svg.close("g")
        return (omissions.nonFinite, omissions.nonPositive)
    }

    // MARK: Ranges

    private func mappings() -> (AxisMapping, AxisMapping) {
        var xs = ExtentCollector(scale: panel.x.scale), ys = ExtentCollector(scale: panel.y.scale)
        let xOK = { (v: Double) in v.isFinite && (panel.x.scale == .linear || v > 0) }
        let yOK = { (v: Double) in v.isFinite && (panel.y.scale == .linear || v > 0) }
        for layer in panel.layers {
            switch layer {
            case .line(let line):
                for i in line.x.indices where xOK(line.x[i]) && yOK(line.y[i]) {
                    xs.add(line.x[i])
                    ys.add(line.y[i])
                    switch line.errors {
                    case .none: break
                    case .symmetric(let deltas):
                        if deltas[i].isFinite { ys.add(line.y[i] - abs(deltas[i])); ys.add(line.y[i] + abs(deltas[i])) }
                    case .bounds(let lower, let upper):
                        ys.add(lower[i])
                        ys.add(upper[i])
                    }
                }
            case .scatter(let scatter):
                for i in scatter.x.indices where xOK(scatter.x[i]) && yOK(scatter.y[i]) {
                    xs.add(scatter.x[i])
                    ys.add(scatter.y[i])
                }
            case .reference(let reference):
                switch reference.position {
                case .horizontal(let y): ys.add(y)
                case .vertical(let x): xs.add(x)
                case .identity: break
                }
            case .heatmap(let heatmap):
                xs.add(heatmap.xEdges)
                ys.add(heatmap.yEdges)
                xs.tight = true
                ys.tight = true
            }
        }
        return (AxisMapping(scale: panel.x.scale, range: xs.resolve(explicit: panel.x.range)),
                AxisMapping(scale: panel.y.scale, range: ys.resolve(explicit: panel.y.range)))
    }

    private struct Omissions {
        var nonFinite = 0
        var nonPositive = 0
        var total: Int { nonFinite + nonPositive }
    }

    /// Data points that cannot be drawn: NaN/±∞ coordinates, or ≤ 0 on a log axis (heatmap cells
    /// without a value are drawn as missing and not counted; heatmap cells with an edge ≤ 0 on a
    /// log axis are).
    private func countOmissions() -> Omissions {
        var result = Omissions()
        let xLog = panel.x.scale == .log10, yLog = panel.y.scale == .log10
        func tally(_ x: Double, _ y: Double) {
            if !x.isFinite || !y.isFinite { result.nonFinite += 1 }
            else if (xLog && x <= 0) || (yLog && y <= 0) { result.nonPositive += 1 }
        }
        for layer in panel.layers {
            switch layer {
            case .line(let line): for i in line.x.indices { tally(line.x[i], line.y[i]) }
            case .scatter(let scatter): for i in scatter.x.indices { tally(scatter.x[i], scatter.y[i]) }
            case .reference: break
            case .heatmap(let heatmap):
                let badColumns = xLog ? heatmap.xEdges.dropLast().indices.filter { heatmap.xEdges[$0] <= 0 }.count : 0
                let badRows = yLog ? heatmap.yEdges.dropLast().indices.filter { heatmap.yEdges[$0] <= 0 }.count : 0
                let columns = heatmap.xEdges.count - 1, rows = heatmap.yEdges.count - 1
                result.nonPositive += badColumns * rows + badRows * columns - badColumns * badRows
            }
        }
        return result
    }

    // MARK: Layout

    /// The plot area inside the cell after room for the title, tick labels, axis labels, the colour
    /// bar and the note.
    private func plotArea(xTicks: Ticks, yTicks: Ticks, colorbar: ColorbarRenderer?, hasNote: Bool) -> Rect {
        let tickFont = PanelRenderer.tickFont, labelFont = PanelRenderer.labelFont
        let widestY = yTicks.labels.map { PanelRenderer.textWidth($0, fontSize: tickFont) }.max() ?? 0
        var left = 10 + widestY + PanelRenderer.tickLength + 5
        if !panel.y.title.isEmpty { left += labelFont + 8 }
        var top = 12.0
        if panel.title != nil { top += labelFont + 10 }
        var bottom = 8 + PanelRenderer.tickLength + 4 + tickFont
        if !panel.x.title.isEmpty { bottom += 8 + labelFont }
        if hasNote { bottom += 14 }
        let lastXLabel = xTicks.labels.last.map { PanelRenderer.textWidth($0, fontSize: tickFont) / 2 } ?? 0
        var right = max(16, lastXLabel + 6)
        if let colorbar { right = 16 + colorbar.requiredWidth }
        let width = max(20, cell.width - left - right), height = max(20, cell.height - top - bottom)
        return Rect(x: cell.x + left, y: cell.y + top, width: width, height: height)
    }

    // MARK: Axes

    private func drawGrid(_ frame: PlotFrame, xTicks: Ticks, yTicks: Ticks, into svg: inout SVGBuilder) {
        var path = ""
        for value in xTicks.values {
            guard let u = frame.x.fraction(value), (0...1).contains(u) else { continue }
            let px = NumberText.c(frame.plot.x + u * frame.plot.width)
            path += "M\(px) \(NumberText.c(frame.plot.y))V\(NumberText.c(frame.plot.maxY))"
        }
        for value in yTicks.values {
            guard let v = frame.y.fraction(value), (0...1).contains(v) else { continue }
            let py = NumberText.c(frame.plot.maxY - v * frame.plot.height)
            path += "M\(NumberText.c(frame.plot.x)) \(py)H\(NumberText.c(frame.plot.maxX))"
        }
        guard !path.isEmpty else { return }
        svg.element("path", [("class", "grid"), ("d", path), ("stroke", "#e3e3e3"), ("stroke-width", "0.8"),
                             ("fill", "none")])
    }

    private func drawAxes(_ frame: PlotFrame, xTicks: Ticks, yTicks: Ticks, into svg: inout SVGBuilder) {
        let plot = frame.plot, tick = PanelRenderer.tickLength
        svg.open("g", [("class", "axes"), ("stroke", "#222222"), ("stroke-width", "1")])
        svg.element("rect", [("class", "frame"), ("x", NumberText.c(plot.x)), ("y", NumberText.c(plot.y)),
                             ("width", NumberText.c(plot.width)), ("height", NumberText.c(plot.height)),
                             ("fill", "none")])
        var minor = ""
        for value in xTicks.minor {
            guard let u = frame.x.fraction(value), (0...1).contains(u) else { continue }
            let px = NumberText.c(plot.x + u * plot.width)
            minor += "M\(px) \(NumberText.c(plot.maxY))v3"
        }
        for value in yTicks.minor {
            guard let v = frame.y.fraction(value), (0...1).contains(v) else { continue }
            let py = NumberText.c(plot.maxY - v * plot.height)
            minor += "M\(NumberText.c(plot.x)) \(py)h-3"
        }
        if !minor.isEmpty { svg.element("path", [("class", "minor-ticks"), ("d", minor), ("stroke-width", "0.8")]) }
        for (value, label) in zip(xTicks.values, xTicks.labels) {
            guard let u = frame.x.fraction(value), u >= -1e-9, u <= 1 + 1e-9 else { continue }
            let px = NumberText.c(plot.x + u * plot.width)
            svg.open("g", [("class", "xtick")])
            svg.element("line", [("x1", px), ("x2", px), ("y1", NumberText.c(plot.maxY)),
                                 ("y2", NumberText.c(plot.maxY + tick))])
            svg.textElement([("x", px), ("y", NumberText.c(plot.maxY + tick + 3 + PanelRenderer.tickFont)),
                             ("text-anchor", "middle"), ("stroke", "none")], content: label)
            svg.close("g")
        }
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            guard let v = frame.y.fraction(value), v >= -1e-9, v <= 1 + 1e-9 else { continue }
            let py = plot.maxY - v * plot.height
            svg.open("g", [("class", "ytick")])
            svg.element("line", [("x1", NumberText.c(plot.x - tick)), ("x2", NumberText.c(plot.x)),
                                 ("y1", NumberText.c(py)), ("y2", NumberText.c(py))])
            svg.textElement([("x", NumberText.c(plot.x - tick - 3)), ("y", NumberText.c(py + 4)),
                             ("text-anchor", "end"), ("stroke", "none")], content: label)
            svg.close("g")
        }
        svg.close("g")

        let labelFont = NumberText.c(PanelRenderer.labelFont)
        if !panel.x.title.isEmpty {
            let y = plot.maxY + tick + 4 + PanelRenderer.tickFont + 8 + PanelRenderer.labelFont
            svg.textElement([("class", "xlabel"), ("x", NumberText.c(plot.x + plot.width / 2)), ("y", NumberText.c(y)),
                             ("text-anchor", "middle"), ("font-size", labelFont)], content: panel.x.title)
        }
        if !panel.y.title.isEmpty {
            let x = NumberText.c(cell.x + 10 + PanelRenderer.labelFont - 2)
            let y = NumberText.c(plot.y + plot.height / 2)
            svg.textElement([("class", "ylabel"), ("x", x), ("y", y), ("text-anchor", "middle"),
                             ("font-size", labelFont), ("transform", "rotate(-90 \(x) \(y))")],
                            content: panel.y.title)
        }
        if let title = panel.title {
            svg.textElement([("class", "panel-title"), ("x", NumberText.c(plot.x + plot.width / 2)),
                             ("y", NumberText.c(plot.y - 9)), ("text-anchor", "middle"), ("font-size", labelFont)],
                            content: title)
        }
    }

    private func drawNote(_ omissions: Omissions, into svg: inout SVGBuilder) {
        var parts: [String] = []
        if omissions.nonPositive > 0 { parts.append("\(omissions.nonPositive) ≤ 0 on a log axis") }
        if omissions.nonFinite > 0 { parts.append("\(omissions.nonFinite) NaN or ±∞") }
        let noun = omissions.total == 1 ? "point" : "points"
        svg.textElement([("class", "note"), ("x", NumberText.c(cell.maxX - 8)), ("y", NumberText.c(cell.maxY - 6)),
                         ("text-anchor", "end"), ("font-size", "10"), ("fill", "#555555")],
                        content: "\(omissions.total) \(noun) not shown: " + parts.joined(separator: ", "))
    }
}

/// The plot area with its axis mappings: converts data to pixels.
struct PlotFrame {
    let plot: Rect
    let x: AxisMapping
    let y: AxisMapping
    let clipID: String

    /// Axis fractions of a data point; nil when either coordinate cannot be shown.
    func fraction(_ xValue: Double, _ yValue: Double) -> Point? {
        guard let u = x.fraction(xValue), let v = y.fraction(yValue) else { return nil }
        return Point(x: u, y: v)
    }

    func pixel(_ point: Point) -> Point {
        Point(x: plot.x + point.x * plot.width, y: plot.maxY - point.y * plot.height)
    }

    var clipAttribute: (String, String) { ("clip-path", "url(#\(clipID))") }
}
