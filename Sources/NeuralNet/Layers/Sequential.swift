/// Layers applied one after the other.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        name(prefix: "")
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func callAsFunction(_ x: Tensor, training: Bool = true) -> Tensor {
        layers.reduce(x) { $1($0, training: training) }
    }

    /// Names parameters "<prefix><index>.<name>", as PyTorch's nn.Sequential does. The values are
    /// not a drop-in state_dict: Dense weights are stored in × out, the transpose of
    /// nn.Linear.weight, and vectors as 1 × n.
    public func name(prefix: String) {
        for (i, layer) in layers.enumerated() { layer.name(prefix: "\(prefix)\(i).") }
    }
}

/// A multilayer perceptron builder: Dense layers of the given sizes, the hidden activation after
/// every hidden layer (optionally preceded by BatchNorm), and the output activation at the end.
public enum MLP {
    public static func make(sizes: [Int], hidden: Activation, output: Activation = .identity,
                            batchNorm: Bool = false, generator: inout RandomGenerator) -> Sequential {
        precondition(sizes.count >= 2, "MLP needs at least an input and an output size")
        var layers: [any Layer] = []
        for i in 0..<(sizes.count - 1) {
            let isLast = i == sizes.count - 2
            if batchNorm && !isLast {
                layers.append(Dense(sizes[i], sizes[i + 1], activation: .identity, generator: &generator))
                layers.append(BatchNorm(sizes[i + 1]))
                layers.append(ActivationLayer(hidden))
            } else {
                layers.append(Dense(sizes[i], sizes[i + 1], activation: isLast ? output : hidden,
                                    generator: &generator))
            }
        }
        return Sequential(layers)
    }
}

/// A parameter-free activation as a layer (used after BatchNorm).
public final class ActivationLayer: Layer {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }
    public var parameters: [Parameter] { [] }
    public func callAsFunction(_ x: Tensor, training: Bool = true) -> Tensor {
        x.graph.activation(x, activation)
    }
    public func name(prefix: String) {}
}
