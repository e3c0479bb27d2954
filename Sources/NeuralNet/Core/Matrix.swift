import Foundation

/// A dense Float32 matrix in row-major order: element (i, j) sits at `pointer[i * cols + j]`.
///
/// Network layers store weights as in × out, so a layer computes Z = X W with X holding one sample
/// per row. `Matrix` is a reference type on purpose: its storage is 64-byte aligned memory that the
/// BLAS and the elementwise kernels address through `pointer`, and it is recycled by a graph's
/// buffer pool between training steps, so copying a matrix never happens by accident. Use
/// `copy()` to duplicate one.
public final class Matrix: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    /// The first element. Valid for `count` elements for the lifetime of the matrix.
    public let pointer: UnsafeMutablePointer<Float>

    public var count: Int { rows * cols }
    public var shape: (rows: Int, cols: Int) { (rows, cols) }

    /// A zero-filled matrix.
    public init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must not be negative")
        self.rows = rows
        self.cols = cols
        let bytes = max(rows * cols, 1) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: Float.self, repeating: 0, count: max(rows * cols, 1))
        pointer = raw.assumingMemoryBound(to: Float.self)
    }

    /// A matrix holding `values` in row-major order.
    public convenience init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols,
                     "Matrix(rows: \(rows), cols: \(cols)) needs \(rows * cols) values, got \(values.count)")
        self.init(rows: rows, cols: cols)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A matrix from nested rows, all of the same length.
    public convenience init(_ nested: [[Float]]) {
        let cols = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == cols }, "All rows must have the same length")
        self.init(rows: nested.count, cols: cols, values: nested.flatMap { $0 })
    }

    /// A matrix with every element equal to `value`.
    public convenience init(rows: Int, cols: Int, repeating value: Float) {
        self.init(rows: rows, cols: cols)
        fill(value)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    public subscript(row: Int, col: Int) -> Float {
        get {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "Matrix index out of range")
            return pointer[row * cols + col]
        }
        set {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "Matrix index out of range")
            pointer[row * cols + col] = newValue
        }
    }

    /// The elements in row-major order.
    public var values: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: pointer + i * cols, count: cols))
    }

    public func copy() -> Matrix {
        let result = Matrix(rows: rows, cols: cols)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    /// Copies the elements of `other`, which must have the same shape.
    public func assign(_ other: Matrix) {
        precondition(other.rows == rows && other.cols == cols, "assign: shapes differ")
        pointer.update(from: other.pointer, count: count)
    }

    public func fill(_ value: Float) {
        pointer.update(repeating: value, count: count)
    }

    /// The transpose as a new matrix.
    public func transposed() -> Matrix {
        let result = Matrix(rows: cols, cols: rows)
        for i in 0..<rows {
            for j in 0..<cols { result.pointer[j * rows + i] = pointer[i * cols + j] }
        }
        return result
    }

    /// Copies rows `indices` of this matrix, in that order, into `destination`, which must have
    /// `indices.count` rows and the same number of columns. This is how mini-batches are gathered.
    public func gatherRows<C: Collection>(_ indices: C, into destination: Matrix) where C.Element == Int {
        precondition(destination.cols == cols && destination.rows == indices.count,
                     "gatherRows: destination must be \(indices.count) x \(cols)")
        var target = destination.pointer
        for index in indices {
            precondition(index >= 0 && index < rows, "gatherRows: row \(index) out of range 0..<\(rows)")
            target.update(from: pointer + index * cols, count: cols)
            target += cols
        }
    }

    /// Rows `indices` as a new matrix.
    public func rows<C: Collection>(_ indices: C) -> Matrix where C.Element == Int {
        let result = Matrix(rows: indices.count, cols: cols)
        gatherRows(indices, into: result)
        return result
    }

    /// The largest absolute elementwise difference to `other` (same shape).
    public func maxAbsoluteDifference(_ other: Matrix) -> Float {
        precondition(other.rows == rows && other.cols == cols, "maxAbsoluteDifference: shapes differ")
        var worst: Float = 0
        for i in 0..<count { worst = max(worst, abs(pointer[i] - other.pointer[i])) }
        return worst
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let shown = (0..<min(rows, 6)).map { i in
            (0..<min(cols, 8)).map { String(format: "%10.4g", Double(self[i, $0])) }.joined(separator: " ")
        }
        return "Matrix \(rows)x\(cols)\n" + shown.joined(separator: "\n")
    }
}
