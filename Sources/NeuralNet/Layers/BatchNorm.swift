/// Batch normalization over the rows of a batch: y = γ (x - μ) / √(σ² + ε) + β per column.
///
/// In training mode μ and σ² are the batch's mean and (biased) variance, and the running
/// statistics move towards them: running ← (1 - momentum) running + momentum batch, with the
/// unbiased batch variance (the convention PyTorch uses, so its weights carry over). In
/// inference mode the running statistics are used and the output of a sample does not depend on
/// the rest of the batch.
public final class BatchNorm: Layer {
    public let scale: Parameter      // γ
    public let shift: Parameter      // β
    public let runningMean: Parameter
    public let runningVariance: Parameter
    public let momentum: Float
    public let epsilon: Float

    public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        precondition(features > 0, "BatchNorm: features must be positive")
        scale = Parameter(name: "weight", value: Matrix(rows: 1, cols: features, repeating: 1))
        shift = Parameter(name: "bias", value: Matrix(rows: 1, cols: features))
        runningMean = Parameter(name: "running_mean", value: Matrix(rows: 1, cols: features), trainable: false)
        runningVariance = Parameter(name: "running_var", value: Matrix(rows: 1, cols: features, repeating: 1),
                                    trainable: false)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [scale, shift, runningMean, runningVariance] }

    public func callAsFunction(_ x: Tensor, training: Bool = true) -> Tensor {
        let g = x.graph
        let normalized: Tensor
        if training {
            precondition(x.rows > 1, "BatchNorm in training mode needs more than one row per batch")
            let mean = g.mean(x, axis: 0)
            let deviation = g.subtract(x, mean)
            let variance = g.mean(g.square(deviation), axis: 0)
            normalized = g.divide(deviation, g.sqrt(g.add(variance, epsilon)))
            updateRunningStatistics(mean: mean.value, biasedVariance: variance.value, count: x.rows)
        } else {
            let inverseStd = g.allocate(1, x.cols)   // pooled: no allocation per call after the first
            for j in 0..<x.cols { inverseStd.pointer[j] = 1 / (runningVariance.value.pointer[j] + epsilon).squareRoot() }
            normalized = g.multiply(g.subtract(x, g.constant(runningMean.value)), g.constant(inverseStd))
        }
        return g.add(g.multiply(normalized, g.parameter(scale)), g.parameter(shift))
    }

    private func updateRunningStatistics(mean: Matrix, biasedVariance: Matrix, count: Int) {
        let unbiased = Float(count) / Float(count - 1)
        for j in 0..<mean.cols {
            let m = runningMean.value.pointer, v = runningVariance.value.pointer
            m[j] = (1 - momentum) * m[j] + momentum * mean.pointer[j]
            v[j] = (1 - momentum) * v[j] + momentum * biasedVariance.pointer[j] * unbiased
        }
    }

    public func name(prefix: String) {
        scale.name = prefix + "weight"
        shift.name = prefix + "bias"
        runningMean.name = prefix + "running_mean"
        runningVariance.name = prefix + "running_var"
    }
}
