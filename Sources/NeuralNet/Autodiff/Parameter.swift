/// A named, persistent matrix that a model owns: a trainable weight, or a non-trainable buffer such
/// as BatchNorm's running statistics (saved and loaded with the weights, never optimized).
public final class Parameter {
    public var name: String
    public let value: Matrix
    public let isTrainable: Bool

    public init(name: String, value: Matrix, trainable: Bool = true) {
        self.name = name
        self.value = value
        self.isTrainable = trainable
    }

    public var rows: Int { value.rows }
    public var cols: Int { value.cols }
}

extension Array where Element == Parameter {
    /// The trainable subset, in order.
    public var trainable: [Parameter] { filter(\.isTrainable) }

    /// Copies of every value (a snapshot, e.g. of the best weights during early stopping).
    public func snapshot() -> [Matrix] { map { $0.value.copy() } }

    /// Restores values from a snapshot taken from the same list.
    public func restore(_ snapshot: [Matrix]) {
        precondition(snapshot.count == count, "restore: snapshot has \(snapshot.count) matrices for \(count) parameters")
        for (p, m) in zip(self, snapshot) { p.value.assign(m) }
    }

    /// The total number of scalar values.
    public var scalarCount: Int { reduce(0) { $0 + $1.value.count } }
}
