// Matrix products and shape operations.

extension Graph {
    /// op(a) · op(b), where op transposes when asked. Runs on sgemm.
    public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let m = transposeA ? a.cols : a.rows, k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows, n = transposeB ? b.rows : b.cols
        precondition(k == kb, "matmul: inner dimensions differ (\(a.rows)x\(a.cols)\(transposeA ? "ᵀ" : "") · "
                     + "\(b.rows)x\(b.cols)\(transposeB ? "ᵀ" : ""))")
        let out = allocate(m, n)
        BLAS.sgemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                   a: a.value.pointer, lda: a.cols, b: b.value.pointer, ldb: b.cols,
                   c: out.pointer, ldc: n)
        return result(out, inputs: [a, b]) { [unowned self] g, needs in
            // C = op(A) op(B): dA = G op(B)ᵀ (or op(B) Gᵀ when A is transposed), and alike for B.
            let ga: Tensor? = needs[0]
                ? (transposeA ? self.matmul(b, g, transposeA: transposeB, transposeB: true)
                              : self.matmul(g, b, transposeA: false, transposeB: !transposeB))
                : nil
            let gb: Tensor? = needs[1]
                ? (transposeB ? self.matmul(g, a, transposeA: true, transposeB: transposeA)
                              : self.matmul(a, g, transposeA: !transposeA, transposeB: false))
                : nil
            return [ga, gb]
        }
    }

    public func transpose(_ a: Tensor) -> Tensor {
        let out = allocate(a.cols, a.rows)
        let x = a.value.pointer, y = out.pointer
        for i in 0..<a.rows { for j in 0..<a.cols { y[j * a.rows + i] = x[i * a.cols + j] } }
        return result(out, inputs: [a]) { [unowned self] g, _ in [self.transpose(g)] }
    }

    /// The block rows × cols of a.
    public func slice(_ a: Tensor, rows: Range<Int>? = nil, cols: Range<Int>? = nil) -> Tensor {
        let r = rows ?? 0..<a.rows, c = cols ?? 0..<a.cols
        precondition(r.lowerBound >= 0 && r.upperBound <= a.rows && c.lowerBound >= 0 && c.upperBound <= a.cols,
                     "slice \(r), \(c) out of a \(a.rows)x\(a.cols) tensor")
        if r == 0..<a.rows && c == 0..<a.cols { return a }
        let out = allocate(r.count, c.count)
        for i in 0..<r.count {
            (out.pointer + i * c.count).update(from: a.value.pointer + (r.lowerBound + i) * a.cols + c.lowerBound,
                                              count: c.count)
        }
        return result(out, inputs: [a]) { [unowned self] g, _ in
            [self.pad(g, toRows: a.rows, cols: a.cols, rowOffset: r.lowerBound, colOffset: c.lowerBound)]
        }
    }

    /// Columns `range` of a.
    public func slice(_ a: Tensor, cols range: Range<Int>) -> Tensor { slice(a, rows: nil, cols: range) }

    /// a placed at (rowOffset, colOffset) inside a zero matrix of the given shape: the adjoint of slice.
    public func pad(_ a: Tensor, toRows rows: Int, cols: Int, rowOffset: Int, colOffset: Int) -> Tensor {
        precondition(rowOffset >= 0 && colOffset >= 0 && rowOffset + a.rows <= rows && colOffset + a.cols <= cols,
                     "pad: a \(a.rows)x\(a.cols) block does not fit at (\(rowOffset), \(colOffset)) in \(rows)x\(cols)")
        let out = zeros(rows, cols)
        for i in 0..<a.rows {
            (out.pointer + (rowOffset + i) * cols + colOffset).update(from: a.value.pointer + i * a.cols, count: a.cols)
        }
        return result(out, inputs: [a]) { [unowned self] g, _ in
            [self.slice(g, rows: rowOffset..<(rowOffset + a.rows), cols: colOffset..<(colOffset + a.cols))]
        }
    }

    /// Joins tensors side by side (axis 1, equal rows) or one above the other (axis 0, equal cols).
    public func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate: no tensors")
        precondition(axis == 0 || axis == 1, "concatenate: axis must be 0 or 1")
        if parts.count == 1 { return parts[0] }
        let rows = axis == 0 ? parts.reduce(0) { $0 + $1.rows } : parts[0].rows
        let cols = axis == 1 ? parts.reduce(0) { $0 + $1.cols } : parts[0].cols
        precondition(parts.allSatisfy { axis == 0 ? $0.cols == cols : $0.rows == rows },
                     "concatenate: tensors differ in \(axis == 0 ? "columns" : "rows")")
        let out = allocate(rows, cols)
        var offset = 0
        for p in parts {
            if axis == 0 {
                (out.pointer + offset * cols).update(from: p.value.pointer, count: p.value.count)
                offset += p.rows
            } else {
                for i in 0..<rows {
                    (out.pointer + i * cols + offset).update(from: p.value.pointer + i * p.cols, count: p.cols)
                }
                offset += p.cols
            }
        }
        return result(out, inputs: parts) { [unowned self] g, needs in
            var start = 0
            return parts.enumerated().map { k, p in
                defer { start += axis == 0 ? p.rows : p.cols }
                guard needs[k] else { return nil }
                return axis == 0 ? self.slice(g, rows: start..<(start + p.rows))
                                 : self.slice(g, cols: start..<(start + p.cols))
            }
        }
    }
}
