import NeuralNet

/// Training and validation frames as segments that respect trajectory boundaries.
///
/// Consecutive MD frames are strongly correlated, so a split of single frames or pairs would
/// leak the validation set into training and make early stopping and model selection meaningless.
/// With enough trajectories, whole trajectories are held out; with few (the data-poor case of a
/// first campaign round), each trajectory is cut into contiguous blocks and whole blocks are held out.
public struct SegmentSplit: Sendable, Equatable {
    public var training: [Range<Int>]
    public var validation: [Range<Int>]

    public init(training: [Range<Int>], validation: [Range<Int>]) {
        self.training = training
        self.validation = validation
    }

    /// Holds out about `validationFraction` of the frames.
    ///
    /// - Parameters:
    ///   - lag: the longest lag the split will be used with; blocks are at least 4 lags long so
    ///     that most of their frames still form pairs.
    ///   - blocks: with fewer trajectories than this, trajectories are cut into about this many blocks.
    /// - Throws: `.insufficientData` when the data cannot give both sets pairs at `lag`.
    public init(data: TrajectoryData, validationFraction: Double, lag: Int, blocks: Int = 10,
                generator: inout RandomGenerator) throws {
        precondition(validationFraction >= 0 && validationFraction < 1, "validationFraction must be in [0, 1)")
        var pieces = data.segments
        if data.trajectoryCount < blocks {
            let blockLength = max(4 * max(lag, 1), data.frameCount / blocks)
            pieces = SegmentSplit.cut(pieces, blockLength: blockLength)
        }
        pieces = pieces.filter { $0.count > lag }
        guard pieces.count >= (validationFraction > 0 ? 2 : 1) else {
            throw LatentSimulatorError(.insufficientData,
                                       "\(data.frameCount) frames in \(data.trajectoryCount) trajectories are too few "
                                       + "for a validation split at a lag of \(lag) frames; use a shorter lag or more data")
        }
        generator.shuffle(&pieces)
        let target = Int((validationFraction * Double(data.frameCount)).rounded())
        var validation: [Range<Int>] = [], held = 0
        while validationFraction > 0, held < target, pieces.count > 1 {
            let piece = pieces.removeLast()
            validation.append(piece)
            held += piece.count
        }
        self.training = pieces.sorted { $0.lowerBound < $1.lowerBound }
        self.validation = validation.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// Cuts segments into contiguous blocks of about `blockLength` frames (the last block of a
    /// segment absorbs the remainder, so no block is shorter than `blockLength` unless its segment is).
    public static func cut(_ segments: [Range<Int>], blockLength: Int) -> [Range<Int>] {
        precondition(blockLength > 0, "blockLength must be positive")
        var out: [Range<Int>] = []
        for s in segments {
            let count = max(1, s.count / blockLength)
            let size = s.count / count
            for b in 0..<count {
                let lower = s.lowerBound + b * size
                let upper = b == count - 1 ? s.upperBound : lower + size
                out.append(lower..<upper)
            }
        }
        return out
    }

    /// A bootstrap resample of segments: as many draws with replacement as there are blocks. With
    /// fewer than `blocks` segments they are first cut into blocks of at least `minimumBlockLength`
    /// frames, so that resampling never works on single time-correlated pairs.
    public static func bootstrap(_ segments: [Range<Int>], blocks: Int = 10, minimumBlockLength: Int,
                                 generator: inout RandomGenerator) -> [Range<Int>] {
        var pieces = segments
        if pieces.count < blocks {
            let total = segments.reduce(0) { $0 + $1.count }
            pieces = cut(segments, blockLength: max(minimumBlockLength, total / blocks))
        }
        guard !pieces.isEmpty else { return [] }
        return (0..<pieces.count).map { _ in pieces[generator.integer(below: pieces.count)] }
    }
}
