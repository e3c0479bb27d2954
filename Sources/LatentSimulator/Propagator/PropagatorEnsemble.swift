import Foundation
import NeuralNet

/// M MDN propagators trained on bootstrap resamples of whole trajectories (or blocks of them) with
/// different seeds. Where the members disagree the data were too thin to pin the dynamics down
/// (`uncertainty(at:)`); the spread of any estimate over the members is the model's error bar
/// (`EnsembleEstimate`).
///
/// Archived as one model: the configuration lists every member's, and the parameters are every
/// member's, named "member<k>.<name>".
public final class PropagatorEnsemble: ArchivableModel {
    public struct Configuration: Codable, Sendable, Equatable {
        public var members: [MDNPropagator.Configuration]
        public init(members: [MDNPropagator.Configuration]) { self.members = members }
    }

    public let members: [MDNPropagator]

    public init(members: [MDNPropagator]) {
        precondition(!members.isEmpty, "PropagatorEnsemble needs at least one member")
        precondition(members.allSatisfy { $0.dimension == members[0].dimension },
                     "PropagatorEnsemble: members differ in latent dimension")
        self.members = members
    }

    public convenience init(configuration: Configuration) throws {
        guard let first = configuration.members.first else {
            throw LatentSimulatorError(.corruptBundle, "the ensemble configuration lists no members")
        }
        guard configuration.members.allSatisfy({ $0.dimension == first.dimension }) else {
            throw LatentSimulatorError(.corruptBundle, "the ensemble's members differ in latent dimension")
        }
        self.init(members: try configuration.members.map { try MDNPropagator(configuration: $0) })
    }

    public var configuration: Configuration { Configuration(members: members.map(\.configuration)) }

    /// Every member's parameters under "member<k>.": new names over the same storage, so loading
    /// into them fills the members (whose own names stay unprefixed).
    public var parameters: [Parameter] {
        members.enumerated().flatMap { k, member in
            member.parameters.map { Parameter(name: "member\(k).\($0.name)", value: $0.value, trainable: $0.isTrainable) }
        }
    }

    public var dimension: Int { members[0].dimension }
    public var lag: Int { members[0].lag }

    /// Trains `members` propagators. The scaler is fitted once on all data and shared. With more
    /// than one member, member k trains on a bootstrap resample of the trajectories
    /// (`SegmentSplit.bootstrap`: with fewer than 10 trajectories, blocks of at least 4 lags are
    /// resampled, never single pairs) with its own seed, and holds out its own validation pieces;
    /// a single member trains on all data.
    public static func train(_ latent: TrajectoryData, settings: MDNSettings, members: Int,
                             progress: ProgressHandler? = nil) throws -> (ensemble: PropagatorEnsemble, reports: [MDNTrainingReport]) {
        guard members >= 1 else {
            throw LatentSimulatorError(.invalidSetting, "an MDN ensemble needs at least one member (got \(members))")
        }
        try settings.validate()
        let scaler = LatentScaler(fitting: latent.values)
        var generator = RandomGenerator(seed: settings.seed)
        var propagators: [MDNPropagator] = [], reports: [MDNTrainingReport] = []
        for k in 0..<members {
            var memberSettings = settings
            memberSettings.seed = generator.next()
            let segments = members == 1 ? nil
                : SegmentSplit.bootstrap(latent.segments, blocks: 10, minimumBlockLength: 4 * settings.lag,
                                         generator: &generator)
            let (propagator, report) = try MDNTrainer.train(latent, settings: memberSettings, segments: segments,
                                                            scaler: scaler, networkName: "mdn \(k + 1)/\(members)",
                                                            progress: progress)
            propagators.append(propagator)
            reports.append(report)
        }
        return (PropagatorEnsemble(members: propagators), reports)
    }

    /// Every member's rollouts from the same starts: [member][trajectory], member k seeded by the
    /// k-th value of `RandomGenerator(seed: seed)`.
    public func rollouts(from starts: Matrix, steps: Int, seed: UInt64) -> [[Matrix]] {
        var generator = RandomGenerator(seed: seed)
        return members.map { $0.rollouts(from: starts, steps: steps, seed: generator.next()) }
    }

    /// The mean and spread over the members of an estimate that each member makes on its own
    /// (a free energy, a time scale from its rollouts): the model's error bar.
    public func estimate(_ body: (Int, MDNPropagator) throws -> Double) rethrows -> EnsembleEstimate {
        EnsembleEstimate(memberValues: try members.enumerated().map { try body($0, $1) })
    }
}

/// One estimate per ensemble member, summarized.
public struct EnsembleEstimate: Sendable, Codable, Equatable {
    public var memberValues: [Double]
    public init(memberValues: [Double]) { self.memberValues = memberValues }

    public var mean: Double { memberValues.reduce(0, +) / Double(max(memberValues.count, 1)) }
    /// The sample standard deviation over members (0 for one member).
    public var standardDeviation: Double {
        guard memberValues.count > 1 else { return 0 }
        let mu = mean
        return (memberValues.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(memberValues.count - 1)).squareRoot()
    }
}
