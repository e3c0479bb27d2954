/// A model that cannot be trained, loaded or used trustworthily from the input it was given.
///
/// `problem` names the input, file or setting and says what to do, in words a user of `lss train`
/// or `lss simulate` can act on. Programmer errors stay preconditions; anything a user or a data
/// set can cause is one of these.
public struct LatentSimulatorError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// A setting is out of its range (latent dimension 0, a negative lag, one mixture component too few).
        case invalidSetting
        /// Too little data: a lag longer than every trajectory, fewer pairs than features, an empty split.
        case insufficientData
        /// Shapes disagree: feature counts, latent dimensions, atom counts.
        case mismatch
        /// Training diverged (a NaN or infinite loss) and restarts did not recover.
        case diverged
        /// A model bundle on disk is missing a file, is corrupt or belongs to another architecture.
        case corruptBundle
        /// An eigensolver or a covariance failed.
        case numerical
    }

    public let kind: Kind
    public let problem: String

    public init(_ kind: Kind, _ problem: String) {
        self.kind = kind
        self.problem = problem
    }

    public var description: String { problem }
}
