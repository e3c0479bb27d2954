/// The relaxation time of an observable (fitted exponential) and its integrated autocorrelation
/// time, each with a block-averaged standard error (DESIGN.md §9: time scales with error bars,
/// five blocks for MD).
///
/// The values come from all the data; the errors from the same analysis repeated on each block
/// (`BlockSplit`): each block gets its own ACF (its own mean and variance), its own fit over the
/// same lags, and τ_int summed over the window chosen on all the data (a fixed window keeps the
/// blocks comparable and cannot fail on a noisy block). Every block must hold a piece longer than
/// the maximum lag; blocks should be many relaxation times long for the error to be honest.
public struct RelaxationTimeEstimate: Sendable, Equatable {
    /// The ACF of all the data.
    public let autocorrelation: AutocorrelationFunction
    /// The exponential fit to it.
    public let fit: ExponentialFit
    /// The slowest fitted relaxation time (frames): mean = the all-data fit, standard error and
    /// per-block values from the blocks.
    public let relaxationTime: BlockAverage
    /// τ_int (frames): mean = all data, with block standard error.
    public let integratedTime: BlockAverage
    /// The integration window (last lag) chosen on all the data and reused for every block.
    public let integrationWindow: Int

    public init(_ trajectories: [[Double]], maxLag: Int, model: RelaxationModel = .singleExponential,
                fitLags: ClosedRange<Int>? = nil, window: IntegrationWindow = .automatic, blocks: Int = 5,
                split: BlockSplit = .concatenated, method: AutocorrelationMethod = .automatic) throws {
        guard blocks >= 2 else {
            throw KineticsError(.invalidArgument, "relaxation time: blocks must be at least 2 to give an error, got \(blocks)")
        }
        let acf = try AutocorrelationFunction(trajectories, maxLag: maxLag, method: method)
        let fit = try ExponentialFit(acf, model: model, lags: fitLags)
        let integrated = try IntegratedAutocorrelationTime(acf, window: window)
        var blockTimes = [Double](), blockIntegrated = [Double]()
        for (k, segments) in split.segments(lengths: trajectories.map(\.count), blocks: blocks).enumerated() {
            let pieces = segments.map { trajectories[$0.trajectory][$0.frames] }
            guard pieces.contains(where: { $0.count > maxLag }) else {
                throw KineticsError(.insufficientData, "relaxation time: block \(k + 1) of \(blocks) has no piece longer "
                                        + "than the maximum lag \(maxLag) frames; use fewer blocks, a shorter lag or more data")
            }
            let blockACF = try AutocorrelationFunction(validated: pieces, maxLag: maxLag, method: method)
            blockTimes.append(try ExponentialFit(blockACF, model: model, lags: fit.lags).relaxationTime)
            blockIntegrated.append(try IntegratedAutocorrelationTime(blockACF, window: .fixed(integrated.window)).value)
        }
        self.autocorrelation = acf
        self.fit = fit
        self.integrationWindow = integrated.window
        self.relaxationTime = try BlockAverage(blockValues: blockTimes, overall: fit.relaxationTime)
        self.integratedTime = try BlockAverage(blockValues: blockIntegrated, overall: integrated.value)
    }
}
