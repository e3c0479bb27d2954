/// Draws a heatmap's cells: one rectangle per cell, coloured by value, light grey where the value
/// is not finite (an unvisited bin).
struct HeatmapRenderer {
    let heatmap: Heatmap
    let colorRange: ClosedRange<Double>

    func draw(in frame: PlotFrame, into svg: inout SVGBuilder) {
        // Pixel edges, clamped to just outside the plot (exact for axis-aligned rectangles) and
        // rounded once, so neighbouring cells share their edge exactly and no seam shows.
        func pixelEdges(_ edges: [Double], _ mapping: AxisMapping, start: Double, length: Double, flip: Bool) -> [Double?] {
            edges.map { edge in
                guard let f = mapping.fraction(edge) else { return nil }
                let clamped = min(max(f, -0.001), 1.001)
                let pixel = flip ? start + length - clamped * length : start + clamped * length
                return (pixel * 100).rounded() / 100
            }
        }
        let plot = frame.plot
        let xs = pixelEdges(heatmap.xEdges, frame.x, start: plot.x, length: plot.width, flip: false)
        let ys = pixelEdges(heatmap.yEdges, frame.y, start: plot.y, length: plot.height, flip: true)
        let span = colorRange.upperBound - colorRange.lowerBound
        var cells = "", missing = ""
        for (row, values) in heatmap.values.enumerated() {
            guard let bottom = ys[row], let top = ys[row + 1], bottom - top > 0 else { continue }
            for (column, value) in values.enumerated() {
                guard let left = xs[column], let right = xs[column + 1], right - left > 0 else { continue }
                let geometry = "<rect x=\"\(NumberText.c(left))\" y=\"\(NumberText.c(top))\" width=\"\(NumberText.c(right - left))\" height=\"\(NumberText.c(bottom - top))\""
                if value.isFinite {
                    let color = heatmap.colormap.color(at: (value - colorRange.lowerBound) / span)
                    cells += geometry + " fill=\"\(color.hexString)\"/>\n"
                } else {
                    missing += geometry + "/>\n"
                }
            }
        }
        svg.open("g", [("class", "heatmap"), ("shape-rendering", "crispEdges"), frame.clipAttribute])
        svg.open("g", [("class", "missing-cells"), ("fill", Color.missingData.hexString)])
        svg.raw(missing)
        svg.close("g")
        svg.open("g", [("class", "cells")])
        svg.raw(cells)
        svg.close("g")
        svg.close("g")
    }
}

/// The colour bar beside a heatmap: the colormap as a gradient, ticks on the value range, the
/// label, and a grey key for missing cells when there are any.
struct ColorbarRenderer {
    let heatmap: Heatmap
    /// The values at the bottom and top of the colour scale.
    let colorRange: ClosedRange<Double>
    let ticks: Ticks
    let hasMissing: Bool

    static let gap = 14.0
    static let barWidth = 14.0

    init(heatmap: Heatmap) {
        self.heatmap = heatmap
        var low = Double.infinity, high = -Double.infinity, missing = false
        for row in heatmap.values {
            for value in row {
                if value.isFinite { low = min(low, value); high = max(high, value) } else { missing = true }
            }
        }
        if let explicit = heatmap.valueRange {
            colorRange = explicit
        } else if low > high {
            colorRange = 0...1
        } else if low == high {
            colorRange = (low - 0.5)...(high + 0.5)
        } else {
            colorRange = low...high
        }
        ticks = Ticks.linear(colorRange, targetCount: 6)
        hasMissing = missing
    }

    private var tickLabelWidth: Double {
        ticks.labels.map { PanelRenderer.textWidth($0, fontSize: PanelRenderer.tickFont) }.max() ?? 0
    }

    /// Room to the right of the plot area.
    var requiredWidth: Double {
        var width = ColorbarRenderer.gap + ColorbarRenderer.barWidth + 4 + 3 + tickLabelWidth
        if !heatmap.colorbarLabel.isEmpty { width += 8 + PanelRenderer.labelFont }
        if hasMissing {
            let key = ColorbarRenderer.barWidth + 5 + PanelRenderer.textWidth(heatmap.missingLabel, fontSize: 10)
            width = max(width, ColorbarRenderer.gap + key)
        }
        return width
    }

    func draw(beside plot: Rect, panelIndex: Int, into svg: inout SVGBuilder) {
        let keyHeight = hasMissing ? 26.0 : 0
        let bar = Rect(x: plot.maxX + ColorbarRenderer.gap, y: plot.y, width: ColorbarRenderer.barWidth,
                       height: max(10, plot.height - keyHeight))
        let gradientID = "\(FigureRenderer.idToken)-colormap-\(panelIndex)"
        svg.open("g", [("class", "colorbar")])
        svg.open("defs")
        svg.open("linearGradient", [("id", gradientID), ("x1", "0"), ("y1", "1"), ("x2", "0"), ("y2", "0")])
        let stops = 64
        for k in 0...stops {
            let fraction = Double(k) / Double(stops)
            svg.element("stop", [("offset", NumberText.c(fraction)),
                                 ("stop-color", heatmap.colormap.color(at: fraction).hexString)])
        }
        svg.close("linearGradient")
        svg.close("defs")
        svg.element("rect", [("class", "colorbar-bar"), ("x", NumberText.c(bar.x)), ("y", NumberText.c(bar.y)),
                             ("width", NumberText.c(bar.width)), ("height", NumberText.c(bar.height)),
                             ("fill", "url(#\(gradientID))"), ("stroke", "#222222"), ("stroke-width", "0.8")])
        let span = colorRange.upperBound - colorRange.lowerBound
        for (value, label) in zip(ticks.values, ticks.labels) {
            let fraction = (value - colorRange.lowerBound) / span
            guard fraction >= -1e-9, fraction <= 1 + 1e-9 else { continue }
            let y = bar.maxY - fraction * bar.height
            svg.open("g", [("class", "colorbar-tick")])
            svg.element("line", [("x1", NumberText.c(bar.maxX)), ("x2", NumberText.c(bar.maxX + 4)),
                                 ("y1", NumberText.c(y)), ("y2", NumberText.c(y)), ("stroke", "#222222")])
            svg.textElement([("x", NumberText.c(bar.maxX + 7)), ("y", NumberText.c(y + 4))], content: label)
            svg.close("g")
        }
        if !heatmap.colorbarLabel.isEmpty {
            let x = NumberText.c(bar.maxX + 7 + tickLabelWidth + 8 + PanelRenderer.labelFont - 3)
            let y = NumberText.c(bar.y + bar.height / 2)
            svg.textElement([("class", "colorbar-label"), ("x", x), ("y", y), ("text-anchor", "middle"),
                             ("font-size", NumberText.c(PanelRenderer.labelFont)),
                             ("transform", "rotate(-90 \(x) \(y))")], content: heatmap.colorbarLabel)
        }
        if hasMissing {
            let top = plot.maxY - ColorbarRenderer.barWidth
            svg.element("rect", [("class", "missing-key"), ("x", NumberText.c(bar.x)), ("y", NumberText.c(top)),
                                 ("width", NumberText.c(bar.width)), ("height", NumberText.c(bar.width)),
                                 ("fill", Color.missingData.hexString), ("stroke", "#222222"), ("stroke-width", "0.8")])
            svg.textElement([("class", "missing-label"), ("x", NumberText.c(bar.maxX + 5)),
                             ("y", NumberText.c(top + ColorbarRenderer.barWidth - 3)), ("font-size", "10")],
                            content: heatmap.missingLabel)
        }
        svg.close("g")
    }
}
