/// Where a panel's legend goes.
public enum LegendPlacement: Sendable {
    /// The inside corner that covers the fewest data points.
    case automatic
    case topLeft, topRight, bottomLeft, bottomRight
    case hidden
}

/// One set of axes with its layers.
public struct Panel: Sendable {
    public var title: String?
    public var x: Axis
    public var y: Axis
    public var layers: [Layer]
    public var legend: LegendPlacement
    /// Light grid lines at the major ticks.
    public var grid: Bool

    public init(title: String? = nil, x: Axis, y: Axis, layers: [Layer] = [],
                legend: LegendPlacement = .automatic, grid: Bool = false) {
        self.title = title
        self.x = x
        self.y = y
        self.layers = layers
        self.legend = legend
        self.grid = grid
    }
}

/// A figure that cannot be drawn as described; the message names the panel and layer.
public struct PlotError: Error, CustomStringConvertible, Sendable {
    public var problem: String

    public init(_ problem: String) { self.problem = problem }

    public var description: String { problem }
}
