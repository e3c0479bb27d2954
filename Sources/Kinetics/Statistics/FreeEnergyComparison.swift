/// How a model's free energies are put on the reference's scale before the RMSE: free energies are
/// defined up to a constant.
public enum FreeEnergyAlignment: String, Sendable, CaseIterable {
    /// The constant that minimizes the RMSE over the compared bins: the mean of F_ref − F_model
    /// there (DESIGN.md §9). The default.
    case leastSquaresShift
    /// Both minima at the same value (the minimum over all bins of each surface): the issue's
    /// wording, "aligned at the minima".
    case minima
}

/// The free-energy RMSE of a model against a reference on the same bins (DESIGN.md §9).
///
/// Bins compared: those where the reference lies less than `cutoff` kT above its own minimum
/// (default 4 kT). Among them, bins the model never visits (F_model = +∞) cannot enter an RMSE;
/// they are counted and listed in `binsUnvisitedByModel`, never silently dropped, and the RMSE is
/// over the rest. If the model visits none of them, the RMSE is +∞.
public struct FreeEnergyComparison: Sendable, Equatable {
    /// √(mean (F_model + shift − F_ref)²) over `comparedBins`, in the energy unit of the inputs.
    public let rmse: Double
    /// The constant added to the model's values.
    public let shift: Double
    public let alignment: FreeEnergyAlignment
    /// Bins where the reference is below the cutoff.
    public let referenceBins: Int
    /// Reference bins also visited by the model: the bins in the RMSE.
    public let comparedBins: Int
    /// Indices of reference bins that the model never visits.
    public let binsUnvisitedByModel: [Int]

    /// Compares free energies per bin (+∞ = unvisited; any constant offset) in the same energy unit
    /// as `kT`. `cutoff` is in units of kT.
    public init(model: [Double], reference: [Double], kT: Double, cutoff: Double = 4,
                alignment: FreeEnergyAlignment = .leastSquaresShift) throws {
        try ThermalEnergy.check(kT)
        guard model.count == reference.count else {
            throw KineticsError(.mismatch, "free-energy RMSE: the model has \(model.count) bins and the reference "
                                    + "\(reference.count); compute both on the same bins")
        }
        guard cutoff > 0, cutoff.isFinite else {
            throw KineticsError(.invalidArgument, "free-energy RMSE: the cutoff must be a positive number of kT, got \(cutoff)")
        }
        for (name, values) in [("model", model), ("reference", reference)] {
            if let bad = values.firstIndex(where: { $0.isNaN || $0 == -.infinity }) {
                throw KineticsError(.invalidArgument, "free-energy RMSE: \(name) bin \(bad) is \(values[bad]); "
                                        + "free energies must be finite or +∞ for unvisited bins")
            }
        }
        let referenceMinimum = reference.min() ?? .infinity
        guard referenceMinimum.isFinite else {
            throw KineticsError(.insufficientData, "free-energy RMSE: the reference visits no bin")
        }
        let selected = reference.indices.filter { reference[$0] - referenceMinimum < cutoff * kT }
        let compared = selected.filter { model[$0].isFinite }
        let shift: Double
        switch alignment {
        case .leastSquaresShift:
            shift = compared.isEmpty ? 0 : compared.reduce(0) { $0 + reference[$1] - model[$1] } / Double(compared.count)
        case .minima:
            let modelMinimum = model.min() ?? .infinity
            shift = modelMinimum.isFinite ? referenceMinimum - modelMinimum : 0
        }
        var squares = 0.0
        for i in compared {
            let d = model[i] + shift - reference[i]
            squares += d * d
        }
        self.rmse = compared.isEmpty ? .infinity : (squares / Double(compared.count)).squareRoot()
        self.shift = shift
        self.alignment = alignment
        self.referenceBins = selected.count
        self.comparedBins = compared.count
        self.binsUnvisitedByModel = selected.filter { !model[$0].isFinite }
    }

    /// Compares two profiles on the same axis and at the same kT.
    public init(model: FreeEnergyProfile, reference: FreeEnergyProfile, cutoff: Double = 4,
                alignment: FreeEnergyAlignment = .leastSquaresShift) throws {
        try DistributionDistance.checkAxes([model.axis], [reference.axis])
        try Self.checkSameKT(model.kT, reference.kT)
        try self.init(model: model.values, reference: reference.values, kT: reference.kT, cutoff: cutoff,
                      alignment: alignment)
    }

    /// Compares two surfaces on the same axes and at the same kT.
    public init(model: FreeEnergySurface, reference: FreeEnergySurface, cutoff: Double = 4,
                alignment: FreeEnergyAlignment = .leastSquaresShift) throws {
        try DistributionDistance.checkAxes([model.xAxis, model.yAxis], [reference.xAxis, reference.yAxis])
        try Self.checkSameKT(model.kT, reference.kT)
        try self.init(model: model.values, reference: reference.values, kT: reference.kT, cutoff: cutoff,
                      alignment: alignment)
    }

    private static func checkSameKT(_ a: Double, _ b: Double) throws {
        guard abs(a - b) <= 1e-12 * max(abs(a), abs(b)) else {
            throw KineticsError(.mismatch, "free-energy RMSE: the model was computed at kT = \(a) and the reference "
                                    + "at kT = \(b); use the same temperature and unit for both")
        }
    }
}
