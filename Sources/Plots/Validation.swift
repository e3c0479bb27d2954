/// Checks a figure before drawing, so that inconsistent input becomes a `PlotError` that names the
/// panel and layer instead of a silently wrong picture.
enum Validation {
    static func check(_ figure: Figure) throws {
        guard !figure.panels.isEmpty else { throw PlotError("the figure has no panels: add at least one Panel") }
        guard figure.width.isFinite, figure.height.isFinite, figure.width >= 100, figure.height >= 100 else {
            throw PlotError("figure size \(figure.width) × \(figure.height) is too small: use at least 100 × 100 pixels")
        }
        if let columns = figure.columns, columns < 1 {
            throw PlotError("figure columns must be at least 1, not \(columns)")
        }
        for (index, panel) in figure.panels.enumerated() {
            let where_ = "panel \(index + 1)" + (panel.title.map { " (\"\($0)\")" } ?? "")
            try check(panel.x, name: "x axis", in: where_)
            try check(panel.y, name: "y axis", in: where_)
            var heatmaps = 0
            for (layerIndex, layer) in panel.layers.enumerated() {
                let context = "\(where_), layer \(layerIndex + 1)"
                switch layer {
                case .line(let line):
                    try check(line, in: context + (line.label.map { " (\"\($0)\")" } ?? ""))
                case .scatter(let scatter):
                    guard scatter.x.count == scatter.y.count else {
                        throw PlotError("\(context): scatter x has \(scatter.x.count) values but y has \(scatter.y.count)")
                    }
                    guard scatter.radius.isFinite, scatter.radius > 0 else {
                        throw PlotError("\(context): scatter radius must be a positive number, not \(scatter.radius)")
                    }
                case .reference(let reference):
                    switch reference.position {
                    case .horizontal(let value), .vertical(let value):
                        guard value.isFinite else { throw PlotError("\(context): a reference line needs a finite position, not \(value)") }
                    case .identity: break
                    }
                case .heatmap(let heatmap):
                    heatmaps += 1
                    guard heatmaps == 1 else { throw PlotError("\(where_): at most one heatmap per panel; put the others in their own panels") }
                    try check(heatmap, in: context)
                }
            }
        }
    }

    private static func check(_ axis: Axis, name: String, in context: String) throws {
        guard let range = axis.range else { return }
        guard range.lowerBound.isFinite, range.upperBound.isFinite, range.lowerBound < range.upperBound else {
            throw PlotError("\(context): the \(name) range \(range) must be finite and not empty")
        }
        if axis.scale == .log10 && range.lowerBound <= 0 {
            throw PlotError("\(context): the \(name) is logarithmic, so its range must be positive, not \(range)")
        }
    }

    private static func check(_ line: LinePlot, in context: String) throws {
        guard line.x.count == line.y.count else {
            throw PlotError("\(context): x has \(line.x.count) values but y has \(line.y.count)")
        }
        guard line.lineWidth.isFinite, line.lineWidth > 0 else {
            throw PlotError("\(context): line width must be a positive number, not \(line.lineWidth)")
        }
        switch line.errors {
        case .none: break
        case .symmetric(let deltas):
            guard deltas.count == line.y.count else {
                throw PlotError("\(context): \(deltas.count) error values for \(line.y.count) points")
            }
        case .bounds(let lower, let upper):
            guard lower.count == line.y.count, upper.count == line.y.count else {
                throw PlotError("\(context): \(lower.count) lower and \(upper.count) upper bounds for \(line.y.count) points")
            }
        }
    }

    private static func check(_ heatmap: Heatmap, in context: String) throws {
        for (name, edges) in [("xEdges", heatmap.xEdges), ("yEdges", heatmap.yEdges)] {
            guard edges.count >= 2 else { throw PlotError("\(context): heatmap \(name) needs at least 2 values, has \(edges.count)") }
            guard edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw PlotError("\(context): heatmap \(name) must be finite and strictly increasing")
            }
        }
        let rows = heatmap.yEdges.count - 1, columns = heatmap.xEdges.count - 1
        guard heatmap.values.count == rows else {
            throw PlotError("\(context): heatmap has \(heatmap.values.count) rows of values but \(rows) y bins (values[row][column], rows along y)")
        }
        for (row, values) in heatmap.values.enumerated() where values.count != columns {
            throw PlotError("\(context): heatmap row \(row) has \(values.count) values but there are \(columns) x bins")
        }
        if let range = heatmap.valueRange {
            guard range.lowerBound.isFinite, range.upperBound.isFinite, range.lowerBound < range.upperBound else {
                throw PlotError("\(context): heatmap value range \(range) must be finite and not empty")
            }
        }
    }
}
