import Kinetics
import Plots

/// Free-energy profiles and surfaces as plot panels, shared by `analyze fes` and `analyze tica`.
enum FreeEnergyFigures {
    /// A 1-D profile with its block standard error as a band; unvisited bins leave gaps.
    static func profilePanel(_ profile: FreeEnergyProfile, label: String, unit: String? = nil,
                             energyUnit: String = "kT") -> Panel {
        let errors = zip(profile.values, profile.standardErrors).map { value, error in
            value.isFinite && error.isFinite ? error : 0
        }
        return Panel(title: "Free energy", x: Axis(label, unit: unit, range: profile.axis.lower...profile.axis.upper),
                     y: Axis("F", unit: energyUnit),
                     layers: [.line(LinePlot(x: profile.axis.centers, y: profile.values, label: nil,
                                             errors: .symmetric(errors), errorStyle: .band))])
    }

    /// A 2-D surface as a heatmap (rows along y), unvisited bins in grey.
    static func heatmap(_ surface: FreeEnergySurface, energyUnit: String = "kT") -> Heatmap {
        let nx = surface.xAxis.bins, ny = surface.yAxis.bins
        // FreeEnergySurface stores x-major (ix · ny + iy); the heatmap wants values[row = iy][column = ix].
        let rows = (0..<ny).map { iy in (0..<nx).map { ix in surface.values[ix * ny + iy] } }
        return Heatmap(xRange: surface.xAxis.lower...surface.xAxis.upper,
                       yRange: surface.yAxis.lower...surface.yAxis.upper, values: rows,
                       colorbarLabel: "F (\(energyUnit))", missingLabel: "unvisited")
    }
}
