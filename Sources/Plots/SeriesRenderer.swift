import Foundation

/// Draws the line, scatter and reference layers of a panel, and remembers what the legend needs
/// and which pixels hold data (for placing the legend).
struct SeriesRenderer {
    let frame: PlotFrame
    private(set) var legendEntries: [LegendEntry] = []
    private(set) var occupiedPixels: [Point] = []

    /// Far outside the plot (in axis fractions) but small enough to print: stands for -∞ on a log
    /// axis and bounds band polygons. Clipping hides it; the error it causes is far below a pixel.
    static let farOutside = 1e4

    init(frame: PlotFrame) { self.frame = frame }

    /// Polylines with more vertices than twice the plot's width in pixels are decimated.
    private var decimationThreshold: Int { max(100, Int(2 * frame.plot.width)) }

    mutating func draw(_ layers: [Layer], into svg: inout SVGBuilder) {
        var colorIndex = 0
        func nextColor(_ explicit: Color?) -> Color {
            if let explicit { return explicit }
            defer { colorIndex += 1 }
            return Color.okabeIto[colorIndex % Color.okabeIto.count]
        }
        var references: [ReferenceLine] = []
        for case .reference(let reference) in layers where reference.shadeBelow {
            drawShading(reference, into: &svg)
        }
        for (number, layer) in layers.enumerated() {
            switch layer {
            case .line(let line): draw(line, color: nextColor(line.color), number: number, into: &svg)
            case .scatter(let scatter): draw(scatter, color: nextColor(scatter.color), number: number, into: &svg)
            case .reference(let reference): references.append(reference)
            case .heatmap: break
            }
        }
        for reference in references { draw(reference, into: &svg) }
    }

    // MARK: Lines

    private mutating func draw(_ line: LinePlot, color: Color, number: Int, into svg: inout SVGBuilder) {
        let fractions = line.x.indices.map { frame.fraction(line.x[$0], line.y[$0]) }
        svg.open("g", [("class", "series line-series"), ("data-layer", "\(number)")]
                 + (line.label.map { [("data-label", $0)] } ?? []))
        if let errors = line.errors {
            switch line.errorStyle {
            case .band: drawBand(line, errors, color: color, into: &svg)
            case .bars: drawErrorBars(line, errors, fractions: fractions, color: color, into: &svg)
            }
        }
        var attributes: [(String, String)] = [("fill", "none"), ("stroke", color.hexString),
                                              ("stroke-width", NumberText.c(line.lineWidth)),
                                              ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
        if line.dashed {
            attributes.append(("stroke-dasharray", "\(NumberText.c(4 * line.lineWidth)) \(NumberText.c(2.5 * line.lineWidth))"))
        }
        for polyline in LineGeometry.visiblePolylines(fractions) {
            let pixels = LineGeometry.decimated(polyline.map(frame.pixel), threshold: decimationThreshold)
            notePixels(along: pixels)
            svg.element("polyline", [("class", "line"), ("points", pointList(pixels))] + attributes)
        }
        if line.markers {
            drawMarkers(fractions, color: color, radius: 2.5 + line.lineWidth * 0.6, opacity: 1, into: &svg)
        }
        svg.close("g")
        if let label = line.label {
            legendEntries.append(LegendEntry(label: label, color: color,
                                             symbol: .line(dashed: line.dashed, markers: line.markers,
                                                           band: line.errors != nil && line.errorStyle == .band,
                                                           width: line.lineWidth)))
        }
    }

    /// The lower and upper bound of point i in axis fractions: nil for a gap (NaN, or an upper
    /// bound ≤ 0 on a log axis); a lower bound ≤ 0 on a log axis is -∞, i.e. far below the plot.
    private func bounds(_ line: LinePlot, _ errors: ErrorExtent, at i: Int) -> (Double, Double)? {
        let low: Double, high: Double
        switch errors {
        case .symmetric(let deltas):
            low = line.y[i] - abs(deltas[i])
            high = line.y[i] + abs(deltas[i])
        case .bounds(let lower, let upper):
            low = min(lower[i], upper[i])
            high = max(lower[i], upper[i])
        }
        guard low.isFinite, high.isFinite, let top = frame.y.fraction(high) else { return nil }
        let bottom = frame.y.fraction(low) ?? -SeriesRenderer.farOutside
        let limit = SeriesRenderer.farOutside
        return (min(max(bottom, -limit), limit), min(max(top, -limit), limit))
    }

    private func drawBand(_ line: LinePlot, _ errors: ErrorExtent, color: Color, into svg: inout SVGBuilder) {
        var runs: [[(x: Double, low: Double, high: Double)]] = [[]]
        for i in line.x.indices {
            // The band breaks wherever the line does, so it never covers a point that is not drawn.
            guard let point = frame.fraction(line.x[i], line.y[i]), let (low, high) = bounds(line, errors, at: i) else {
                if !(runs.last?.isEmpty ?? true) { runs.append([]) }
                continue
            }
            let limit = SeriesRenderer.farOutside
            runs[runs.count - 1].append((min(max(point.x, -limit), limit), low, high))
        }
        var path = ""
        for run in runs where run.count >= 2 {
            let upper = LineGeometry.decimated(run.map { frame.pixel(Point(x: $0.x, y: $0.high)) },
                                               threshold: decimationThreshold)
            let lower = LineGeometry.decimated(run.reversed().map { frame.pixel(Point(x: $0.x, y: $0.low)) },
                                               threshold: decimationThreshold)
            path += "M" + (upper + lower).map { "\(NumberText.c($0.x)) \(NumberText.c($0.y))" }.joined(separator: "L") + "Z"
        }
        guard !path.isEmpty else { return }
        svg.element("path", [("class", "band"), ("d", path), ("fill", color.hexString), ("fill-opacity", "0.25"),
                             ("stroke", "none"), frame.clipAttribute])
    }

    private mutating func drawErrorBars(_ line: LinePlot, _ errors: ErrorExtent, fractions: [Point?], color: Color,
                                        into svg: inout SVGBuilder) {
        var path = ""
        let cap = 3.0
        for i in line.x.indices {
            guard let point = fractions[i], (0...1).contains(point.x), let (low, high) = bounds(line, errors, at: i),
                  high >= 0, low <= 1 else { continue }
            // A vertical segment: clamping y is exact clipping.
            let bottom = frame.pixel(Point(x: point.x, y: max(low, 0)))
            let top = frame.pixel(Point(x: point.x, y: min(high, 1)))
            let x = NumberText.c(bottom.x)
            path += "M\(x) \(NumberText.c(bottom.y))V\(NumberText.c(top.y))"
            if low >= 0 { path += "M\(NumberText.c(bottom.x - cap)) \(NumberText.c(bottom.y))h\(NumberText.c(2 * cap))" }
            if high <= 1 { path += "M\(NumberText.c(top.x - cap)) \(NumberText.c(top.y))h\(NumberText.c(2 * cap))" }
            occupiedPixels.append(top)
            occupiedPixels.append(bottom)
        }
        guard !path.isEmpty else { return }
        svg.element("path", [("class", "errorbars"), ("d", path), ("fill", "none"), ("stroke", color.hexString),
                             ("stroke-width", "1.2")])
    }

    // MARK: Markers

    private mutating func draw(_ scatter: ScatterPlot, color: Color, number: Int, into svg: inout SVGBuilder) {
        let fractions = scatter.x.indices.map { frame.fraction(scatter.x[$0], scatter.y[$0]) }
        svg.open("g", [("class", "series scatter-series"), ("data-layer", "\(number)")]
                 + (scatter.label.map { [("data-label", $0)] } ?? []))
        drawMarkers(fractions, color: color, radius: scatter.radius, opacity: scatter.opacity, into: &svg)
        svg.close("g")
        if let label = scatter.label {
            legendEntries.append(LegendEntry(label: label, color: color,
                                             symbol: .marker(radius: scatter.radius, opacity: scatter.opacity)))
        }
    }

    /// One circle per point inside the plot area (points outside an explicit range are not drawn).
    private mutating func drawMarkers(_ fractions: [Point?], color: Color, radius: Double, opacity: Double,
                                      into svg: inout SVGBuilder) {
        var attributes: [(String, String)] = [("fill", color.hexString)]
        if opacity < 1 { attributes.append(("fill-opacity", NumberText.c(max(0, opacity)))) }
        svg.open("g", [("class", "markers")] + attributes)
        let radiusText = NumberText.c(radius)
        for case let point? in fractions where (0...1).contains(point.x) && (0...1).contains(point.y) {
            let pixel = frame.pixel(point)
            occupiedPixels.append(pixel)
            svg.element("circle", [("cx", NumberText.c(pixel.x)), ("cy", NumberText.c(pixel.y)), ("r", radiusText)])
        }
        svg.close("g")
    }

    // MARK: Reference lines

    /// The reference line in axis fractions, sampled finely enough for a curve (y = x between a
    /// linear and a log axis); nil samples are where the line cannot be shown.
    private func samples(_ reference: ReferenceLine) -> [Point?] {
        switch reference.position {
        case .horizontal(let value):
            guard let v = frame.y.fraction(value) else { return [] }
            return [Point(x: 0, y: v), Point(x: 1, y: v)]
        case .vertical(let value):
            guard let u = frame.x.fraction(value) else { return [] }
            return [Point(x: u, y: 0), Point(x: u, y: 1)]
        case .identity:
            let count = frame.x.scale == frame.y.scale ? 2 : max(200, Int(frame.plot.width))
            return (0..<count).map { k -> Point? in
                let u = Double(k) / Double(count - 1)
                guard let v = frame.y.fraction(frame.x.value(atFraction: u)) else { return nil }
                return Point(x: u, y: v)
            }
        }
    }

    private func drawShading(_ reference: ReferenceLine, into svg: inout SVGBuilder) {
        if case .vertical = reference.position { return }
        let floor = -0.01
        // Where y = x cannot be shown on a log y axis (x ≤ 0) it lies below the plot: nothing to shade.
        let line = samples(reference)
        let count = max(line.count - 1, 1)
        let outline = line.enumerated().map { k, point -> Point in
            let u = point?.x ?? Double(k) / Double(count)
            return Point(x: u, y: min(max(point?.y ?? floor, floor), SeriesRenderer.farOutside))
        }
        guard let first = outline.first, let last = outline.last else { return }
        let polygon = outline + [Point(x: last.x, y: floor), Point(x: first.x, y: floor)]
        let pixels = polygon.map(frame.pixel)
        svg.element("polygon", [("class", "reference-shade"), ("points", pointList(pixels)), ("fill", "#9a9a9a"),
                                ("fill-opacity", "0.25"), ("stroke", "none"), frame.clipAttribute])
    }

    private mutating func draw(_ reference: ReferenceLine, into svg: inout SVGBuilder) {
        var attributes: [(String, String)] = [("fill", "none"), ("stroke", reference.color.hexString),
                                              ("stroke-width", "1.2")]
        if reference.dashed { attributes.append(("stroke-dasharray", "5 3")) }
        for polyline in LineGeometry.visiblePolylines(samples(reference)) {
            svg.element("polyline", [("class", "reference"), ("points", pointList(polyline.map(frame.pixel)))] + attributes)
        }
        if let label = reference.label {
            legendEntries.append(LegendEntry(label: label, color: reference.color,
                                             symbol: .reference(dashed: reference.dashed, shaded: reference.shadeBelow)))
        }
    }

    // MARK: Helpers

    private func pointList(_ pixels: [Point]) -> String {
        pixels.map { NumberText.c($0.x) + "," + NumberText.c($0.y) }.joined(separator: " ")
    }

    /// Records pixels along a polyline every ~8 px, so the legend avoids long straight segments too.
    private mutating func notePixels(along pixels: [Point]) {
        for (a, b) in zip(pixels, pixels.dropFirst()) {
            let length = hypot(b.x - a.x, b.y - a.y)
            let steps = max(1, Int(length / 8))
            for s in 0...steps {
                let t = Double(s) / Double(steps)
                occupiedPixels.append(Point(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)))
            }
        }
    }
}
