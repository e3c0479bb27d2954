/// Runs a trained network forward without a graph, reusing its buffers: for sampling loops and
/// decoding, where a tape's bookkeeping would cost more than the arithmetic.
///
/// Large batches go through the whole network in chunks of `chunkRows` rows, so the activations of
/// one chunk stay in cache from layer to layer instead of streaming whole-batch matrices through
/// memory. It reads the model's weights by reference, so it sees later training. BatchNorm runs in
/// inference mode (running statistics). Layers other than Dense, BatchNorm and ActivationLayer are
/// not supported.
public final class Predictor {
    private enum Step {
        case dense(Dense)
        case batchNorm(BatchNorm)
        case activation(Activation)
    }

    private let steps: [Step]
    public let inputSize: Int
    public let outputSize: Int
    /// Rows per chunk for batched prediction.
    public let chunkRows: Int
    /// Per step, the output width.
    private let widths: [Int]
    private let chunkBuffers: [Matrix]
    private let rowBuffers: [Matrix]
    private var outputs: [Int: Matrix] = [:]

    public init(_ model: Sequential, chunkRows: Int = 1024) {
        precondition(chunkRows > 0, "Predictor: chunkRows must be positive")
        var steps: [Step] = [], widths: [Int] = []
        var width = -1, input = -1
        for layer in model.layers {
            switch layer {
            case let d as Dense:
                precondition(width < 0 || d.inputSize == width, "Predictor: layer sizes do not chain")
                if input < 0 { input = d.inputSize }
                steps.append(.dense(d)); width = d.outputSize
            case let b as BatchNorm:
                precondition(width < 0 || b.scale.cols == width, "Predictor: BatchNorm size does not match")
                if input < 0 { input = b.scale.cols }
                steps.append(.batchNorm(b)); width = b.scale.cols
            case let a as ActivationLayer:
                precondition(width >= 0, "Predictor: a network cannot start with an activation layer")
                steps.append(.activation(a.activation))
            default:
                preconditionFailure("Predictor supports Dense, BatchNorm and ActivationLayer, not \(type(of: layer))")
            }
            widths.append(width)
        }
        precondition(!steps.isEmpty, "Predictor: empty model")
        self.steps = steps
        self.widths = widths
        self.chunkRows = chunkRows
        inputSize = input
        outputSize = width
        chunkBuffers = widths.map { Matrix(rows: chunkRows, cols: $0) }
        rowBuffers = widths.map { Matrix(rows: 1, cols: $0) }
    }

    /// The network applied to each row of x. The result is owned by the predictor and is
    /// overwritten by the next call with the same number of rows.
    public func predict(_ x: Matrix) -> Matrix {
        precondition(x.cols == inputSize, "Predictor: input has \(x.cols) columns, the network takes \(inputSize)")
        let n = x.rows
        let output = outputs[n] ?? Matrix(rows: n, cols: outputSize)
        outputs[n] = output
        var start = 0
        while start < n {
            let rows = min(chunkRows, n - start)
            var current = UnsafePointer(x.pointer + start * inputSize)
            for (k, step) in steps.enumerated() {
                let target = k == steps.count - 1 ? output.pointer + start * outputSize : chunkBuffers[k].pointer
                run(step, input: current, rows: rows, output: target,
                    inputWidth: k == 0 ? inputSize : widths[k - 1], width: widths[k])
                current = UnsafePointer(target)
            }
            start += rows
        }
        return output
    }

    /// The network applied to a single row; returns a pointer to `outputSize` values owned by the
    /// predictor, valid until the next call. Runs single-threaded sgemv (a second OpenBLAS thread makes a
    /// single-row product about 5x slower).
    public func predictRow(_ x: UnsafePointer<Float>) -> UnsafePointer<Float> {
        var current = x
        for (k, step) in steps.enumerated() {
            run(step, input: current, rows: 1, output: rowBuffers[k].pointer,
                inputWidth: k == 0 ? inputSize : widths[k - 1], width: widths[k])
            current = UnsafePointer(rowBuffers[k].pointer)
        }
        return current
    }

    /// Drops the output matrices kept for batch sizes seen so far.
    public func releaseBuffers() { outputs.removeAll() }

    private func run(_ step: Step, input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>,
                     inputWidth: Int, width: Int) {
        switch step {
        case .dense(let d):
            let bias = d.bias.map { UnsafePointer($0.value.pointer) }
            if rows == 1 {
                BLAS.sgemv(trans: true, rows: inputWidth, cols: width, a: d.weight.value.pointer, x: input, y: output)
                d.activation.applyInPlace(output, bias: bias, rows: 1, cols: width)
            } else {
                BLAS.sgemm(transA: false, transB: false, m: rows, n: width, k: inputWidth,
                           a: input, lda: inputWidth, b: d.weight.value.pointer, ldb: width, c: output, ldc: width)
                d.activation.applyInPlace(output, bias: bias, rows: rows, cols: width)
            }
        case .batchNorm(let b):
            let mean = b.runningMean.value.pointer, variance = b.runningVariance.value.pointer
            let gamma = b.scale.value.pointer, beta = b.shift.value.pointer
            // y = (x - mean) · γ/√(var + ε) + β, with the per-column factor computed once per call
            // in scratch space (no heap allocation in a sampling loop).
            withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { s in
                for j in 0..<width { s[j] = gamma[j] / (variance[j] + b.epsilon).squareRoot() }
                for r in 0..<rows {
                    let xr = input + r * width, yr = output + r * width
                    for j in 0..<width { yr[j] = madd(xr[j] - mean[j], s[j], beta[j]) }
                }
            }
        case .activation(let f):
            f.apply(input, output, count: rows * width)
        }
    }
}
