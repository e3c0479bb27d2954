/// A small dense Float64 matrix in row-major order, with value semantics.
///
/// Used for covariances, eigenproblems and statistics (k × k with k a few tens at most), where
/// Float32 would lose the digits that implied time scales depend on.
public struct DoubleMatrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public var values: [Double]

    public init(rows: Int, cols: Int, values: [Double]) {
        precondition(values.count == rows * cols,
                     "DoubleMatrix(rows: \(rows), cols: \(cols)) needs \(rows * cols) values, got \(values.count)")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.init(rows: rows, cols: cols, values: Array(repeating: value, count: rows * cols))
    }

    public init(_ nested: [[Double]]) {
        let cols = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == cols }, "All rows must have the same length")
        self.init(rows: nested.count, cols: cols, values: nested.flatMap { $0 })
    }

    public static func identity(_ n: Int) -> DoubleMatrix {
        var m = DoubleMatrix(rows: n, cols: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public static func diagonal(_ d: [Double]) -> DoubleMatrix {
        var m = DoubleMatrix(rows: d.count, cols: d.count)
        for (i, v) in d.enumerated() { m[i, i] = v }
        return m
    }

    /// A Float32 matrix widened to Float64.
    public init(_ m: Matrix) {
        self.init(rows: m.rows, cols: m.cols, values: m.values.map(Double.init))
    }

    /// Narrowed to a Float32 matrix.
    public var float32: Matrix {
        Matrix(rows: rows, cols: cols, values: values.map(Float.init))
    }

    public subscript(i: Int, j: Int) -> Double {
        get { values[i * cols + j] }
        set { values[i * cols + j] = newValue }
    }

    public var transposed: DoubleMatrix {
        var t = DoubleMatrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t[j, i] = self[i, j] } }
        return t
    }

    public var trace: Double {
        precondition(rows == cols, "trace of a non-square matrix")
        return (0..<rows).reduce(0) { $0 + self[$1, $1] }
    }

    public var diagonalValues: [Double] { (0..<min(rows, cols)).map { self[$0, $0] } }

    /// The sum of squared elements (the squared Frobenius norm).
    public var squaredFrobeniusNorm: Double { values.reduce(0) { $0 + $1 * $1 } }

    /// (A + Aᵀ) / 2: removes the asymmetry that rounding leaves in a computed symmetric matrix.
    public var symmetrized: DoubleMatrix {
        precondition(rows == cols, "symmetrized: matrix is not square")
        var s = self
        for i in 0..<rows { for j in 0..<i {
            let v = (self[i, j] + self[j, i]) / 2
            s[i, j] = v
            s[j, i] = v
        } }
        return s
    }

    public static func * (a: DoubleMatrix, b: DoubleMatrix) -> DoubleMatrix {
        a.multiplied(by: b)
    }

    /// op(self) · op(other) through dgemm.
    public func multiplied(by other: DoubleMatrix, transposeSelf: Bool = false,
                           transposeOther: Bool = false) -> DoubleMatrix {
        let m = transposeSelf ? cols : rows, k = transposeSelf ? rows : cols
        let k2 = transposeOther ? other.cols : other.rows, n = transposeOther ? other.rows : other.cols
        precondition(k == k2, "DoubleMatrix product: inner dimensions \(k) and \(k2) differ")
        var result = DoubleMatrix(rows: m, cols: n)
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                result.values.withUnsafeMutableBufferPointer { c in
                    BLAS.dgemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k,
                               a: a.baseAddress!, lda: cols, b: b.baseAddress!, ldb: other.cols,
                               c: c.baseAddress!, ldc: n)
                }
            }
        }
        return result
    }

    public static func + (a: DoubleMatrix, b: DoubleMatrix) -> DoubleMatrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "DoubleMatrix +: shapes differ")
        return DoubleMatrix(rows: a.rows, cols: a.cols, values: zip(a.values, b.values).map(+))
    }

    public static func - (a: DoubleMatrix, b: DoubleMatrix) -> DoubleMatrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "DoubleMatrix -: shapes differ")
        return DoubleMatrix(rows: a.rows, cols: a.cols, values: zip(a.values, b.values).map(-))
    }

    public static func * (s: Double, a: DoubleMatrix) -> DoubleMatrix {
        DoubleMatrix(rows: a.rows, cols: a.cols, values: a.values.map { s * $0 })
    }

    /// The largest absolute elementwise difference to `other`.
    public func maxAbsoluteDifference(_ other: DoubleMatrix) -> Double {
        precondition(rows == other.rows && cols == other.cols, "maxAbsoluteDifference: shapes differ")
        return zip(values, other.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}
