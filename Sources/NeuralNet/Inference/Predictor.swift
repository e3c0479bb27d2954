/// Runs a trained network forward without a graph, reusing its buffers: for sampling loops and
/// decoding, where a tape's bookkeeping would cost more than the arithmetic.
///
/// It reads the model's weights by reference, so it sees later training. BatchNorm runs in
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
    /// Per step, the output width.
    private let widths: [Int]
    private var batchBuffers: [Int: [(z: Matrix, y: Matrix)]] = [:]
    private let rowBuffers: [(z: Matrix, y: Matrix)]

    public init(_ model: Sequential) {
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
        inputSize = input
        outputSize = width
        rowBuffers = widths.map { (Matrix(rows: 1, cols: $0), Matrix(rows: 1, cols: $0)) }
    }

    /// The network applied to each row of x. The result is owned by the predictor and is
    /// overwritten by the next call with the same number of rows.
    public func predict(_ x: Matrix) -> Matrix {
        precondition(x.cols == inputSize, "Predictor: input has \(x.cols) columns, the network takes \(inputSize)")
        let n = x.rows
        let buffers: [(z: Matrix, y: Matrix)]
        if let existing = batchBuffers[n] {
            buffers = existing
        } else {
            buffers = widths.map { (Matrix(rows: n, cols: $0), Matrix(rows: n, cols: $0)) }
            batchBuffers[n] = buffers
        }
        var current = UnsafePointer(x.pointer)
        for (k, step) in steps.enumerated() {
            current = run(step, input: current, rows: n, z: buffers[k].z.pointer, y: buffers[k].y.pointer,
                          inputWidth: k == 0 ? inputSize : widths[k - 1], width: widths[k])
        }
        return current == UnsafePointer(buffers.last!.z.pointer) ? buffers.last!.z : buffers.last!.y
    }

    /// The network applied to a single row; returns a pointer to `outputSize` values owned by the
    /// predictor, valid until the next call. Uses single-threaded sgemv.
    public func predictRow(_ x: UnsafePointer<Float>) -> UnsafePointer<Float> {
        var current = x
        for (k, step) in steps.enumerated() {
            current = run(step, input: current, rows: 1, z: rowBuffers[k].z.pointer, y: rowBuffers[k].y.pointer,
                          inputWidth: k == 0 ? inputSize : widths[k - 1], width: widths[k])
        }
        return current
    }

    /// Drops the buffers kept for batch sizes seen so far.
    public func releaseBuffers() { batchBuffers.removeAll() }

    private func run(_ step: Step, input: UnsafePointer<Float>, rows: Int, z: UnsafeMutablePointer<Float>,
                     y: UnsafeMutablePointer<Float>, inputWidth: Int, width: Int) -> UnsafePointer<Float> {
        switch step {
        case .dense(let d):
            if rows == 1 {
                BLAS.sgemv(trans: true, rows: inputWidth, cols: width, a: d.weight.value.pointer, x: input, y: z)
            } else {
                BLAS.sgemm(transA: false, transB: false, m: rows, n: width, k: inputWidth,
                           a: input, lda: inputWidth, b: d.weight.value.pointer, ldb: width, c: z, ldc: width)
            }
            let out = d.activation == .identity ? z : y
            if let b = d.bias {
                d.activation.applyWithBias(z: z, bias: b.value.pointer, y: out, rows: rows, cols: width)
            } else if d.activation != .identity {
                d.activation.apply(z, y, count: rows * width)
            }
            return UnsafePointer(out)
        case .batchNorm(let b):
            let mean = b.runningMean.value.pointer, variance = b.runningVariance.value.pointer
            let gamma = b.scale.value.pointer, beta = b.shift.value.pointer
            // y = (x - mean) · γ/√(var + ε) + β, with the per-column factor computed once.
            let factor = (0..<width).map { gamma[$0] / (variance[$0] + b.epsilon).squareRoot() }
            factor.withUnsafeBufferPointer { s in
                for r in 0..<rows {
                    let xr = input + r * width, yr = y + r * width
                    for j in 0..<width { yr[j] = madd(xr[j] - mean[j], s[j], beta[j]) }
                }
            }
            return UnsafePointer(y)
        case .activation(let f):
            f.apply(input, y, count: rows * width)
            return UnsafePointer(y)
        }
    }
}
