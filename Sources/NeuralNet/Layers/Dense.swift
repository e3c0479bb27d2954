/// A fully connected layer, y = f(x W + b), with W stored in × out.
public final class Dense: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let activation: Activation

    public var inputSize: Int { weight.rows }
    public var outputSize: Int { weight.cols }

    /// Weights drawn from a uniform distribution scaled to the activation: Glorot (Xavier) for the
    /// saturating ones (tanh, sigmoid, identity), He for the rectifier family (ReLU, ELU, swish),
    /// so that activations keep their variance through depth. Biases start at zero.
    public init(_ inputSize: Int, _ outputSize: Int, activation: Activation = .identity,
                useBias: Bool = true, generator: inout RandomGenerator) {
        precondition(inputSize > 0 && outputSize > 0, "Dense: sizes must be positive")
        let limit: Float
        switch activation {
        case .relu, .elu, .swish: limit = (6 / Float(inputSize)).squareRoot()
        case .identity, .tanh, .sigmoid: limit = (6 / Float(inputSize + outputSize)).squareRoot()
        }
        let w = Matrix(rows: inputSize, cols: outputSize)
        generator.fillUniform(w.pointer, count: w.count, low: -limit, high: limit)
        weight = Parameter(name: "weight", value: w)
        bias = useBias ? Parameter(name: "bias", value: Matrix(rows: 1, cols: outputSize)) : nil
        self.activation = activation
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public func callAsFunction(_ x: Tensor, training: Bool = true) -> Tensor {
        let g = x.graph
        return g.dense(x, weight: g.parameter(weight), bias: bias.map { g.parameter($0) }, activation: activation)
    }

    public func name(prefix: String) {
        weight.name = prefix + "weight"
        bias?.name = prefix + "bias"
    }
}
