/// What went wrong with a trajectory or topology file, said so that a user can act on it:
/// the file, the frame (when one is involved) and the problem.
public struct TrajectoryError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The file does not exist or cannot be opened, created or written.
        case io
        /// The bytes are not what the format requires (bad magic, truncated record, bad field).
        case malformed
        /// The file is valid but describes something lss does not support.
        case unsupported
        /// The file disagrees with what it is used with (atom count vs. topology, frame out of range).
        case mismatch
        /// The numbers are not finite (NaN or infinite coordinates).
        case nonFinite
    }

    public var kind: Kind
    public var path: String
    /// Zero-based frame index, when the problem belongs to one frame.
    public var frame: Int?
    public var problem: String

    public init(_ kind: Kind, path: String, frame: Int? = nil, _ problem: String) {
        self.kind = kind
        self.path = path
        self.frame = frame
        self.problem = problem
    }

    public var description: String {
        if let frame { return "\(path): frame \(frame): \(problem)" }
        return "\(path): \(problem)"
    }
}
