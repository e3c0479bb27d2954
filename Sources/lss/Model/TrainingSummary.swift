import Foundation
import LatentSimulator

/// What `lss train` prints at the end: the spectrum (so a gap can be seen), VAMP-2, time scales,
/// the MDNs' likelihoods and the decoder's Wasserstein estimate and structure checks.
struct TrainingSummary: Encodable {
    var model: String
    var frames: Int
    var trajectories: Int
    var frameInterval: Double
    var encoderLag: Double
    var propagatorLag: Double
    var latentDimension: Int
    var spectrum: [Double]
    var timescales: [Double?]
    var trainingVAMP2: Double
    var validationVAMP2: Double
    var restartVAMP2: [Double]
    var propagatorTrainingNLL: [Double]
    var propagatorValidationNLL: [Double]
    var wasserstein: Double?
    var structure: StructureReport?
    var uncalibratedStructure: StructureReport?
    var noiseScaleChoice: NoiseScaleChoice?
    var seconds: [String: Double]

    init(model: LatentSpaceSimulator, path: String) {
        let metrics = model.manifest.metrics
        self.model = path
        frames = metrics.frames
        trajectories = metrics.trajectories
        frameInterval = model.manifest.frameInterval
        encoderLag = model.manifest.encoderLag
        propagatorLag = model.manifest.propagatorLag
        latentDimension = model.latentDimension
        spectrum = metrics.spectrum
        timescales = metrics.timescales.map(ReportPrinting.finite)
        trainingVAMP2 = metrics.encoder.trainingScore
        validationVAMP2 = metrics.encoder.validationScore
        restartVAMP2 = metrics.encoder.restartScores
        propagatorTrainingNLL = metrics.propagators.map(\.trainingNLL)
        propagatorValidationNLL = metrics.propagators.map(\.validationNLL)
        wasserstein = metrics.decoder?.wasserstein.last
        structure = metrics.decoder?.structure
        uncalibratedStructure = metrics.decoder?.uncalibratedStructure
        noiseScaleChoice = metrics.decoder?.noiseScaleChoice
        seconds = metrics.seconds
    }

    var text: String {
        var lines = ["model written to \(model)",
                     "\(frames) frames, \(trajectories) trajectories; SRV lag \(ReportPrinting.number(encoderLag)) ps, "
                        + "MDN lag \(ReportPrinting.number(propagatorLag)) ps, latent dimension \(latentDimension)",
                     "VAMP-2: training \(ReportPrinting.number(trainingVAMP2)), validation \(ReportPrinting.number(validationVAMP2)) "
                        + "(restarts: \(restartVAMP2.map(ReportPrinting.number).joined(separator: ", ")))",
                     "",
                     ReportPrinting.table(["process", "eigenvalue", "time scale (ps)", ""], spectrum.enumerated().map { i, value in
                         [String(i + 1), ReportPrinting.number(value), ReportPrinting.number(timescales[i]),
                          i < latentDimension ? "latent" : ""]
                     }),
                     "",
                     "MDN negative log-likelihood per member (training / validation): "
                        + zip(propagatorTrainingNLL, propagatorValidationNLL).map {
                            "\(ReportPrinting.number($0)) / \(ReportPrinting.number($1))"
                        }.joined(separator: ", ")]
        if let wasserstein { lines.append("decoder Wasserstein estimate (last epoch): \(ReportPrinting.number(wasserstein))") }
        if let structure {
            lines.append("decoded structures: bond-length deviation \(ReportPrinting.number(structure.bondLengthDeviation)) nm, "
                         + "clashes \(ReportPrinting.number(100 * structure.clashFraction))% (redrawn when decoding), mirror images "
                         + "\(ReportPrinting.number(100 * structure.mirrorFraction))%")
        }
        if let raw = uncalibratedStructure {
            lines.append("  before the bond-length calibration: bond-length deviation "
                         + "\(ReportPrinting.number(raw.bondLengthDeviation)) nm, clashes \(ReportPrinting.number(100 * raw.clashFraction))%")
        }
        if let choice = noiseScaleChoice {
            lines.append("decoding noise scale \(ReportPrinting.number(Double(choice.chosen))), chosen on the training frames by "
                         + "the pair distances' CRPS (nm; mirror images + clashes): " + choice.scales.indices.map {
                             "\(ReportPrinting.number(Double(choice.scales[$0]))): \(ReportPrinting.number(choice.pairDistanceCRPS[$0])) "
                                 + "(\(ReportPrinting.number(100 * choice.defectFraction[$0]))%)"
                         }.joined(separator: ", "))
        }
        lines.append("training time: " + seconds.sorted { $0.key < $1.key }.map {
            "\($0.key) \(ReportPrinting.number($0.value)) s"
        }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
