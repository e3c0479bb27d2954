// The fused dense layer: f(X W + b) as one node.
//
// A tape of tiny operations would run sgemm, then a bias pass, then an activation pass, each
// reading and writing the whole batch. Here the bias and the activation share one pass over the
// sgemm output, and the backward pass applies f' in one fused pass before the two sgemms. This
// fusion is where a Swift MLP beats PyTorch on the CPU.

extension Graph {
    /// f(x · w + b) for x (n × in), w (in × out) and an optional bias b (1 × out).
    public func dense(_ x: Tensor, weight w: Tensor, bias b: Tensor?, activation f: Activation) -> Tensor {
        precondition(x.cols == w.rows, "dense: input has \(x.cols) columns, weight has \(w.rows) rows")
        if let b { precondition(b.rows == 1 && b.cols == w.cols, "dense: bias must be 1x\(w.cols)") }
        let n = x.rows, width = w.cols
        // z = x w (+ b) is kept: swish and ELU differentiate through the pre-activation.
        let z = allocate(n, width)
        BLAS.sgemm(transA: false, transB: false, m: n, n: width, k: x.cols,
                   a: x.value.pointer, lda: x.cols, b: w.value.pointer, ldb: width, c: z.pointer, ldc: width)
        let y = f == .identity ? z : allocate(n, width)
        if let b {
            f.applyWithBias(z: z.pointer, bias: b.value.pointer, y: y.pointer, rows: n, cols: width)
        } else if f != .identity {
            f.apply(z.pointer, y.pointer, count: y.count)
        }
        let inputs = b.map { [x, w, $0] } ?? [x, w]
        var output: Tensor!
        output = result(y, inputs: inputs) { [unowned self] g, needs in
            let dz: Tensor
            if f == .identity {
                dz = g
            } else {
                // The pre-activation joins the graph only when a recorded backward pass needs it.
                let preActivation = f.derivativeVariable == .input && self.isRecording
                    ? self.affineView(z, x: x, w: w, b: b) : self.constant(z)
                dz = self.activationDerivative(f, x: preActivation, y: output, upstream: g)
            }
            var grads: [Tensor?] = [
                needs[0] ? self.matmul(dz, w, transposeB: true) : nil,
                needs[1] ? self.matmul(x, dz, transposeA: true) : nil,
            ]
            if b != nil { grads.append(needs[2] ? self.sum(dz, axis: 0) : nil) }
            return grads
        }
        return output
    }

    /// The already computed z = x w + b as a node of the graph, so that second derivatives can
    /// flow through the pre-activation without recomputing it.
    private func affineView(_ z: Matrix, x: Tensor, w: Tensor, b: Tensor?) -> Tensor {
        let inputs = b.map { [x, w, $0] } ?? [x, w]
        return result(z, inputs: inputs) { [unowned self] g, needs in
            var grads: [Tensor?] = [
                needs[0] ? self.matmul(g, w, transposeB: true) : nil,
                needs[1] ? self.matmul(x, g, transposeA: true) : nil,
            ]
            if b != nil { grads.append(needs[2] ? self.sum(g, axis: 0) : nil) }
            return grads
        }
    }
}
