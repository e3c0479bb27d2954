import Foundation
import Kinetics
import LatentSimulator
import Plots

/// The HTML report of `lss validate`: the text summary and inline SVG plots, one self-contained file.
struct ValidationHTML {
    let report: ValidationReport
    let modelPath: String

    func write(to path: String) throws {
        var body = "<h1>LSS validation</h1><p>model: \(escape(modelPath)), lss \(escape(report.codeVersion))</p>"
        body += "<pre>\(escape(ValidationText.summary(report)))</pre>"
        for figure in figures() {
            if let svg = try? figure.svg() { body += "<div class=\"figure\">\(svg)</div>" }
        }
        let html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>LSS validation</title>
            <style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}pre{background:#f6f6f6;padding:1em;overflow-x:auto}.figure{margin:1em 0}</style>
            </head><body>\(body)</body></html>
            """
        try AtomicFile.write(Data(html.utf8), to: path)
    }

    func figures() -> [Figure] {
        var figures: [Figure] = []
        var panels: [Panel] = []
        if let p = report.latentProfile { panels.append(profilePanel(p)) }
        for u in report.userCoordinates where u.coordinates.count == 1 { panels.append(profilePanel(u)) }
        if !panels.isEmpty { figures.append(Figure(title: "Free energies, MD and LSS", width: 1000, height: 380, panels: panels)) }
        var surfaces: [Panel] = []
        for s in [report.latentSurface, report.structure?.dihedralFreeEnergy].compactMap({ $0 }) {
            surfaces.append(surfacePanel(s, model: false))
            surfaces.append(surfacePanel(s, model: true))
        }
        if !surfaces.isEmpty {
            figures.append(Figure(title: "Free-energy surfaces (MD left, LSS right)", width: 1000,
                                  height: 420 * Double((surfaces.count + 1) / 2), columns: 2, panels: surfaces))
        }
        let k = report.kinetics
        if !k.lags.isEmpty, let processes = k.mdTimescales.first?.count, processes > 0 {
            var layers: [Layer] = []
            for p in 0..<processes {
                layers.append(.line(LinePlot(x: k.lags, y: k.mdTimescales.map { value($0, p) }, label: "MD t\(p + 1)", markers: true)))
                layers.append(.line(LinePlot(x: k.lags, y: k.modelTimescales.map { value($0, p) }, label: "LSS t\(p + 1)",
                                             errors: .symmetric(k.modelTimescaleErrors.map { value($0, p).isFinite ? value($0, p) : 0 }),
                                             markers: true, dashed: true)))
            }
            layers.append(.reference(ReferenceLine(.identity, label: "t = τ", shadeBelow: true)))
            figures.append(Figure(title: "Implied time scales", width: 700, height: 420, panels: [
                Panel(x: Axis("lag τ", unit: "ps"), y: Axis("time scale", unit: "ps", scale: .log10), layers: layers)]))
        }
        return figures
    }

    private func value(_ row: [Double?], _ k: Int) -> Double { row.indices.contains(k) ? (row[k] ?? .nan) : .nan }

    private func profilePanel(_ f: FreeEnergyValidation) -> Panel {
        Panel(title: "F(\(f.coordinates[0]))", x: Axis(f.coordinates[0]), y: Axis("F", unit: "kT"), layers: [
            .line(LinePlot(x: f.centers[0], y: f.md.map { $0 ?? .infinity }, label: "MD")),
            .line(LinePlot(x: f.centers[0], y: f.model.map { $0 ?? .infinity }, label: "LSS", dashed: true)),
        ])
    }

    private func surfacePanel(_ f: FreeEnergyValidation, model: Bool) -> Panel {
        let xs = f.centers[0], ys = f.centers[1]
        let values = model ? f.model : f.md
        let rows = ys.indices.map { iy in xs.indices.map { ix in values[ix * ys.count + iy] ?? .infinity } }
        let dx = xs.count > 1 ? (xs[1] - xs[0]) / 2 : 0.5, dy = ys.count > 1 ? (ys[1] - ys[0]) / 2 : 0.5
        let xRange = (xs.first! - dx)...(xs.last! + dx), yRange = (ys.first! - dy)...(ys.last! + dy)
        return Panel(title: (model ? "LSS " : "MD ") + "F(\(f.coordinates.joined(separator: ", ")))",
                     x: Axis(f.coordinates[0], range: xRange), y: Axis(f.coordinates[1], range: yRange),
                     layers: [.heatmap(Heatmap(xRange: xRange, yRange: yRange, values: rows, colorbarLabel: "F (kT)",
                                               missingLabel: "unvisited"))])
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
