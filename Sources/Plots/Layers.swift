/// The uncertainty of each y value of a line.
public enum ErrorExtent: Sendable {
    /// y ± delta (e.g. one standard error); one non-negative delta per point.
    case symmetric([Double])
    /// Absolute lower and upper bounds per point (e.g. a 95 % confidence interval), which need not
    /// be symmetric about y.
    case bounds(lower: [Double], upper: [Double])
}

/// How an `ErrorExtent` is drawn.
public enum ErrorStyle: Sendable {
    /// Vertical bars with caps.
    case bars
    /// A translucent band between the bounds, in the line's colour.
    case band
}

/// A line through (x, y) points in order. Points where x or y is NaN or ±∞ (or ≤ 0 on a log axis)
/// are left out and the line breaks there.
public struct LinePlot: Sendable {
    public var x: [Double]
    public var y: [Double]
    /// The legend entry; nil keeps the line out of the legend.
    public var label: String?
    /// nil takes the next Okabe-Ito colour of the panel.
    public var color: Color?
    public var errors: ErrorExtent?
    public var errorStyle: ErrorStyle
    /// A circle at every point.
    public var markers: Bool
    public var dashed: Bool
    /// Stroke width in pixels.
    public var lineWidth: Double

    public init(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                errors: ErrorExtent? = nil, errorStyle: ErrorStyle = .band, markers: Bool = false,
                dashed: Bool = false, lineWidth: Double = 1.75) {
        self.x = x
        self.y = y
        self.label = label
        self.color = color
        self.errors = errors
        self.errorStyle = errorStyle
        self.markers = markers
        self.dashed = dashed
        self.lineWidth = lineWidth
    }
}

/// Unconnected points. Points that cannot be shown are skipped and counted.
public struct ScatterPlot: Sendable {
    public var x: [Double]
    public var y: [Double]
    public var label: String?
    public var color: Color?
    /// Marker radius in pixels.
    public var radius: Double
    /// Fill opacity, below 1 for dense clouds where overlap should show.
    public var opacity: Double

    public init(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                radius: Double = 3, opacity: Double = 1) {
        self.x = x
        self.y = y
        self.label = label
        self.color = color
        self.radius = radius
        self.opacity = opacity
    }
}

/// A guide line across the whole panel.
public struct ReferenceLine: Sendable {
    public enum Position: Sendable {
        /// y = value.
        case horizontal(Double)
        /// x = value.
        case vertical(Double)
        /// y = x, drawn correctly on any combination of linear and log axes: the lag line t = τ of
        /// an implied-time-scale plot.
        case identity
    }

    public var position: Position
    public var label: String?
    public var color: Color
    public var dashed: Bool
    /// Shades the region below the line in grey (for `identity`: the time scales shorter than the
    /// lag, which an MSM at that lag cannot resolve). Ignored for vertical lines.
    public var shadeBelow: Bool

    public init(_ position: Position, label: String? = nil, color: Color = .darkGray, dashed: Bool = true,
                shadeBelow: Bool = false) {
        self.position = position
        self.label = label
        self.color = color
        self.dashed = dashed
        self.shadeBelow = shadeBelow
    }
}

/// A 2-D grid of values drawn as coloured cells with a colour bar, e.g. a free-energy surface.
/// Cells whose value is +∞ or NaN (unvisited bins) are drawn in light grey and named in a key
/// under the colour bar, never coloured as a value.
public struct Heatmap: Sendable {
    /// Cell boundaries along x, ascending: one more than the number of columns.
    public var xEdges: [Double]
    /// Cell boundaries along y, ascending: one more than the number of rows.
    public var yEdges: [Double]
    /// values[row][column]: row j spans yEdges[j]...yEdges[j+1], column i spans xEdges[i]...xEdges[i+1].
    /// (numpy's histogram2d(x, y) returns H[i][j] indexed by x first: transpose it.)
    public var values: [[Double]]
    /// The colour bar's label, e.g. "F (kT)".
    public var colorbarLabel: String
    /// Values mapped to the bottom and top of the colour scale; nil uses the finite minimum and
    /// maximum. Values outside are drawn in the end colours.
    public var valueRange: ClosedRange<Double>?
    public var colormap: Colormap
    /// The key for cells without a finite value.
    public var missingLabel: String

    public init(xEdges: [Double], yEdges: [Double], values: [[Double]], colorbarLabel: String = "",
                valueRange: ClosedRange<Double>? = nil, colormap: Colormap = .viridis,
                missingLabel: String = "no data") {
        self.xEdges = xEdges
        self.yEdges = yEdges
        self.values = values
        self.colorbarLabel = colorbarLabel
        self.valueRange = valueRange
        self.colormap = colormap
        self.missingLabel = missingLabel
    }

    /// Evenly spaced cells covering `xRange` × `yRange`, with the grid's shape taken from `values`.
    public init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, values: [[Double]],
                colorbarLabel: String = "", valueRange: ClosedRange<Double>? = nil,
                colormap: Colormap = .viridis, missingLabel: String = "no data") {
        let rows = values.count, columns = values.first?.count ?? 0
        func edges(_ range: ClosedRange<Double>, _ count: Int) -> [Double] {
            let width = range.upperBound - range.lowerBound
            return (0...count).map { range.lowerBound + width * Double($0) / Double(max(count, 1)) }
        }
        self.init(xEdges: edges(xRange, columns), yEdges: edges(yRange, rows), values: values,
                  colorbarLabel: colorbarLabel, valueRange: valueRange, colormap: colormap,
                  missingLabel: missingLabel)
    }
}

/// One drawable element of a panel. Layers are drawn in order, except that heatmaps always go
/// underneath and reference lines on top.
public enum Layer: Sendable {
    case line(LinePlot)
    case scatter(ScatterPlot)
    case reference(ReferenceLine)
    case heatmap(Heatmap)
}
