/// One row of a legend.
struct LegendEntry {
    enum Symbol {
        case line(dashed: Bool, markers: Bool, band: Bool, width: Double)
        case marker(radius: Double, opacity: Double)
        case reference(dashed: Bool, shaded: Bool)
    }

    var label: String
    var color: Color
    var symbol: Symbol
}

/// A boxed legend in a corner of the plot area.
struct LegendRenderer {
    let entries: [LegendEntry]
    /// Pixels that hold data, to choose the emptiest corner.
    let occupied: [Point]

    static let rowHeight = 17.0
    static let padding = 6.0
    static let swatchWidth = 26.0
    static let inset = 8.0

    private var size: (width: Double, height: Double) {
        let text = entries.map { PanelRenderer.textWidth($0.label, fontSize: PanelRenderer.tickFont) }.max() ?? 0
        return (2 * LegendRenderer.padding + LegendRenderer.swatchWidth + 6 + text,
                2 * LegendRenderer.padding + Double(entries.count) * LegendRenderer.rowHeight - 4)
    }

    private func box(_ placement: LegendPlacement, in plot: Rect) -> Rect {
        let (width, height) = size, inset = LegendRenderer.inset
        let left = plot.x + inset, right = plot.maxX - inset - width
        let top = plot.y + inset, bottom = plot.maxY - inset - height
        switch placement {
        case .topLeft: return Rect(x: left, y: top, width: width, height: height)
        case .bottomLeft: return Rect(x: left, y: bottom, width: width, height: height)
        case .bottomRight: return Rect(x: right, y: bottom, width: width, height: height)
        case .topRight, .automatic, .hidden: return Rect(x: right, y: top, width: width, height: height)
        }
    }

    /// The corner covering the fewest data pixels; ties go to top right, top left, bottom left,
    /// bottom right, in that order (as matplotlib's "best").
    private func bestPlacement(in plot: Rect) -> LegendPlacement {
        let candidates: [LegendPlacement] = [.topRight, .topLeft, .bottomLeft, .bottomRight]
        var best = LegendPlacement.topRight, fewest = Int.max
        for candidate in candidates {
            let area = box(candidate, in: plot)
            let covered = occupied.reduce(0) { $0 + (area.contains($1) ? 1 : 0) }
            if covered < fewest { fewest = covered; best = candidate }
        }
        return best
    }

    func draw(in plot: Rect, placement: LegendPlacement, into svg: inout SVGBuilder) {
        let chosen = placement == .automatic ? bestPlacement(in: plot) : placement
        let area = box(chosen, in: plot)
        svg.open("g", [("class", "legend")])
        svg.element("rect", [("x", NumberText.c(area.x)), ("y", NumberText.c(area.y)),
                             ("width", NumberText.c(area.width)), ("height", NumberText.c(area.height)),
                             ("fill", "#ffffff"), ("fill-opacity", "0.85"), ("stroke", "#cccccc"), ("rx", "3")])
        for (row, entry) in entries.enumerated() {
            let centerY = area.y + LegendRenderer.padding + (Double(row) + 0.5) * LegendRenderer.rowHeight - 2
            let x0 = area.x + LegendRenderer.padding, x1 = x0 + LegendRenderer.swatchWidth
            drawSymbol(entry, from: x0, to: x1, y: centerY, into: &svg)
            svg.textElement([("class", "legend-label"), ("x", NumberText.c(x1 + 6)), ("y", NumberText.c(centerY + 4))],
                            content: entry.label)
        }
        svg.close("g")
    }

    private func drawSymbol(_ entry: LegendEntry, from x0: Double, to x1: Double, y: Double, into svg: inout SVGBuilder) {
        let color = entry.color.hexString
        let mid = NumberText.c((x0 + x1) / 2)
        func stroke(width: Double, dashed: Bool) {
            var attributes = [("x1", NumberText.c(x0)), ("x2", NumberText.c(x1)), ("y1", NumberText.c(y)),
                              ("y2", NumberText.c(y)), ("stroke", color), ("stroke-width", NumberText.c(width))]
            if dashed { attributes.append(("stroke-dasharray", "5 3")) }
            svg.element("line", attributes)
        }
        switch entry.symbol {
        case .line(let dashed, let markers, let band, let width):
            if band {
                svg.element("rect", [("x", NumberText.c(x0)), ("y", NumberText.c(y - 5)), ("width", NumberText.c(x1 - x0)),
                                     ("height", "10"), ("fill", color), ("fill-opacity", "0.25")])
            }
            stroke(width: width, dashed: dashed)
            if markers {
                svg.element("circle", [("cx", mid), ("cy", NumberText.c(y)), ("r", NumberText.c(2.5 + width * 0.6)),
                                       ("fill", color)])
            }
        case .marker(let radius, let opacity):
            svg.element("circle", [("cx", mid), ("cy", NumberText.c(y)), ("r", NumberText.c(min(radius, 6))),
                                   ("fill", color), ("fill-opacity", NumberText.c(max(opacity, 0.5)))])
        case .reference(let dashed, let shaded):
            if shaded {
                svg.element("rect", [("x", NumberText.c(x0)), ("y", NumberText.c(y)), ("width", NumberText.c(x1 - x0)),
                                     ("height", "6"), ("fill", "#9a9a9a"), ("fill-opacity", "0.25")])
            }
            stroke(width: 1.2, dashed: dashed)
        }
    }
}
