/// Streams a trajectory in chunks with an atom selection, a frame range and a stride applied while
/// reading. Memory stays bounded by the chunk size whatever the length of the file.
public final class TrajectoryStream {
    public let reader: TrajectoryReader
    /// Atoms kept in every chunk (indices into the file's atoms), or nil for all.
    public let atoms: [Int]?
    public let range: FrameRange
    public let chunkSize: Int

    /// File index of the next frame the reader will deliver.
    private var nextFileFrame = 0
    /// Index of the first frame kept; strides count from it.
    private var firstKept: Int?
    private var started = false
    private var finished = false

    public init(reader: TrajectoryReader, atoms: [Int]? = nil, range: FrameRange = .all,
                chunkSize: Int = 256) throws {
        guard chunkSize > 0 else {
            throw TrajectoryError(.mismatch, path: reader.path, "chunk size must be positive, not \(chunkSize)")
        }
        guard range.stride > 0 else {
            throw TrajectoryError(.mismatch, path: reader.path, "stride must be positive, not \(range.stride)")
        }
        if let atoms, let bad = atoms.first(where: { $0 < 0 || $0 >= reader.atomCount }) {
            throw TrajectoryError(.mismatch, path: reader.path,
                                  "selected atom index \(bad) is outside the file's \(reader.atomCount) atoms")
        }
        self.reader = reader
        self.atoms = atoms
        self.range = range
        self.chunkSize = chunkSize
    }

    /// Atoms per delivered chunk.
    public var atomCount: Int { atoms?.count ?? reader.atomCount }

    /// The next chunk of kept frames, or nil when the range is exhausted.
    public func next() throws -> FrameChunk? {
        if !started {
            started = true
            if case .frame(let begin)? = range.begin, begin > 0 {
                let count = try reader.countFrames()
                guard begin < count else { finished = true; return nil }
                try reader.seek(toFrame: begin)
                nextFileFrame = begin
            }
        }
        while !finished {
            guard let chunk = try reader.read(maxFrames: chunkSize * range.stride) else {
                finished = true
                return nil
            }
            let base = nextFileFrame
            nextFileFrame += chunk.frameCount
            var kept = [Int]()
            for local in 0 ..< chunk.frameCount {
                let index = base + local, time = chunk.times[local]
                if isBeforeBegin(index: index, time: time) { continue }
                if isPastEnd(index: index, time: time) { finished = true; break }
                if firstKept == nil { firstKept = index }
                if (index - firstKept!) % range.stride == 0 { kept.append(local) }
            }
            guard !kept.isEmpty else { continue }
            var result = kept.count == chunk.frameCount ? chunk : chunk.selecting(frames: kept)
            result.firstFrame = base + kept[0]
            if let atoms { result = result.selecting(atoms: atoms) }
            return result
        }
        return nil
    }

    private func isBeforeBegin(index: Int, time: Double) -> Bool {
        switch range.begin {
        case .frame(let begin)?: index < begin
        case .time(let begin)?: time < begin - 1e-9 * max(1, abs(begin))
        case nil: false
        }
    }

    private func isPastEnd(index: Int, time: Double) -> Bool {
        switch range.end {
        case .frame(let end)?: index >= end
        case .time(let end)?: time > end + 1e-9 * max(1, abs(end))
        case nil: false
        }
    }
}
