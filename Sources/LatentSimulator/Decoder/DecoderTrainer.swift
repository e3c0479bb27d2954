import Dispatch
import Foundation
import NeuralNet

/// Trains the cWGAN-GP decoder on MD frames and their latent coordinates.
public enum DecoderTrainer {
    /// - Parameters:
    ///   - latent: n × m latent coordinates of the frames.
    ///   - positions: n × 3a positions in nm of the decoded atoms (unaligned MD frames).
    ///   - reference: a × 3 reference positions of those atoms (nm); frames are superposed on it.
    ///   - atomIndices: which atoms of the full topology the columns hold (kept for the bundle).
    ///   - structure: checks of generated frames (bonds, clashes, chirality), run every tenth of
    ///     the epochs (reported through `progress`) and after training; in the second half of
    ///     training they choose which epoch's generator is kept (`DecoderTrainingReport.selectedEpoch`).
    ///   - progress: called per epoch of every member ("decoder 1/2", ...); with several members and
    ///     several cores, from several threads at once.
    /// - Throws: `.invalidSetting`, `.mismatch`, `.insufficientData`, `.numerical` for bad input;
    ///   `.diverged` when every attempt (the first and `settings.maximumRestarts` restarts, each with
    ///   a fresh seed and a tenfold smaller learning rate) produced a non-finite or exploding loss.
    public static func train(latent: Matrix, positions: Matrix, reference: [Float], atomIndices: [Int],
                             structure: StructureCheck?, settings: DecoderSettings,
                             progress: ProgressHandler? = nil) throws -> (decoder: CoordinateDecoder, report: DecoderTrainingReport) {
        try settings.validate()
        try validate(latent: latent, positions: positions, reference: reference, atomIndices: atomIndices,
                     structure: structure)
        let n = positions.rows, a = atomIndices.count
        let resolved = settings.resolved(frames: n, atoms: a)
        let scaling = CoordinateScaling(reference: reference, atomIndices: atomIndices, trainingFrames: positions)
        let frames = scaling.normalize(scaling.align(positions))
        let (mean, deviation) = standardization(of: latent)

        let members = resolved.members ?? 1
        let memberName = { (k: Int) in members == 1 ? "decoder" : "decoder \(k + 1)/\(members)" }
        let configuration = CoordinateDecoder.Configuration(
            latentDimension: latent.cols, noiseDimension: resolved.noiseDimension,
            hidden: resolved.generatorHidden ?? [], activation: resolved.activation,
            latentMean: mean, latentDeviation: deviation, scaling: scaling,
            outputActivation: resolved.outputActivation ?? DecoderSettings.defaultOutputActivation)
        // Members are independent adversarial games, each with single-threaded products (a GAN's
        // batches are far below BLAS's parallel threshold), so they run side by side, one per core.
        let outcomes = Locked<[Result<TrainedMember, Error>?]>(Array(repeating: nil, count: members))
        let train = { (k: Int) in
            let outcome = Result {
                try trainMember(seed: memberSeed(settings.seed, member: k), name: memberName(k), configuration: configuration,
                                frames: frames, latent: latent, settings: resolved, structure: structure, progress: progress)
            }
            outcomes.withLock { $0[k] = outcome }
        }
        if members == 1 || BLAS.maxThreads == 1 {
            for k in 0..<members { train(k) }
        } else {
            BLAS.useThreads(forWork: 0)
            let jobs = MemberJobs(train: train)   // each job touches only its own run and slot
            DispatchQueue.concurrentPerform(iterations: members) { jobs.train($0) }
        }
        let trained = try outcomes.withLock { $0 }.map { try $0!.get() }

        let decoder: CoordinateDecoder
        if members == 1 {
            decoder = trained[0].run.decoder
        } else {
            var mixed = configuration
            mixed.generators = members
            decoder = try CoordinateDecoder(configuration: mixed)
            for (network, member) in zip(decoder.networks, trained) {
                network.parameters.restore(member.run.decoder.parameters.snapshot())
                member.run.decoder.releaseBuffers()
            }
        }
        // The noise scale is set before the bond calibration is fitted: the calibration must match
        // the frames as they will be decoded.
        let first = trained[0]
        let calibrates = (resolved.calibrateBonds ?? true) && !(structure?.bonds.isEmpty ?? true)
        var noiseChoice: NoiseScaleChoice?
        if let scale = resolved.decodingNoiseScale {
            decoder.scaleNoise(scale)
        } else {
            let fit = structure.map { check in
                { (d: CoordinateDecoder) in calibration(of: d, run: first.run, check: check, positions: positions) }
            }
            noiseChoice = NoiseScaleChoice.choose(decoder: decoder, latent: latent, positions: positions, check: structure,
                                                  seed: settings.seed, calibration: calibrates ? fit : nil)
            decoder.scaleNoise(noiseChoice?.chosen ?? 1)
        }
        var structureReport: StructureReport?, uncalibrated: StructureReport?
        if let structure {
            if calibrates {
                uncalibrated = first.run.evaluateStructure(structure, of: decoder)
                decoder.calibrate(calibration(of: decoder, run: first.run, check: structure, positions: positions))
            }
            structureReport = first.run.evaluateStructure(structure, of: decoder)
        }
        let history = first.history
        let selected = trained.compactMap(\.history.selectedEpoch)
        let report = DecoderTrainingReport(
            wasserstein: history.wasserstein, criticLoss: history.criticLoss,
            gradientNorm: history.gradientNorm, epochs: history.wasserstein.count,
            restarts: trained.map(\.attempt).max() ?? 0, learningRate: first.learningRate, structure: structureReport,
            settings: resolved, selectedEpoch: history.selectedEpoch, uncalibratedStructure: uncalibrated,
            memberSelectedEpochs: members > 1 && selected.count == members ? selected : nil, noiseScaleChoice: noiseChoice)
        decoder.releaseBuffers()
        return (decoder, report)
    }

    private struct MemberJobs: @unchecked Sendable {
        let train: (Int) -> Void
    }

    /// One member's training: its run (with the generator kept), history, attempt and learning rate.
    struct TrainedMember {
        let run: DecoderTrainingRun
        let history: DecoderTrainingRun.History
        let attempt: Int
        let learningRate: Float
    }

    /// Member k's seed: the settings' seed for the first (so one member reproduces a decoder trained
    /// before members existed), well-separated seeds for the others.
    static func memberSeed(_ seed: UInt64, member k: Int) -> UInt64 {
        k == 0 ? seed : seed &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15
    }

    /// Trains one generator, restarting after a divergence with a fresh seed and a tenfold lower
    /// learning rate, at most `settings.maximumRestarts` times.
    static func trainMember(seed: UInt64, name: String, configuration: CoordinateDecoder.Configuration, frames: Matrix,
                            latent: Matrix, settings: DecoderSettings, structure: StructureCheck?,
                            progress: ProgressHandler?) throws -> TrainedMember {
        var seeds = RandomGenerator(seed: seed)
        var lastProblem = ""
        for attempt in 0...settings.maximumRestarts {
            let learningRate = settings.learningRate / Float(pow(10, Double(attempt)))
            let attemptSeed = attempt == 0 ? seed : seeds.next()
            let trainee = try CoordinateDecoder(configuration: configuration, seed: attemptSeed)
            let run = DecoderTrainingRun(decoder: trainee, frames: frames, latent: latent, settings: settings,
                                         learningRate: learningRate, seed: attemptSeed, attempt: attempt, name: name,
                                         structure: structure, progress: progress)
            switch run.train() {
            case .diverged(let problem):
                lastProblem = problem
            case .finished(let history):
                return TrainedMember(run: run, history: history, attempt: attempt, learningRate: learningRate)
            }
        }
        throw LatentSimulatorError(.diverged, "\(name) training diverged in all \(settings.maximumRestarts + 1) attempts "
                                   + "(learning rates \(settings.learningRate) down to "
                                   + "\(settings.learningRate / Float(pow(10, Double(settings.maximumRestarts))))): "
                                   + "\(lastProblem); lower decoder learningRate or check the positions for outliers")
    }

    /// Frames used to measure the generator's bond statistics for the calibration: enough that
    /// their standard errors (σ/√n) are a small fraction of MD's fluctuation.
    static let calibrationSampleSize = 20_000

    /// The bond calibration of the trained generator: MD's bond statistics over all training
    /// frames against the generator's on (up to `calibrationSampleSize`) evenly spaced training
    /// latents, each with its own noise.
    static func calibration(of decoder: CoordinateDecoder, run: DecoderTrainingRun, check: StructureCheck,
                            positions: Matrix) -> BondLengthCalibration {
        let n = run.latent.rows, count = min(n, calibrationSampleSize)
        let rows = (0..<count).map { $0 * n / count }
        var generator = RandomGenerator(seed: run.settings.seed &+ 0xCA11B)
        let generated = check.evaluate(decoder.generate(latent: run.latent.rows(rows), generator: &generator))
        return BondLengthCalibration(bonds: check.bonds, atomCount: check.atomCount, target: check.evaluate(positions),
                                     generated: generated)
    }

    static func validate(latent: Matrix, positions: Matrix, reference: [Float], atomIndices: [Int],
                         structure: StructureCheck?) throws {
        guard !atomIndices.isEmpty else {
            throw LatentSimulatorError(.invalidSetting, "decoder: no atoms selected for decoding; select Cα or heavy atoms")
        }
        guard positions.cols == 3 * atomIndices.count, reference.count == 3 * atomIndices.count else {
            throw LatentSimulatorError(.mismatch, "decoder: \(atomIndices.count) selected atoms need \(3 * atomIndices.count) "
                                       + "values per frame, positions have \(positions.cols) and the reference \(reference.count)")
        }
        guard latent.rows == positions.rows else {
            throw LatentSimulatorError(.mismatch, "decoder: \(latent.rows) latent rows for \(positions.rows) frames; "
                                       + "encode exactly the frames given as positions")
        }
        guard latent.cols >= 1 else {
            throw LatentSimulatorError(.invalidSetting, "decoder: the latent space has no dimensions")
        }
        guard positions.rows >= 10 else {
            throw LatentSimulatorError(.insufficientData, "decoder: \(positions.rows) frames are too few to train a "
                                       + "generative model; give at least 10 (thousands for a useful one)")
        }
        if let structure, structure.atomCount != atomIndices.count {
            throw LatentSimulatorError(.mismatch, "decoder: the structure check covers \(structure.atomCount) atoms, "
                                       + "the decoder \(atomIndices.count); build it with the same atomIndices")
        }
        if let bad = firstNonFinite(positions) {
            throw LatentSimulatorError(.numerical, "decoder: positions of frame \(bad / positions.cols) hold a non-finite "
                                       + "value; remove or repair that frame")
        }
        if let bad = firstNonFinite(latent) {
            throw LatentSimulatorError(.numerical, "decoder: latent row \(bad / latent.cols) holds a non-finite value")
        }
        guard reference.allSatisfy(\.isFinite) else {
            throw LatentSimulatorError(.numerical, "decoder: the reference structure holds a non-finite coordinate")
        }
    }

    static func firstNonFinite(_ m: Matrix) -> Int? {
        for i in 0..<m.count where !m.pointer[i].isFinite { return i }
        return nil
    }

    /// Per column mean and standard deviation (1 for a constant column), in Float64.
    static func standardization(of latent: Matrix) -> (mean: [Float], deviation: [Float]) {
        let n = latent.rows, m = latent.cols
        var mean = [Double](repeating: 0, count: m), square = [Double](repeating: 0, count: m)
        for r in 0..<n {
            for j in 0..<m {
                let v = Double(latent.pointer[r * m + j])
                mean[j] += v
                square[j] += v * v
            }
        }
        var deviation = [Float](repeating: 1, count: m)
        for j in 0..<m {
            mean[j] /= Double(max(n, 1))
            let variance = square[j] / Double(max(n, 1)) - mean[j] * mean[j]
            if variance > 1e-12 { deviation[j] = Float(variance.squareRoot()) }
        }
        return (mean.map { Float($0) }, deviation)
    }
}
