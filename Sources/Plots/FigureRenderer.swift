/// Lays panels out on a grid under the figure title and assembles the SVG document.
struct FigureRenderer {
    let figure: Figure

    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
    static let titleHeight = 34.0
    /// Stands for the figure's id prefix while drawing. Element ids (clip paths, gradients) must be
    /// unique in an HTML page that embeds several figures inline, so the prefix is a hash of the
    /// drawn document: deterministic, and different for different figures.
    static let idToken = "LSSFIGUREID"

    func render() throws -> RenderedFigure {
        try Validation.check(figure)
        let count = figure.panels.count
        let columns = min(count, figure.columns ?? min(count, 3))
        let rows = (count + columns - 1) / columns
        let top = figure.title == nil ? 0 : FigureRenderer.titleHeight
        let cellWidth = figure.width / Double(columns)
        let cellHeight = (figure.height - top) / Double(rows)

        var svg = SVGBuilder()
        let size = [("width", NumberText.c(figure.width)), ("height", NumberText.c(figure.height))]
        svg.open("svg", [("xmlns", "http://www.w3.org/2000/svg")] + size + [
            ("viewBox", "0 0 \(NumberText.c(figure.width)) \(NumberText.c(figure.height))"),
            ("font-family", FigureRenderer.fontFamily), ("font-size", "11"), ("fill", "#222222"),
            ("role", "img"),
        ])
        if let title = figure.title { svg.textElement([], content: title, name: "title") }
        svg.element("rect", [("width", "100%"), ("height", "100%"), ("fill", "#ffffff")])
        if let title = figure.title {
            svg.textElement([("class", "figure-title"), ("x", NumberText.c(figure.width / 2)), ("y", "23"),
                             ("text-anchor", "middle"), ("font-size", "16")], content: title)
        }
        var nonFinite = 0, nonPositive = 0
        for (index, panel) in figure.panels.enumerated() {
            let cell = Rect(x: Double(index % columns) * cellWidth, y: top + Double(index / columns) * cellHeight,
                            width: cellWidth, height: cellHeight)
            let counts = PanelRenderer(panel: panel, index: index, cell: cell).render(into: &svg)
            nonFinite += counts.nonFinite
            nonPositive += counts.nonPositive
        }
        svg.close("svg")
        let document = svg.text.replacingOccurrences(of: FigureRenderer.idToken, with: "fig" + fnv1a(svg.text))
        return RenderedFigure(svg: document, omittedNonFinite: nonFinite, omittedNonPositive: nonPositive)
    }
}

/// 64-bit FNV-1a of the UTF-8 text, as 16 hex digits.
private func fnv1a(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
