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
        let z = allocate(n, width)
        BLAS.sgemm(transA: false, transB: false, m: n, n: width, k: x.cols,
                   a: x.value.pointer, lda: x.cols, b: w.value.pointer, ldb: width, c: z.pointer, ldc: width)
        // Only swish differentiates through the pre-activation; every other f' is written in y,
        // and ReLU's and ELU's sign tests may read y > 0 for z > 0 (true for ELU only with
        // alpha > 0), so for those y overwrites z in place.
        let keepsPreActivation: Bool = switch f {
        case .swish: true
        case .elu(let alpha): alpha <= 0
        default: false
        }
        let y = keepsPreActivation ? allocate(n, width) : z
        let bias = b.map { UnsafePointer($0.value.pointer) }
        if keepsPreActivation {
            if let bias {
                f.applyWithBias(z: z.pointer, bias: bias, y: y.pointer, rows: n, cols: width)
            } else {
                f.apply(z.pointer, y.pointer, count: y.count)
            }
        } else {
            f.applyInPlace(z.pointer, bias: bias, rows: n, cols: width)
        }
        let inputs = b.map { [x, w, $0] } ?? [x, w]
        var output: Tensor!
        output = result(y, inputs: inputs) { [unowned self] g, needs in
            if f == .identity {
                return self.affineGradients(g, x: x, w: w, hasBias: b != nil, needs: needs)
            }
            if !self.isRecording && b != nil && needs[2] {
                // First order only: f' and the bias gradient's column sums in one pass.
                let dz = self.allocate(n, width), biasGradient = self.allocate(1, width)
                f.derivativeProductWithColumnSums(x: z.pointer, y: y.pointer, g: g.value.pointer, out: dz.pointer,
                                                  sums: biasGradient.pointer, rows: n, cols: width)
                let dzTensor = self.constant(dz)
                return [needs[0] ? self.matmul(dzTensor, w, transposeB: true) : nil,
                        needs[1] ? self.matmul(x, dzTensor, transposeA: true) : nil,
                        self.constant(biasGradient)]
            }
            // The pre-activation joins the graph only when a recorded backward pass needs it.
            let preActivation = keepsPreActivation && self.isRecording
                ? self.affineView(z, x: x, w: w, b: b) : self.constant(z)
            let dz = self.activationDerivative(f, x: preActivation, y: output, upstream: g)
            return self.affineGradients(dz, x: x, w: w, hasBias: b != nil, needs: needs)
        }
        return output
    }

    /// Gradients of z = x w (+ b) from dz: dz wᵀ, xᵀ dz and the column sums of dz.
    private func affineGradients(_ dz: Tensor, x: Tensor, w: Tensor, hasBias: Bool, needs: [Bool]) -> [Tensor?] {
        var grads: [Tensor?] = [
            needs[0] ? matmul(dz, w, transposeB: true) : nil,
            needs[1] ? matmul(x, dz, transposeA: true) : nil,
        ]
        if hasBias { grads.append(needs[2] ? sum(dz, axis: 0) : nil) }
        return grads
    }

    /// The already computed z = x w + b as a node of the graph, so that second derivatives can
    /// flow through the pre-activation without recomputing it.
    private func affineView(_ z: Matrix, x: Tensor, w: Tensor, b: Tensor?) -> Tensor {
        let inputs = b.map { [x, w, $0] } ?? [x, w]
        return result(z, inputs: inputs) { [unowned self] g, needs in
            self.affineGradients(g, x: x, w: w, hasBias: b != nil, needs: needs)
        }
    }
}
