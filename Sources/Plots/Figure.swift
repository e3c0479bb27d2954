import Foundation

/// A figure of one or more panels, rendered to a self-contained SVG document.
///
/// Implied time scales of an MSM against the lag time, on a log y axis with 95 % confidence bands,
/// and the lag line t = τ with the unresolvable region below it shaded:
/// ```swift
/// let lags: [Double] = [1, 2, 5, 10, 20, 50]                      // ps
/// let slowest: [Double] = [812, 905, 951, 968, 975, 980]           // ps, one per lag
/// let panel = Panel(
///     title: "Implied time scales",
///     x: Axis("lag time τ", unit: "ps"),
///     y: Axis("time scale t", unit: "ps", scale: .log10),
///     layers: [
///         .line(LinePlot(x: lags, y: slowest, label: "t₁",
///                        errors: .bounds(lower: slowest.map { $0 * 0.9 }, upper: slowest.map { $0 * 1.1 }),
///                        errorStyle: .band, markers: true)),
///         .reference(ReferenceLine(.identity, label: "t = τ", shadeBelow: true)),
///     ])
/// try Figure(title: "alanine dipeptide, φ/ψ MSM", panels: [panel]).write(to: "its.svg")
/// ```
///
/// A free-energy surface F(φ, ψ) in kT on 36 × 36 bins, unvisited bins (+∞) left grey:
/// ```swift
/// let surface: [[Double]] = ...                                   // surface[ψ bin][φ bin]
/// let fes = Panel(
///     x: Axis("φ", unit: "°", range: -180...180), y: Axis("ψ", unit: "°", range: -180...180),
///     layers: [.heatmap(Heatmap(xRange: -180...180, yRange: -180...180, values: surface,
///                               colorbarLabel: "F (kT)", missingLabel: "unvisited"))])
/// let svg = try Figure(width: 560, height: 480, panels: [fes]).svg()
/// ```
public struct Figure: Sendable {
    public var title: String?
    /// Size in pixels (SVG user units), for all panels together.
    public var width: Double
    public var height: Double
    /// Panels per row; nil puts up to three side by side and wraps beyond.
    public var columns: Int?
    public var panels: [Panel]

    public init(title: String? = nil, width: Double = 720, height: Double = 480, columns: Int? = nil,
                panels: [Panel]) {
        self.title = title
        self.width = width
        self.height = height
        self.columns = columns
        self.panels = panels
    }

    /// Draws the figure. Throws `PlotError` for inconsistent input (x and y of different lengths,
    /// a heatmap whose grid does not match its edges, an empty or non-positive log range, ...).
    public func render() throws -> RenderedFigure {
        try FigureRenderer(figure: self).render()
    }

    /// The SVG document: `<svg ...>...</svg>` with a viewBox and no external resources, valid both
    /// as a file and inline in HTML.
    public func svg() throws -> String { try render().svg }

    /// Renders and writes the SVG to `path` atomically (a temporary file in the same directory,
    /// then a rename), so a reader never sees half a figure.
    @discardableResult
    public func write(to path: String) throws -> RenderedFigure {
        let rendered = try render()
        try AtomicFile.write(Data(rendered.svg.utf8), to: path)
        return rendered
    }
}

/// A rendered figure and what could not be drawn.
public struct RenderedFigure: Sendable {
    public var svg: String
    /// Data points left out because x or y was NaN or ±∞.
    public var omittedNonFinite: Int
    /// Data points left out because a value on a log axis was ≤ 0.
    public var omittedNonPositive: Int
}

enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw PlotError("cannot write the figure to \(path): \(error.localizedDescription); check that the directory exists and is writable")
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw PlotError("cannot move the figure into place at \(path): \(reason)")
        }
    }
}
