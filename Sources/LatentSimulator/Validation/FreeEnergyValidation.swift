import Kinetics

/// A free energy (in kT) from MD and from the model on the same bins, their RMSE by the DESIGN.md §9
/// rule, and the RMSE of each ensemble member's own trajectories (its spread is the model's error).
public struct FreeEnergyValidation: Codable, Sendable {
    public var coordinates: [String]
    /// Bin centres of each axis.
    public var centers: [[Double]]
    /// F/kT per bin (x-major for two axes); +∞ (encoded as nil) where unvisited.
    public var md: [Double?]
    public var model: [Double?]
    public var rmse: Double
    public var memberRMSE: [Double]
    public var comparedBins: Int
    /// Bins where MD's F < 4 kT that the model never visits: counted, never dropped silently.
    public var binsUnvisitedByModel: Int

    /// One coordinate: `md` and `model` are per-trajectory series; `members[k]` the series of member k.
    static func profile(name: String, md: [[Double]], model: [[Double]], members: [[[Double]]],
                        axis: HistogramAxis) throws -> FreeEnergyValidation {
        let reference = try FreeEnergyProfile(md, axis: axis, kT: 1, blocks: 2)
        let pooled = try FreeEnergyProfile(model, axis: axis, kT: 1, blocks: 2)
        let comparison = try FreeEnergyComparison(model: pooled, reference: reference)
        let memberRMSE = members.compactMap { series in
            (try? FreeEnergyProfile(series, axis: axis, kT: 1, blocks: 2)).flatMap {
                try? FreeEnergyComparison(model: $0, reference: reference).rmse
            }
        }
        return FreeEnergyValidation(coordinates: [name], centers: [axis.centers], md: reference.values.map(finite),
                                    model: pooled.values.map(finite), rmse: comparison.rmse, memberRMSE: memberRMSE,
                                    comparedBins: comparison.comparedBins,
                                    binsUnvisitedByModel: comparison.binsUnvisitedByModel.count)
    }

    /// Two coordinates (x, y), each given as per-trajectory series.
    static func surface(names: [String], md: (x: [[Double]], y: [[Double]]), model: (x: [[Double]], y: [[Double]]),
                        members: [(x: [[Double]], y: [[Double]])], axes: (HistogramAxis, HistogramAxis)) throws
        -> FreeEnergyValidation {
        let reference = try FreeEnergySurface(x: md.x, y: md.y, xAxis: axes.0, yAxis: axes.1, kT: 1, blocks: 2)
        let pooled = try FreeEnergySurface(x: model.x, y: model.y, xAxis: axes.0, yAxis: axes.1, kT: 1, blocks: 2)
        let comparison = try FreeEnergyComparison(model: pooled, reference: reference)
        let memberRMSE = members.compactMap { series in
            (try? FreeEnergySurface(x: series.x, y: series.y, xAxis: axes.0, yAxis: axes.1, kT: 1, blocks: 2)).flatMap {
                try? FreeEnergyComparison(model: $0, reference: reference).rmse
            }
        }
        return FreeEnergyValidation(coordinates: names, centers: [axes.0.centers, axes.1.centers],
                                    md: reference.values.map(finite), model: pooled.values.map(finite),
                                    rmse: comparison.rmse, memberRMSE: memberRMSE, comparedBins: comparison.comparedBins,
                                    binsUnvisitedByModel: comparison.binsUnvisitedByModel.count)
    }
}

func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
