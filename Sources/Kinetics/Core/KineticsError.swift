/// An analysis that cannot give a trustworthy number from the input it was given.
///
/// Every check that would otherwise let a NaN or a silently wrong number through throws one of
/// these instead. `problem` names the input or parameter and says what to do about it, in words a
/// user of `lss analyze` can act on.
public struct KineticsError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// A parameter is out of its range (a negative lag, zero clusters, bins ≤ 0).
        case invalidArgument
        /// A selection or feature set matched nothing.
        case emptySelection
        /// Too little data for the estimate: a lag longer than every trajectory, fewer frames than
        /// clusters, fewer pairs than features.
        case insufficientData
        /// The count matrix has no single connected set that covers what was asked for.
        case disconnected
        /// The input shapes disagree (feature counts, atom counts, trajectory counts).
        case mismatch
        /// A number came out non-finite or an eigensolver failed.
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
