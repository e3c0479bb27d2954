/// Which frames of a trajectory to use: a begin and an end, each a frame index or a time, and a
/// stride. Frame bounds are zero-based, `begin` inclusive and `end` exclusive; time bounds (ps)
/// include both ends, as `gmx trjconv -b -e` does.
public struct FrameRange: Sendable, Equatable {
    public enum Bound: Sendable, Equatable {
        case frame(Int)
        case time(Double)
    }

    public var begin: Bound?
    public var end: Bound?
    /// Keep every `stride`-th frame, counted from the first frame kept.
    public var stride: Int

    public init(begin: Bound? = nil, end: Bound? = nil, stride: Int = 1) {
        self.begin = begin
        self.end = end
        self.stride = stride
    }

    public static let all = FrameRange()

    /// Parses a command-line bound: "120" is frame 120, "50ps" or "50 ps" is time 50 ps,
    /// "2ns" is 2000 ps. Returns nil when the text is neither.
    public static func parseBound(_ text: String) -> Bound? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, scale) in [("ps", 1.0), ("ns", 1000.0), ("fs", 0.001)] where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value.isFinite else { return nil }
            return .time(value * scale)
        }
        guard let frame = Int(trimmed), frame >= 0 else { return nil }
        return .frame(frame)
    }
}

import Foundation
