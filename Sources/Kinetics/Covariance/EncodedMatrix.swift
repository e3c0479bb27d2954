import NeuralNet

/// The stored form of a `DoubleMatrix` inside the Codable models of this folder and of
/// Decomposition/ (DoubleMatrix itself is not Codable, and a retroactive conformance in one module
/// could clash with another's).
struct EncodedMatrix: Codable, Equatable, Sendable {
    var rows: Int
    var cols: Int
    var values: [Double]

    init(_ matrix: DoubleMatrix) {
        rows = matrix.rows
        cols = matrix.cols
        values = matrix.values
    }

    /// The matrix, after checking that the stored shape and values agree.
    func matrix(named name: String) throws -> DoubleMatrix {
        guard rows >= 0, cols >= 0, values.count == rows * cols else {
            throw KineticsError(.mismatch, "\(name): the stored matrix says \(rows)×\(cols) but holds \(values.count) values")
        }
        return DoubleMatrix(rows: rows, cols: cols, values: values)
    }
}
