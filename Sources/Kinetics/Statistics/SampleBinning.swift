/// Validated samples (1-D or paired 2-D, optionally weighted) and the loop that bins them; shared
/// by the histograms and the free energies, which bin the same data once per block.
struct SampleBinning {
    let x: [[Double]]
    let y: [[Double]]?
    let xAxis: HistogramAxis
    let yAxis: HistogramAxis?
    let weights: [[Double]]?

    init(x: [[Double]], y: [[Double]]?, xAxis: HistogramAxis, yAxis: HistogramAxis?, weights: [[Double]]?,
         name: String) throws {
        try SampleValidation.checkSamples(x, name: y == nil ? name : "\(name) (x)")
        if let y {
            try SampleValidation.checkSamples(y, name: "\(name) (y)")
            try SampleValidation.checkPaired(x, y, name: name)
        }
        try SampleValidation.checkWeights(weights, matching: x, name: name)
        self.x = x
        self.y = y
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.weights = weights
    }

    var binCount: Int { xAxis.bins * (yAxis?.bins ?? 1) }
    var lengths: [Int] { x.map(\.count) }
    var sampleCount: Int { x.reduce(0) { $0 + $1.count } }
    var allSegments: [FrameSegment] {
        x.indices.map { FrameSegment(trajectory: $0, frames: 0..<x[$0].count) }
    }

    /// Bin weights and out-of-range tally over `segments`.
    func fill(segments: [FrameSegment]) -> (counts: [Double], outOfRange: OutOfRangeSamples) {
        var counts = [Double](repeating: 0, count: binCount)
        var outCount = 0
        var outWeight = 0.0
        let xBins = xAxis.bins
        counts.withUnsafeMutableBufferPointer { bins in
            for segment in segments {
                x[segment.trajectory].withUnsafeBufferPointer { xs in
                    let w = weights?[segment.trajectory]
                    if let y, let yAxis {
                        let yBins = yAxis.bins
                        y[segment.trajectory].withUnsafeBufferPointer { ys in
                            for i in segment.frames {
                                let weight = w?[i] ?? 1
                                let ix = xAxis.binIndex(of: xs[i]), iy = yAxis.binIndex(of: ys[i])
                                if ix >= 0 && ix < xBins && iy >= 0 && iy < yBins {
                                    bins[ix * yBins + iy] += weight
                                } else {
                                    outCount += 1
                                    outWeight += weight
                                }
                            }
                        }
                    } else {
                        for i in segment.frames {
                            let weight = w?[i] ?? 1
                            let ix = xAxis.binIndex(of: xs[i])
                            if ix >= 0 && ix < xBins {
                                bins[ix] += weight
                            } else {
                                outCount += 1
                                outWeight += weight
                            }
                        }
                    }
                }
            }
        }
        return (counts, OutOfRangeSamples(count: outCount, weight: outWeight))
    }
}
