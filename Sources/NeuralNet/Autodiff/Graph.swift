/// A value in a computation recorded by a `Graph`.
///
/// A tensor produced by an operation lives in the graph's buffer pool: its `value` is valid until
/// the graph's next `reset()`. Copy out (`value.copy()`, `scalar`) what must outlive a step.
public final class Tensor {
    public let value: Matrix
    public unowned let graph: Graph
    /// Index of the node that produced this tensor on the tape, or -1 for a constant.
    let id: Int

    init(value: Matrix, graph: Graph, id: Int) {
        self.value = value
        self.graph = graph
        self.id = id
    }

    /// Whether gradients can flow into this tensor (it is a variable or depends on one).
    public var requiresGradient: Bool { id >= 0 }
    public var rows: Int { value.rows }
    public var cols: Int { value.cols }
    /// The single element of a 1×1 tensor.
    public var scalar: Float {
        precondition(value.count == 1, "scalar of a \(rows)x\(cols) tensor")
        return value.pointer[0]
    }
}

/// Computes the gradients of one node's inputs from the gradient of its output. It is called with
/// the graph recording or not: built from graph operations, it then records the backward pass
/// itself, which is what makes gradients of gradients work. `needs[k]` says whether input k needs
/// its gradient; entries that are not needed may be nil.
typealias BackwardFunction = (_ upstream: Tensor, _ needs: [Bool]) -> [Tensor?]

final class Node {
    let inputs: [Tensor]
    let backward: BackwardFunction?
    init(inputs: [Tensor], backward: BackwardFunction?) {
        self.inputs = inputs
        self.backward = backward
    }
}

/// A tape for reverse-mode automatic differentiation, with the buffer pool its values live in.
///
/// Operations run eagerly and, while `isRecording`, append a node with a backward function. The
/// backward functions are written in the same graph operations, so `gradients(..., createGraph:
/// true)` records the backward pass too and its results can be differentiated again (the WGAN
/// gradient penalty needs d/dθ ‖∇ₓ C(x)‖). One training step is: build the loss, take gradients,
/// update, `reset()`.
public final class Graph {
    var nodes: [Node] = []
    /// The graph's own buffer pool (never shared: `reset()` recycles everything it has lent).
    public let pool = BufferPool()
    /// While false, operations compute values only and record nothing.
    public var isRecording = true
    /// The leaf of each parameter used in this step; the Parameter is held so its identifier
    /// cannot be reused by another object before `reset()`.
    private var parameterLeaves: [ObjectIdentifier: (parameter: Parameter, leaf: Tensor)] = [:]

    public init() {}

    /// Forgets the tape and returns every intermediate buffer to the pool. Tensors from before the
    /// reset must not be used afterwards.
    public func reset() {
        nodes.removeAll(keepingCapacity: true)
        parameterLeaves.removeAll(keepingCapacity: true)
        pool.recycle()
    }

    /// Runs `body` without recording (inference, or computing targets).
    public func withoutRecording<T>(_ body: () throws -> T) rethrows -> T {
        let saved = isRecording
        isRecording = false
        defer { isRecording = saved }
        return try body()
    }

    // MARK: Leaves

    /// A tensor that gradients do not flow into. The matrix is used as it is, not copied.
    public func constant(_ value: Matrix) -> Tensor {
        Tensor(value: value, graph: self, id: -1)
    }

    /// A 1×1 constant.
    public func constant(_ value: Float) -> Tensor {
        let m = pool.take(rows: 1, cols: 1)
        m.pointer[0] = value
        return constant(m)
    }

    /// A leaf that gradients can be taken with respect to (the matrix is used as it is).
    public func variable(_ value: Matrix) -> Tensor {
        guard isRecording else { return constant(value) }
        nodes.append(Node(inputs: [], backward: nil))
        return Tensor(value: value, graph: self, id: nodes.count - 1)
    }

    /// The leaf for a parameter; repeated calls in one step return the same tensor, so a network
    /// applied twice (x_t and x_t+τ) accumulates both contributions into one gradient.
    public func parameter(_ p: Parameter) -> Tensor {
        if let cached = parameterLeaves[ObjectIdentifier(p)] { return cached.leaf }
        // A use while not recording gets a constant that is not remembered: caching it would turn
        // the parameter into a constant for the rest of the step, and its gradient into zero.
        guard isRecording || !p.isTrainable else { return constant(p.value) }
        let leaf = p.isTrainable ? variable(p.value) : constant(p.value)
        parameterLeaves[ObjectIdentifier(p)] = (p, leaf)
        return leaf
    }

    // MARK: Building blocks for operations

    /// An uninitialized pooled matrix.
    func allocate(_ rows: Int, _ cols: Int) -> Matrix { pool.take(rows: rows, cols: cols) }

    /// A zero-filled pooled matrix.
    func zeros(_ rows: Int, _ cols: Int) -> Matrix {
        let m = pool.take(rows: rows, cols: cols)
        m.fill(0)
        return m
    }

    /// Wraps an operation's result, recording a node when any input requires a gradient.
    func result(_ value: Matrix, inputs: [Tensor], backward: @escaping BackwardFunction) -> Tensor {
        guard isRecording, inputs.contains(where: \.requiresGradient) else {
            return Tensor(value: value, graph: self, id: -1)
        }
        nodes.append(Node(inputs: inputs, backward: backward))
        return Tensor(value: value, graph: self, id: nodes.count - 1)
    }

    // MARK: Gradients

    /// ∂(seed · y)/∂x for each x in `xs`. `seed` defaults to ones (so for a scalar loss, the plain
    /// gradient). With `createGraph`, the backward pass is recorded and its results can be
    /// differentiated again. A variable that `y` does not depend on gets a zero gradient.
    public func gradients(of y: Tensor, withRespectTo xs: [Tensor], seed: Tensor? = nil,
                          createGraph: Bool = false) -> [Tensor] {
        precondition(y.graph === self && xs.allSatisfy { $0.graph === self },
                     "gradients: tensors belong to another graph")
        guard y.requiresGradient else {
            return xs.map { constant(zeros($0.rows, $0.cols)) }
        }
        let top = y.id
        // Which nodes lie on a path from some x: only their gradients are computed.
        var reaches = [Bool](repeating: false, count: top + 1)
        for x in xs where x.id >= 0 && x.id <= top { reaches[x.id] = true }
        for id in 0...top where !reaches[id] {
            reaches[id] = nodes[id].inputs.contains { $0.id >= 0 && reaches[$0.id] }
        }
        var grads = [Tensor?](repeating: nil, count: top + 1)
        if let seed {
            precondition(seed.rows == y.rows && seed.cols == y.cols, "gradients: seed shape differs from y")
            grads[top] = seed
        } else {
            let ones = allocate(y.rows, y.cols)
            ones.fill(1)
            grads[top] = constant(ones)
        }
        let wanted = Set(xs.map(\.id))
        let saved = isRecording
        isRecording = createGraph
        defer { isRecording = saved }

        for id in stride(from: top, through: 0, by: -1) {
            guard reaches[id], let upstream = grads[id] else { continue }
            let node = nodes[id]
            guard let backward = node.backward else { continue }
            let needs = node.inputs.map { $0.id >= 0 && reaches[$0.id] }
            guard needs.contains(true) else { continue }
            let inputGrads = backward(upstream, needs)
            for (k, input) in node.inputs.enumerated() where needs[k] {
                guard let g = inputGrads[k] else { continue }
                precondition(g.rows == input.rows && g.cols == input.cols,
                             "internal: gradient shape \(g.rows)x\(g.cols) for input \(input.rows)x\(input.cols)")
                if let existing = grads[input.id] {
                    grads[input.id] = add(existing, g)
                } else {
                    grads[input.id] = g
                }
            }
            if !wanted.contains(id) { grads[id] = nil }
        }
        return xs.map { x in
            if x.id >= 0, x.id <= top, let g = grads[x.id] { return g }
            return constant(zeros(x.rows, x.cols))
        }
    }

    /// Gradients of a scalar `loss` with respect to parameters, as pooled matrices valid until the
    /// next `reset()`. A parameter the loss does not use gets zeros.
    public func gradients(of loss: Tensor, withRespectTo parameters: [Parameter]) -> [Matrix] {
        let leaves = parameters.map { parameter($0) }
        // Two parameters can receive the very same matrix (a + b passes its upstream gradient to
        // both); give each its own, so in-place work such as clipping touches each once.
        var seen = Set<ObjectIdentifier>()
        return gradients(of: loss, withRespectTo: leaves).map { g in
            if seen.insert(ObjectIdentifier(g.value)).inserted { return g.value }
            let copy = allocate(g.rows, g.cols)
            copy.assign(g.value)
            return copy
        }
    }
}
