import CBLAS
import NeuralNet

/// Streams trajectories chunk by chunk into the sums behind `TimeLaggedCovariances`, so that no more
/// than one chunk (plus the last `lag` frames of the current trajectory) is ever held in memory.
///
///     let accumulator = try TimeLaggedCovarianceAccumulator(features: 300, lag: 10)
///     for trajectory in files {
///         accumulator.beginTrajectory()
///         for chunk in trajectory { try accumulator.add(chunk) }
///         accumulator.endTrajectory()
///     }
///     let covariances = try accumulator.covariances()
///
/// Pairs follow `TimeLaggedPairs` (within a trajectory, stride applied after the lag shift). Optional
/// per-frame weights (Koopman reweighting) weight each pair by the weight of its first frame, as
/// deeptime's `Covariance.fit(weights=...)` does; weights may be negative but must have a positive sum.
///
/// How the sums are formed (all Float64, all products through BLAS):
/// - Every frame is shifted by a reference point, the first frame added, before anything is summed,
///   so that features with a large offset (a mean of 10⁶ with unit spread) do not lose their digits
///   to the final "second moment minus squared mean" step.
/// - A frame enters the instantaneous set with weight w_x (the weight of the pair it starts, or 0) and
///   the time-lagged set with weight w_y (the weight of the pair it ends, or 0). The second moments are
///   accumulated as Σ (w_x + w_y) x xᵀ and Σ (w_x − w_y) x xᵀ by `dsyrk`, from which C00 and Ctt are
///   the half sum and half difference. Without weights at stride 1, w_x = w_y for all frames but the
///   first and last `lag` of a trajectory, so the second sum is nearly free: one `dsyrk` per frame
///   instead of two. Time-lagged products Σ w x_t x_{t+τ}ᵀ go through one `dgemm` per block of pairs.
///
/// A reference type: it owns its buffers, and one accumulator makes one estimate.
public final class TimeLaggedCovarianceAccumulator {
    public let features: Int
    public let lag: Int
    public let stride: Int
    /// Rows per BLAS block.
    let capacity: Int

    /// True between `beginTrajectory()` and `endTrajectory()`.
    public private(set) var isInTrajectory = false
    /// Trajectories begun so far and the longest of them, for the error about a too-long lag.
    public private(set) var trajectoryCount = 0
    public private(set) var longestTrajectory = 0
    public private(set) var pairCount = 0
    public private(set) var totalWeight = 0.0

    private var shift: UnsafeMutablePointer<Double>
    private var hasShift = false
    private var framesInTrajectory = 0

    // The last `lag` frames of the current trajectory (shifted), a ring indexed by frame % lag, with
    // their own weight and the weight with which they end a pair.
    private let pendingValues: UnsafeMutablePointer<Double>
    private let pendingWeight: UnsafeMutablePointer<Double>
    private let pendingLaggedWeight: UnsafeMutablePointer<Double>

    // Staged frames (shifted) with their weights w_x + w_y and w_x − w_y.
    private let frameRows: UnsafeMutablePointer<Double>
    private let frameSumWeight: UnsafeMutablePointer<Double>
    private let frameDifferenceWeight: UnsafeMutablePointer<Double>
    private var stagedFrames = 0
    // Staged pairs: starts (shifted, times the pair weight) and ends (shifted).
    private let pairStarts: UnsafeMutablePointer<Double>
    private let pairEnds: UnsafeMutablePointer<Double>
    private var stagedPairs = 0
    private let scratch: UnsafeMutablePointer<Double>

    // Sums in shifted coordinates. The d × d second moments hold only their upper triangle.
    private let secondMomentSum: UnsafeMutablePointer<Double>
    private let secondMomentDifference: UnsafeMutablePointer<Double>
    private let crossMoment: UnsafeMutablePointer<Double>
    private let firstMomentSum: UnsafeMutablePointer<Double>
    private let firstMomentDifference: UnsafeMutablePointer<Double>

    /// - Parameters:
    ///   - features: columns of every chunk.
    ///   - lag: τ in frames (≥ 1).
    ///   - stride: spacing of pair starts in frames (≥ 1).
    ///   - blockRows: rows per BLAS call; the default keeps each staging block near 4 MB.
    public init(features: Int, lag: Int, stride: Int = 1, blockRows: Int? = nil) throws {
        try TimeLaggedPairs.validate(lag: lag, stride: stride)
        guard features >= 1 else {
            throw KineticsError(.emptySelection, "covariances need at least one feature, got \(features)")
        }
        self.features = features
        self.lag = lag
        self.stride = stride
        capacity = max(1, blockRows ?? max(64, min(8192, (1 << 19) / features)))
        func zeros(_ count: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            return p
        }
        let d = features
        shift = zeros(d)
        pendingValues = zeros(lag * d)
        pendingWeight = zeros(lag)
        pendingLaggedWeight = zeros(lag)
        frameRows = zeros(capacity * d)
        frameSumWeight = zeros(capacity)
        frameDifferenceWeight = zeros(capacity)
        pairStarts = zeros(capacity * d)
        pairEnds = zeros(capacity * d)
        scratch = zeros(capacity * d)
        secondMomentSum = zeros(d * d)
        secondMomentDifference = zeros(d * d)
        crossMoment = zeros(d * d)
        firstMomentSum = zeros(d)
        firstMomentDifference = zeros(d)
    }

    deinit {
        for p in [shift, pendingValues, pendingWeight, pendingLaggedWeight, frameRows, frameSumWeight,
                  frameDifferenceWeight, pairStarts, pairEnds, scratch, secondMomentSum, secondMomentDifference,
                  crossMoment, firstMomentSum, firstMomentDifference] {
            p.deallocate()
        }
    }

    /// Starts a new trajectory: no pair will join its frames to earlier ones.
    public func beginTrajectory() {
        precondition(!isInTrajectory, "beginTrajectory() called twice without endTrajectory()")
        isInTrajectory = true
        framesInTrajectory = 0
        trajectoryCount += 1
    }

    /// Adds the next frames of the current trajectory (rows = frames, columns = features).
    /// - Parameter weights: one weight per row (frame), or nil for weight 1.
    /// - Throws: `.mismatch` when the column count or the number of weights is wrong,
    ///   `.invalidArgument` for a non-finite weight.
    public func add(_ chunk: DoubleMatrix, weights: [Double]? = nil) throws {
        precondition(isInTrajectory, "add(_:) needs beginTrajectory() first")
        guard chunk.cols == features else {
            throw KineticsError(.mismatch, "a chunk of trajectory \(trajectoryCount) has \(chunk.cols) features, "
                                    + "but the covariances are of \(features); every trajectory needs the same features")
        }
        if let weights {
            guard weights.count == chunk.rows else {
                throw KineticsError(.mismatch, "trajectory \(trajectoryCount): \(weights.count) weights for a chunk "
                                        + "of \(chunk.rows) frames; give one weight per frame")
            }
            guard weights.allSatisfy(\.isFinite) else {
                throw KineticsError(.invalidArgument, "trajectory \(trajectoryCount): the frame weights contain "
                                        + "NaN or infinity")
            }
        }
        let n = chunk.rows, d = features
        if n == 0 { return }
        chunk.values.withUnsafeBufferPointer { x in
            let x = x.baseAddress!
            if !hasShift { setShift(from: x, rows: n) }
            for j in 0..<n {
                let frame = framesInTrajectory + j
                let slot = frame % lag
                let row = x + j * d
                var laggedWeight = 0.0
                if frame >= lag {
                    // Frame `frame − lag` now knows whether it starts a pair: stage it and its pair.
                    let start = frame - lag
                    let startRow = pendingValues + slot * d
                    let startWeight = pendingWeight[slot]
                    let startsPair = start % stride == 0
                    let instantaneousWeight = startsPair ? startWeight : 0
                    if startsPair {
                        laggedWeight = startWeight
                        stagePair(start: startRow, weight: startWeight, end: row)
                        totalWeight += startWeight
                        pairCount += 1
                    }
                    stageFrame(startRow, instantaneous: instantaneousWeight, lagged: pendingLaggedWeight[slot])
                }
                let target = pendingValues + slot * d
                for k in 0..<d { target[k] = row[k] - shift[k] }
                pendingWeight[slot] = weights?[j] ?? 1
                pendingLaggedWeight[slot] = laggedWeight
            }
        }
        framesInTrajectory += n
    }

    /// Ends the current trajectory: its last `lag` frames start no pair, and are staged as such.
    public func endTrajectory() {
        precondition(isInTrajectory, "endTrajectory() without beginTrajectory()")
        let frames = framesInTrajectory
        for frame in max(0, frames - lag)..<frames {
            let slot = frame % lag
            stageFrame(pendingValues + slot * features, instantaneous: 0, lagged: pendingLaggedWeight[slot])
        }
        longestTrajectory = max(longestTrajectory, frames)
        isInTrajectory = false
        framesInTrajectory = 0
    }

    /// One whole trajectory held in memory: begin, add, end.
    public func add(trajectory: DoubleMatrix, weights: [Double]? = nil) throws {
        beginTrajectory()
        defer { endTrajectory() }
        try add(trajectory, weights: weights)
    }

    /// The means and covariances of everything added so far (call between trajectories).
    /// - Throws: `.insufficientData` when no trajectory is longer than the lag; `.invalidArgument` when
    ///   the pair weights do not have a positive sum; `.numerical` when the features held NaN or infinity.
    public func covariances() throws -> TimeLaggedCovariances {
        precondition(!isInTrajectory, "covariances() needs endTrajectory() first")
        flushFrames()
        flushPairs()
        guard pairCount > 0 else {
            throw TimeLaggedPairs.lagTooLong(lag: lag, longest: longestTrajectory, trajectories: trajectoryCount)
        }
        guard totalWeight > 0 else {
            throw KineticsError(.invalidArgument, "the pair weights sum to \(totalWeight); weights must have a "
                                    + "positive sum (check the reweighting)")
        }
        let d = features, w = totalWeight
        var mean0 = [Double](repeating: 0, count: d), meanT = mean0
        var shifted0 = mean0, shiftedT = mean0
        for i in 0..<d {
            shifted0[i] = 0.5 * (firstMomentSum[i] + firstMomentDifference[i]) / w
            shiftedT[i] = 0.5 * (firstMomentSum[i] - firstMomentDifference[i]) / w
            mean0[i] = shifted0[i] + shift[i]
            meanT[i] = shiftedT[i] + shift[i]
        }
        var c00 = DoubleMatrix(rows: d, cols: d), ctt = c00, c0t = c00
        for i in 0..<d {
            for j in i..<d {
                let sum = secondMomentSum[i * d + j], difference = secondMomentDifference[i * d + j]
                let v00 = 0.5 * (sum + difference) / w - shifted0[i] * shifted0[j]
                let vtt = 0.5 * (sum - difference) / w - shiftedT[i] * shiftedT[j]
                c00[i, j] = v00; c00[j, i] = v00
                ctt[i, j] = vtt; ctt[j, i] = vtt
            }
            for j in 0..<d { c0t[i, j] = crossMoment[i * d + j] / w - shifted0[i] * shiftedT[j] }
        }
        guard (mean0 + meanT + c00.values + c0t.values + ctt.values).allSatisfy(\.isFinite) else {
            throw KineticsError(.numerical, "the covariances came out non-finite: the features or weights contain "
                                    + "NaN or infinity (or values beyond 1e150)")
        }
        return TimeLaggedCovariances(lag: lag, stride: stride, pairCount: pairCount, totalWeight: w,
                                     mean0: mean0, meanT: meanT, c00: c00, c0t: c0t, ctt: ctt)
    }

    // MARK: - Staging and BLAS blocks

    /// The shift is the first frame added: it lies within the spread of the data, and it does not
    /// depend on how the data are chunked, so streamed and in-memory estimates agree bit for bit.
    private func setShift(from x: UnsafePointer<Double>, rows: Int) {
        for k in 0..<features { shift[k] = x[k].isFinite ? x[k] : 0 }
        hasShift = true
    }

    @inline(__always)
    private func stageFrame(_ row: UnsafePointer<Double>, instantaneous: Double, lagged: Double) {
        if instantaneous == 0 && lagged == 0 { return }
        if stagedFrames == capacity { flushFrames() }
        (frameRows + stagedFrames * features).update(from: row, count: features)
        frameSumWeight[stagedFrames] = instantaneous + lagged
        frameDifferenceWeight[stagedFrames] = instantaneous - lagged
        stagedFrames += 1
    }

    @inline(__always)
    private func stagePair(start: UnsafePointer<Double>, weight: Double, end: UnsafePointer<Double>) {
        if weight == 0 { return }
        if stagedPairs == capacity { flushPairs() }
        let d = features
        let s = pairStarts + stagedPairs * d, e = pairEnds + stagedPairs * d
        for k in 0..<d {
            s[k] = weight * start[k]
            e[k] = end[k] - shift[k]
        }
        stagedPairs += 1
    }

    private func flushFrames() {
        let n = stagedFrames, d = features
        guard n > 0 else { return }
        BLAS.useThreads(forWork: n * d)
        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(n), Int32(d), 1, frameRows, Int32(d),
                    frameSumWeight, 1, 1, firstMomentSum, 1)
        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(n), Int32(d), 1, frameRows, Int32(d),
                    frameDifferenceWeight, 1, 1, firstMomentDifference, 1)
        weightedRankUpdate(rows: n, weights: frameSumWeight, into: secondMomentSum)
        weightedRankUpdate(rows: n, weights: frameDifferenceWeight, into: secondMomentDifference)
        stagedFrames = 0
    }

    /// target += Σ_i weights[i] x_i x_iᵀ (upper triangle) by dsyrk: rows scaled by √|w|, the positive
    /// ones added and the negative ones subtracted; rows with weight 0 are left out.
    private func weightedRankUpdate(rows n: Int, weights: UnsafePointer<Double>, into target: UnsafeMutablePointer<Double>) {
        let d = features
        var positives = 0
        for i in 0..<n where weights[i] > 0 { positives += 1 }
        var nextPositive = 0, nextNegative = positives
        for i in 0..<n {
            let w = weights[i]
            if w == 0 { continue }
            let destination: Int
            if w > 0 { destination = nextPositive; nextPositive += 1 } else { destination = nextNegative; nextNegative += 1 }
            let scale = abs(w).squareRoot()
            let source = frameRows + i * d, out = scratch + destination * d
            for k in 0..<d { out[k] = scale * source[k] }
        }
        let negatives = nextNegative - positives
        if positives > 0 {
            BLAS.useThreads(forWork: positives * d * d)
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(positives), 1, scratch, Int32(d),
                        1, target, Int32(d))
        }
        if negatives > 0 {
            BLAS.useThreads(forWork: negatives * d * d)
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(negatives), -1,
                        scratch + positives * d, Int32(d), 1, target, Int32(d))
        }
    }

    private func flushPairs() {
        let n = stagedPairs, d = features
        guard n > 0 else { return }
        BLAS.useThreads(forWork: 2 * n * d * d)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n), 1, pairStarts, Int32(d),
                    pairEnds, Int32(d), 1, crossMoment, Int32(d))
        stagedPairs = 0
    }
}
