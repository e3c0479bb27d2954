import Foundation
import LatentSimulator

/// The plain-text summary of a validation report.
enum ValidationText {
    static func summary(_ r: ValidationReport) -> String {
        let n = ReportPrinting.number
        var lines = ["MD: \(r.mdFrames) frames in \(r.mdTrajectories) trajectories (every \(n(r.frameInterval)) ps); "
                     + "model: \(r.syntheticTrajectories) × \(r.syntheticSteps) steps of \(n(r.step)) ps"]
        func fes(_ title: String, _ f: FreeEnergyValidation?) {
            guard let f else { return }
            let spread = Estimate(samples: f.memberRMSE, standardError: false).error
            lines.append("\(title): RMSE \(n(f.rmse)) kT" + (spread.map { " (members ± \(n($0)))" } ?? "")
                         + " over \(f.comparedBins) bins; \(f.binsUnvisitedByModel) bins below 4 kT never visited by the model")
        }
        fes("F(ψ1)", r.latentProfile)
        fes("F(ψ1, ψ2)", r.latentSurface)
        fes("F(φ, ψ) of decoded structures", r.structure?.dihedralFreeEnergy)
        fes("F(φ, ψ) of MD's latent points decoded (decoder alone)", r.structure?.decoderOnlyDihedralFreeEnergy)
        for u in r.userCoordinates { fes("F(\(u.coordinates.joined(separator: ", ")))", u) }

        lines.append("")
        lines.append(ReportPrinting.table(
            ["relaxation time (ps)", "MD", "± s.e.", "LSS", "± members", "difference", "within 2σ"],
            r.kinetics.relaxationTimes.map { c in
                [c.name, n(c.md.value), n(c.md.error), n(c.model.value), n(c.model.error),
                 c.relativeDifference.map { String(format: "%+.0f%%", 100 * $0) } ?? "-",
                 c.withinTwoSigma.map { $0 ? "yes" : "no" } ?? "-"]
            }))
        for c in r.kinetics.relaxationTimes { if let caveat = c.caveat { lines.append("  \(c.name): \(caveat)") } }
        for p in r.kinetics.relaxationProblems { lines.append("  not estimated: \(p)") }
        if !r.kinetics.lags.isEmpty {
            lines.append("")
            let processes = r.kinetics.mdTimescales.first?.count ?? 0
            lines.append(ReportPrinting.table(
                ["lag (ps)"] + (0..<processes).flatMap { ["MD t\($0 + 1)", "LSS t\($0 + 1)"] },
                r.kinetics.lags.enumerated().map { l, lag in
                    [n(lag)] + (0..<processes).flatMap { k in
                        [n(r.kinetics.mdTimescales[l].indices.contains(k) ? r.kinetics.mdTimescales[l][k] : nil),
                         n(r.kinetics.modelTimescales[l].indices.contains(k) ? r.kinetics.modelTimescales[l][k] : nil)]
                    }
                }))
        }
        if let ck = r.kinetics.chapmanKolmogorov {
            lines.append("Chapman-Kolmogorov (model's one-step MSM vs MD at k × \(n(ck.lag)) ps, k ≤ \(ck.steps.count)): "
                         + "largest deviation \(n(ck.largestDeviation))")
        }
        for p in r.kinetics.problems { lines.append("  \(p)") }
        if let s = r.structure {
            lines.append("")
            lines.append(ReportPrinting.table(["torsion", "JS divergence", "MD decorrelation (ps)", "LSS decorrelation (ps)"],
                                              s.torsions.map { [$0.name, n($0.jensenShannon), n($0.mdDecorrelation), n($0.modelDecorrelation)] }))
            let estimates = s.populations + s.decorrelationTimes
            if !estimates.isEmpty {
                lines.append(ReportPrinting.table(
                    ["backbone estimate", "MD", "± s.e.", "LSS", "± members, decoder", "within 2σ"],
                    estimates.map { c in
                        [c.name, n(c.md.value), n(c.md.error), n(c.model.value), n(c.model.error),
                         c.withinTwoSigma.map { $0 ? "yes" : "no" } ?? "-"]
                    }))
                for c in estimates { if let caveat = c.caveat { lines.append("  \(c.name): \(caveat)") } }
            }
            lines.append("Rg: MD \(n(s.radiusOfGyration.mdMean)) ± \(n(s.radiusOfGyration.mdDeviation)) nm, LSS "
                         + "\(n(s.radiusOfGyration.modelMean)) ± \(n(s.radiusOfGyration.modelDeviation)) nm, JS \(n(s.radiusOfGyration.jensenShannon))")
            lines.append("RMSD to reference: MD \(n(s.rmsd.mdMean)) nm, LSS \(n(s.rmsd.modelMean)) nm, JS \(n(s.rmsd.jensenShannon))")
            lines.append("bonds: \(s.bondsOffByMoreThanMDFluctuation) of \(s.bonds.count) off MD's mean by more than MD's own fluctuation"
                         + (s.bondsCalibrated == true ? " (lengths calibrated to the training MD; lss train reports the generator's own)" : ""))
            lines.append("clashes: MD \(n(100 * s.md.clashFraction))%, LSS \(n(100 * s.model.clashFraction))%; mirror images: "
                         + "MD \(n(100 * s.md.mirrorFraction))%, LSS \(n(100 * s.model.mirrorFraction))%"
                         + (s.redrawnFraction.map { "; \(n(100 * $0))% of decoded frames clashed or inverted a chiral centre and were redrawn" } ?? ""))
            for p in s.problems { lines.append("  \(p)") }
        }
        if let v = r.novelty {
            lines.append("novelty (windows of \(v.window) steps): nearest-training distance median \(n(v.median)), "
                         + "10th percentile \(n(v.tenthPercentile))"
                         + (v.baselineMedian.map { "; independent MD: median \(n($0))" } ?? "")
                         + "; near copies \(n(100 * v.nearCopyFraction))%")
        }
        for p in r.problems { lines.append("problem: \(p)") }
        return lines.joined(separator: "\n")
    }
}
