import Foundation
import Kinetics
import NeuralNet
import Trajectories

/// LSS against MD, everything `lss validate` reports (DESIGN.md §9 definitions).
public struct ValidationReport: Codable, Sendable {
    public var codeVersion: String
    public var mdFrames: Int
    public var mdTrajectories: Int
    public var syntheticTrajectories: Int
    public var syntheticSteps: Int
    /// Picoseconds per synthetic step (the MDN lag) and between MD frames.
    public var step: Double
    public var frameInterval: Double
    /// F(ψ1) in kT on 100 bins over MD's range.
    public var latentProfile: FreeEnergyValidation?
    /// F(ψ1, ψ2) on 36 × 36 bins, with two or more latent coordinates.
    public var latentSurface: FreeEnergyValidation?
    /// F along each user coordinate computed on decoded structures and on MD's.
    public var userCoordinates: [FreeEnergyValidation]
    public var kinetics: KineticValidation
    public var structure: StructuralValidation?
    public var novelty: NoveltyMetric?
    public var problems: [String]
}

public enum ModelValidation {
    /// - Parameters:
    ///   - md: held-out MD (features, and positions of the model's decoded atoms for structural checks).
    ///   - training: latent trajectories of the training data, for the novelty metric (nil: novelty
    ///     is measured against `md` itself, with no baseline).
    ///   - userCoordinates: features computed on decoded structures and on MD (e.g. rg, q:reference=...).
    public static func run(model: LatentSpaceSimulator, md: MDTrainingData, training: [Matrix]? = nil,
                           userCoordinates: [FeatureSpec] = [], settings: ValidationSettings = ValidationSettings(),
                           progress: ((String) -> Void)? = nil) throws -> ValidationReport {
        let manifest = model.manifest
        let step = manifest.propagatorLag
        let stepFrames = Int((step / md.frameInterval).rounded())
        guard stepFrames >= 1, abs(Double(stepFrames) * md.frameInterval - step) <= 1e-6 * step else {
            throw LatentSimulatorError(.mismatch, "the model's MDN lag \(step) ps is not a whole number of the MD's "
                                       + "frames (\(md.frameInterval) ps); give MD saved at a divisor of the lag")
        }
        progress?("encoding \(md.frameCount) MD frames")
        let mdLatent = try md.features.map { try model.encode(features: $0) }

        // Synthetic trajectories: at least one per member, starts spread over the MD frames.
        let members = model.ensemble.members.count
        let count = max(members, settings.trajectories ?? max(members, 10))
        let totalTime = Double(md.frameCount) * md.frameInterval
        let steps = settings.steps ?? max(1000, Int((totalTime / step / Double(count)).rounded(.up)))
        let all = try TrajectoryData(mdLatent)
        let starts = Matrix(rows: count, cols: model.latentDimension)
        for k in 0..<count {
            let row = (k * all.frameCount) / count
            (starts.pointer + k * starts.cols).update(from: all.values.pointer + row * all.dimension, count: all.dimension)
        }
        progress?("simulating \(count) × \(steps) steps")
        let synthetic = try model.simulate(from: starts, steps: steps, seed: settings.seed)
        let byMember = (0..<members).map { m in stride(from: m, to: count, by: members).map { synthetic[$0] } }
        var problems: [String] = []

        // Free energies in latent space.
        let mdPsi = (0..<model.latentDimension).map { i in mdLatent.map { KineticComparison.column($0, i) } }
        let synPsi = (0..<model.latentDimension).map { i in synthetic.map { KineticComparison.column($0, i) } }
        let memberPsi = (0..<model.latentDimension).map { i in byMember.map { $0.map { KineticComparison.column($0, i) } } }
        var profile: FreeEnergyValidation?, surface: FreeEnergyValidation?
        do {
            profile = try FreeEnergyValidation.profile(name: "ψ1", md: mdPsi[0], model: synPsi[0], members: memberPsi[0],
                                                       axis: HistogramAxis.spanning(mdPsi[0], bins: 100))
        } catch { problems.append("F(ψ1): \(error)") }
        if model.latentDimension >= 2 {
            do {
                let axes = (try HistogramAxis.spanning(mdPsi[0], bins: 36), try HistogramAxis.spanning(mdPsi[1], bins: 36))
                surface = try FreeEnergyValidation.surface(
                    names: ["ψ1", "ψ2"], md: (mdPsi[0], mdPsi[1]), model: (synPsi[0], synPsi[1]),
                    members: (0..<members).map { (memberPsi[0][$0], memberPsi[1][$0]) }, axes: axes)
            } catch { problems.append("F(ψ1, ψ2): \(error)") }
        }

        progress?("comparing kinetics")
        let kinetics = KineticComparison.compare(md: mdLatent, members: byMember, frameInterval: md.frameInterval,
                                                 step: step, stepFrames: stepFrames,
                                                 timescales: manifest.metrics.timescales, settings: settings)

        // Structures: decode contiguous pieces of every synthetic trajectory.
        var structure: StructuralValidation?
        var users: [FreeEnergyValidation] = []
        if let decoder = model.decoder, let topology = model.decodedTopology, let check = model.structureCheck,
           let positions = md.positions {
            progress?("decoding synthetic frames")
            let perTrajectory = max(2, settings.decodedFrames / count)
            var generator = RandomGenerator(seed: settings.seed &+ 7)
            decoder.guardClashes(decoder.clashGuard)   // restart its counts
            let decoded = synthetic.map { decoder.generate(latent: $0.rows(0..<min($0.rows, perTrajectory)), generator: &generator) }
            let redrawn = decoder.clashGuard == nil ? nil : Double(decoder.redrawnFrames) / Double(max(decoder.guardedFrames, 1))
            // MD's own latent points decoded: what the decoder alone does to structural estimates.
            let decodedMD = mdLatent.map { decoder.generate(latent: $0, generator: &generator) }
            do {
                structure = try StructuralComparison.compare(md: positions, model: decoded,
                                                             memberOf: decoded.indices.map { $0 % members }, decodedMD: decodedMD,
                                                             topology: topology,
                                                             reference: decoder.scaling.reference, check: check,
                                                             frameInterval: md.frameInterval, step: step)
                structure?.bondsCalibrated = decoder.configuration.bondCalibration != nil
                structure?.redrawnFraction = redrawn
            } catch { problems.append("structures: \(error)") }
            for spec in userCoordinates {
                do {
                    let features = try FeatureSet([spec], topology: topology)
                    let mdValues = try positions.map {
                        try features.featurize(StructuralComparison.chunk($0, atoms: topology.atomCount, spacing: md.frameInterval))
                    }
                    let modelValues = try decoded.map {
                        try features.featurize(StructuralComparison.chunk($0, atoms: topology.atomCount, spacing: step))
                    }
                    let folded = AngleCoordinates.fold(labels: features.labels, trajectories: mdValues)
                    let foldedModel = AngleCoordinates.fold(labels: features.labels, trajectories: modelValues)
                    for (j, label) in folded.labels.enumerated() {
                        let a = folded.trajectories.map { m in (0..<m.rows).map { m[$0, j] } }
                        let b = foldedModel.trajectories.map { m in (0..<m.rows).map { m[$0, j] } }
                        let axis = folded.isAngle[j] ? try HistogramAxis.dihedralDegrees(bins: 36)
                            : try HistogramAxis.spanning(a, bins: 100)
                        users.append(try FreeEnergyValidation.profile(name: label, md: a, model: b, members: [], axis: axis))
                    }
                } catch { problems.append("user coordinate \(spec): \(error)") }
            }
        } else if !userCoordinates.isEmpty {
            problems.append("user coordinates need a model with a decoder and MD positions of its decoded atoms")
        }

        // Novelty, on latent points one MDN lag apart.
        let reference = (training ?? mdLatent).map { subsample($0, every: stepFrames) }
        let baseline = training == nil ? nil : mdLatent.map { subsample($0, every: stepFrames) }
        let novelty = NoveltyMetric.measure(synthetic: synthetic, reference: reference, baseline: baseline,
                                            window: settings.noveltyWindow)

        return ValidationReport(codeVersion: LSSVersion.current, mdFrames: md.frameCount, mdTrajectories: md.features.count,
                                syntheticTrajectories: count, syntheticSteps: steps, step: step,
                                frameInterval: md.frameInterval, latentProfile: profile, latentSurface: surface,
                                userCoordinates: users, kinetics: kinetics, structure: structure, novelty: novelty,
                                problems: problems)
    }

    static func subsample(_ m: Matrix, every k: Int) -> Matrix {
        m.rows(Array(stride(from: 0, to: m.rows, by: max(1, k))))
    }
}
