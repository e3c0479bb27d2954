/// How data are cut into contiguous blocks for block-averaged standard errors (DESIGN.md §9: five
/// blocks for MD).
///
/// Block averaging (Flyvbjerg & Petersen, J. Chem. Phys. 91, 461 (1989)) estimates the error of a
/// correlated time series from the spread of the estimate over long contiguous pieces: if each
/// piece is much longer than the correlation time, the pieces are nearly independent and the
/// standard error of the mean is sd(block values) / √n.
public enum BlockSplit: String, Sendable, Equatable, CaseIterable {
    /// The trajectories are joined end to end, in order, and the whole is cut into n contiguous
    /// blocks of equal frame count (±1). A block may span the end of one trajectory and the start
    /// of the next; with many independent trajectories, the blocks then hold different
    /// trajectories and are as independent as the data allow. The default.
    case concatenated
    /// Every trajectory is cut into n contiguous pieces of equal length (±1); block k gathers the
    /// k-th piece of every trajectory. Suits a few long trajectories of very different lengths,
    /// where each block should see every trajectory.
    case withinEachTrajectory
}

/// A contiguous run of frames of one trajectory.
struct FrameSegment: Equatable {
    var trajectory: Int
    var frames: Range<Int>
}

extension BlockSplit {
    /// The segments of each of `blocks` blocks for trajectories of `lengths` frames.
    ///
    /// Block boundaries fall at ⌊k·n / blocks⌋ of the concatenated (or per-trajectory) frame
    /// count n, so block sizes differ by at most one frame.
    func segments(lengths: [Int], blocks: Int) -> [[FrameSegment]] {
        precondition(blocks >= 1, "BlockSplit.segments: blocks must be positive")
        var result = Array(repeating: [FrameSegment](), count: blocks)
        switch self {
        case .concatenated:
            let total = lengths.reduce(0, +)
            var start = 0
            for (t, length) in lengths.enumerated() where length > 0 {
                let end = start + length
                for k in 0..<blocks {
                    let lower = max(start, k * total / blocks), upper = min(end, (k + 1) * total / blocks)
                    if lower < upper { result[k].append(FrameSegment(trajectory: t, frames: (lower - start)..<(upper - start))) }
                }
                start = end
            }
        case .withinEachTrajectory:
            for (t, length) in lengths.enumerated() where length > 0 {
                for k in 0..<blocks {
                    let lower = k * length / blocks, upper = (k + 1) * length / blocks
                    if lower < upper { result[k].append(FrameSegment(trajectory: t, frames: lower..<upper)) }
                }
            }
        }
        return result
    }
}
