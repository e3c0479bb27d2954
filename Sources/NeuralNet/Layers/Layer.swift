/// A building block of a network: parameters plus a forward function on the graph.
public protocol Layer: AnyObject {
    /// Every parameter, trainable or not, in a stable order (this order is the save order).
    var parameters: [Parameter] { get }
    /// The forward pass. `training` selects batch statistics (BatchNorm) over running ones.
    func callAsFunction(_ x: Tensor, training: Bool) -> Tensor
    /// Gives every parameter a name under `prefix` (e.g. "encoder.0.weight").
    func name(prefix: String)
}
