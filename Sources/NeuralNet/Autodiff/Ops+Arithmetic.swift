// Elementwise arithmetic with row and column broadcasting, and the reductions that undo it.
//
// Broadcasting rule: two operands combine when each dimension is equal or 1 in one of them, so a
// matrix combines with a row vector (1 × cols), a column vector (rows × 1) or a scalar (1 × 1).

extension Graph {
    public func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = broadcastBinary(a, b) { $0 + $1 }
        return result(out, inputs: [a, b]) { [unowned self] g, needs in
            [needs[0] ? self.sum(g, toRows: a.rows, cols: a.cols) : nil,
             needs[1] ? self.sum(g, toRows: b.rows, cols: b.cols) : nil]
        }
    }

    public func subtract(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = broadcastBinary(a, b) { $0 - $1 }
        return result(out, inputs: [a, b]) { [unowned self] g, needs in
            [needs[0] ? self.sum(g, toRows: a.rows, cols: a.cols) : nil,
             needs[1] ? self.negate(self.sum(g, toRows: b.rows, cols: b.cols)) : nil]
        }
    }

    public func multiply(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = broadcastBinary(a, b) { $0 * $1 }
        return result(out, inputs: [a, b]) { [unowned self] g, needs in
            [needs[0] ? self.sum(self.multiply(g, b), toRows: a.rows, cols: a.cols) : nil,
             needs[1] ? self.sum(self.multiply(g, a), toRows: b.rows, cols: b.cols) : nil]
        }
    }

    public func divide(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = broadcastBinary(a, b) { $0 / $1 }
        return result(out, inputs: [a, b]) { [unowned self] g, needs in
            // d(a/b)/da = 1/b; d(a/b)/db = -a/b².
            [needs[0] ? self.sum(self.divide(g, b), toRows: a.rows, cols: a.cols) : nil,
             needs[1] ? self.negate(self.sum(self.divide(self.multiply(g, a), self.square(b)),
                                             toRows: b.rows, cols: b.cols)) : nil]
        }
    }

    /// a · s for a constant s.
    public func scale(_ a: Tensor, by s: Float) -> Tensor {
        let out = allocate(a.rows, a.cols)
        let x = a.value.pointer, y = out.pointer
        for i in 0..<out.count { y[i] = x[i] * s }
        return result(out, inputs: [a]) { [unowned self] g, _ in [self.scale(g, by: s)] }
    }

    public func negate(_ a: Tensor) -> Tensor { scale(a, by: -1) }

    /// a + s for a constant s.
    public func add(_ a: Tensor, _ s: Float) -> Tensor {
        let out = allocate(a.rows, a.cols)
        let x = a.value.pointer, y = out.pointer
        for i in 0..<out.count { y[i] = x[i] + s }
        return result(out, inputs: [a]) { g, _ in [g] }
    }

    /// Sums a over the dimensions where the target shape is 1: the adjoint of broadcasting.
    /// `rows` must be a.rows or 1, `cols` a.cols or 1.
    public func sum(_ a: Tensor, toRows rows: Int, cols: Int) -> Tensor {
        precondition((rows == a.rows || rows == 1) && (cols == a.cols || cols == 1),
                     "sum(toRows: \(rows), cols: \(cols)) cannot reduce a \(a.rows)x\(a.cols) tensor")
        if rows == a.rows && cols == a.cols { return a }
        let out = zeros(rows, cols)
        let x = a.value.pointer, y = out.pointer, n = a.cols
        if rows == 1 && cols == n {
            for r in 0..<a.rows { let xr = x + r * n; for j in 0..<n { y[j] += xr[j] } }
        } else if cols == 1 && rows == a.rows {
            for r in 0..<a.rows {
                var s: Float = 0
                let xr = x + r * n
                for j in 0..<n { s += xr[j] }
                y[r] = s
            }
        } else {
            var s: Float = 0
            for i in 0..<a.value.count { s += x[i] }
            y[0] = s
        }
        return result(out, inputs: [a]) { [unowned self] g, _ in [self.broadcast(g, toRows: a.rows, cols: a.cols)] }
    }

    /// Repeats a along its dimensions of size 1 up to the given shape: the adjoint of `sum(toRows:)`.
    public func broadcast(_ a: Tensor, toRows rows: Int, cols: Int) -> Tensor {
        precondition((a.rows == rows || a.rows == 1) && (a.cols == cols || a.cols == 1),
                     "cannot broadcast a \(a.rows)x\(a.cols) tensor to \(rows)x\(cols)")
        if rows == a.rows && cols == a.cols { return a }
        let out = allocate(rows, cols)
        let x = a.value.pointer, y = out.pointer
        for r in 0..<rows {
            let xr = x + (a.rows == 1 ? 0 : r * a.cols), yr = y + r * cols
            if a.cols == cols { yr.update(from: xr, count: cols) } else { yr.update(repeating: xr[0], count: cols) }
        }
        return result(out, inputs: [a]) { [unowned self] g, _ in [self.sum(g, toRows: a.rows, cols: a.cols)] }
    }

    /// Sum over an axis: 0 gives a 1 × cols row, 1 gives a rows × 1 column, nil the 1 × 1 total.
    public func sum(_ a: Tensor, axis: Int? = nil) -> Tensor {
        switch axis {
        case 0: return sum(a, toRows: 1, cols: a.cols)
        case 1: return sum(a, toRows: a.rows, cols: 1)
        case nil: return sum(a, toRows: 1, cols: 1)
        default: preconditionFailure("sum: axis must be 0, 1 or nil")
        }
    }

    /// Mean over an axis (see `sum(_:axis:)`).
    public func mean(_ a: Tensor, axis: Int? = nil) -> Tensor {
        let n: Int
        switch axis {
        case 0: n = a.rows
        case 1: n = a.cols
        default: n = a.rows * a.cols
        }
        return scale(sum(a, axis: axis), by: 1 / Float(max(n, 1)))
    }

    /// Combines a and b elementwise with broadcasting into a pooled matrix.
    @inline(__always)
    func broadcastBinary(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Matrix {
        let rows = max(a.rows, b.rows), cols = max(a.cols, b.cols)
        precondition((a.rows == rows || a.rows == 1) && (b.rows == rows || b.rows == 1)
                     && (a.cols == cols || a.cols == 1) && (b.cols == cols || b.cols == 1),
                     "shapes \(a.rows)x\(a.cols) and \(b.rows)x\(b.cols) do not broadcast")
        let out = allocate(rows, cols)
        let x = a.value.pointer, y = b.value.pointer, z = out.pointer
        if a.rows == b.rows && a.cols == b.cols {
            for i in 0..<out.count { z[i] = f(x[i], y[i]) }
            return out
        }
        for r in 0..<rows {
            let xr = x + (a.rows == 1 ? 0 : r * a.cols)
            let yr = y + (b.rows == 1 ? 0 : r * b.cols)
            let zr = z + r * cols
            if a.cols == cols && b.cols == cols {
                for j in 0..<cols { zr[j] = f(xr[j], yr[j]) }
            } else if a.cols == cols {
                let v = yr[0]
                for j in 0..<cols { zr[j] = f(xr[j], v) }
            } else if b.cols == cols {
                let v = xr[0]
                for j in 0..<cols { zr[j] = f(v, yr[j]) }
            } else {
                zr.update(repeating: f(xr[0], yr[0]), count: cols)
            }
        }
        return out
    }
}

// Operator sugar: `a + b`, `a * 2`, `-a`.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { a.graph.add(a, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.graph.subtract(a, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.graph.multiply(a, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.graph.divide(a, b) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.graph.add(a, s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.graph.add(a, -s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.graph.scale(a, by: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.graph.scale(a, by: s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.graph.scale(a, by: 1 / s) }
    public static prefix func - (a: Tensor) -> Tensor { a.graph.negate(a) }
}
