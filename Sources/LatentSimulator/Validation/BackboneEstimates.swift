import Foundation

/// The three regions of a residue's Ramachandran plot whose populations a model is asked for, with
/// boundaries on the barriers of alanine dipeptide's F(φ, ψ): β (C7eq and C5), αR, and φ > 0
/// (C7ax and αL, the rare side in vacuum). Angles in degrees, [-180, 180).
public enum RamachandranRegion: String, CaseIterable, Codable, Sendable {
    case beta = "β (C7eq/C5)"
    case alphaR = "αR"
    case positivePhi = "φ > 0"

    public func contains(phi: Double, psi: Double) -> Bool {
        let alpha = phi < 0 && psi > -125 && psi <= 25
        switch self {
        case .beta: return phi < 0 && !alpha
        case .alphaR: return alpha
        case .positivePhi: return phi >= 0
        }
    }
}

/// Model estimates of backbone quantities with honest error bars, against MD, for the data-poor
/// regime: each comes with an interval, or with a caveat saying in plain words why these data
/// cannot resolve it.
public enum BackboneEstimates {
    /// Fewer entries than this into a region and the MD's population of it is a count of a few
    /// visits, not an estimate.
    public static let minimumEntries = 10

    /// Region populations of one φ/ψ pair.
    /// - MD: the mean over five blocks (contiguous fifths of every trajectory), standard error.
    /// - Model: the mean over ensemble members; the error combines the members' spread with the
    ///   decoder's own shift, measured by decoding MD's latent points (`decodedMD`) and comparing
    ///   with MD: members share one decoder, so their spread alone would hide its bias.
    public static func populations(md: (phi: [[Double]], psi: [[Double]]), model: (phi: [[Double]], psi: [[Double]]),
                            memberOf: [Int], decodedMD: (phi: [[Double]], psi: [[Double]])?) -> [EstimateComparison] {
        RamachandranRegion.allCases.map { region in
            let inside = { (phi: [Double], psi: [Double]) in zip(phi, psi).map { region.contains(phi: $0, psi: $1) } }
            let mdInside = zip(md.phi, md.psi).map(inside)
            let blocks = (0..<5).map { b in fraction(mdInside.flatMap { piece($0, b, of: 5) }) }
            let modelInside = zip(model.phi, model.psi).map(inside)
            let members = Dictionary(grouping: modelInside.indices, by: { memberOf[$0] }).sorted { $0.key < $1.key }
                .map { fraction($0.value.flatMap { modelInside[$0] }) }
            var modelEstimate = Estimate(samples: members, standardError: false)
            if let decodedMD, members.count > 1 {
                let shift = abs(fraction(zip(decodedMD.phi, decodedMD.psi).flatMap(inside)) - fraction(mdInside.flatMap { $0 }))
                let spread = modelEstimate.error ?? 0
                modelEstimate.error = (spread * spread + shift * shift).squareRoot()
            }
            var comparison = EstimateComparison(name: "population \(region.rawValue)",
                                                md: Estimate(samples: blocks, standardError: true), model: modelEstimate)
            var reasons: [String] = []
            let entries = mdInside.reduce(0) { $0 + entryCount($1) }
            if entries < minimumEntries {
                reasons.append("the MD enters this region \(entries) time\(entries == 1 ? "" : "s") (fewer than \(minimumEntries))")
            }
            if members.count < 2 { reasons.append("one ensemble member gives no spread") }
            if let error = modelEstimate.error, error > 0.5 * modelEstimate.value {
                reasons.append("the model's uncertainty (members and decoder) exceeds half the value")
            }
            comparison.caveat = reasons.isEmpty ? nil : "not resolved from these data: " + reasons.joined(separator: "; ")
            return comparison
        }
    }

    /// Decorrelation times (`TorsionDecorrelation`) of one torsion: MD over five blocks, the model
    /// over ensemble members. The model's frames are one MDN step apart and every decoded frame
    /// draws fresh noise, so motion faster than a few steps is the decoder's, not learned dynamics.
    public static func decorrelation(name: String, md: [[Double]], model: [[Double]], memberOf: [Int],
                              frameInterval: Double, step: Double) -> EstimateComparison {
        let blocks = (0..<5).compactMap { b in TorsionDecorrelation.time(md.map { piece($0, b, of: 5) }, spacing: frameInterval) }
        let members = Dictionary(grouping: model.indices, by: { memberOf[$0] }).sorted { $0.key < $1.key }
            .compactMap { TorsionDecorrelation.time($0.value.map { model[$0] }, spacing: step) }
        var comparison = EstimateComparison(name: "decorrelation \(name)", md: Estimate(samples: blocks, standardError: true),
                                            model: Estimate(samples: members, standardError: false))
        var reasons: [String] = []
        let mdTime = Double(md.reduce(0) { $0 + $1.count }) * frameInterval
        if blocks.count < 5 { reasons.append("\(5 - blocks.count) of 5 MD blocks never decorrelate") }
        if comparison.md.value.isFinite, mdTime < 20 * comparison.md.value {
            reasons.append("the MD holds fewer than 20 decorrelation times")
        }
        if min(comparison.md.value, comparison.model.value) < 5 * step {
            reasons.append("it spans fewer than five MDN steps (\(String(format: "%g", step)) ps each), so the decoder's "
                           + "frame-to-frame noise, not the learned dynamics, sets the model's value")
        }
        if members.count < 2 { reasons.append("fewer than two ensemble members decorrelate") }
        comparison.caveat = reasons.isEmpty ? nil : "not resolved from these data: " + reasons.joined(separator: "; ")
        return comparison
    }

    static func fraction(_ flags: [Bool]) -> Double {
        flags.isEmpty ? .nan : Double(flags.count { $0 }) / Double(flags.count)
    }

    /// Times the series goes from outside to inside (a start inside counts once).
    public static func entryCount(_ flags: [Bool]) -> Int {
        var count = 0, previous = false
        for f in flags { if f && !previous { count += 1 }; previous = f }
        return count
    }

    /// The b-th of `parts` contiguous pieces of a series.
    static func piece<T>(_ values: [T], _ b: Int, of parts: Int) -> [T] {
        let n = values.count
        return Array(values[(b * n / parts)..<((b + 1) * n / parts)])
    }
}
