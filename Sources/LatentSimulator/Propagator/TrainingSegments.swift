import NeuralNet

/// Training and validation segments for an MDN, whole trajectories or blocks on either side.
enum TrainingSegments {
    /// Splits `segments` (a bootstrap resample may list a segment several times) into training and
    /// validation. With fewer than `blocks` distinct segments, each is first cut into blocks of at
    /// least 4 lags. Distinct pieces are held out until `validationFraction` of the frames is reached;
    /// every copy of a held-out piece leaves the training side, so no frame is on both sides.
    static func split(_ segments: [Range<Int>], validationFraction: Double, lag: Int, blocks: Int = 10,
                      generator: inout RandomGenerator) throws -> SegmentSplit {
        var distinct: [Range<Int>] = []
        var seen = Set<[Int]>()
        for s in segments where seen.insert([s.lowerBound, s.upperBound]).inserted { distinct.append(s) }
        var pieces = segments
        if distinct.count < blocks {
            let total = distinct.reduce(0) { $0 + $1.count }
            let length = max(4 * lag, total / blocks)
            pieces = SegmentSplit.cut(segments, blockLength: length)
            distinct = SegmentSplit.cut(distinct, blockLength: length)
        }
        distinct = distinct.filter { $0.count > lag }
        guard distinct.count >= 2 else {
            throw LatentSimulatorError(.insufficientData, "the training segments hold \(distinct.count) piece(s) "
                                       + "longer than the MDN lag of \(lag) frames; a validation split needs two: "
                                       + "use a shorter lag or more data")
        }
        generator.shuffle(&distinct)
        let total = distinct.reduce(0) { $0 + $1.count }
        let target = Int((validationFraction * Double(total)).rounded())
        var held: [Range<Int>] = [], count = 0
        while count < max(target, 1), distinct.count > 1 {
            let piece = distinct.removeLast()
            held.append(piece)
            count += piece.count
        }
        let heldKeys = Set(held.map { [$0.lowerBound, $0.upperBound] })
        let training = pieces.filter { !heldKeys.contains([$0.lowerBound, $0.upperBound]) && $0.count > lag }
        return SegmentSplit(training: training, validation: held.sorted { $0.lowerBound < $1.lowerBound })
    }
}
