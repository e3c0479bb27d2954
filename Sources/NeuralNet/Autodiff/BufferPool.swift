/// Recycles matrices between training steps so that, after the first step, a step allocates no
/// large buffers.
///
/// Fresh 80 MB blocks are served by mmap and cost page faults on first touch: measured at 40% of
/// a batch-200k step. A graph takes every intermediate matrix from its pool, and `Graph.reset()`
/// hands them all back; the next step of the same shapes then finds each one on a free list.
public final class BufferPool {
    private struct Shape: Hashable { let rows: Int; let cols: Int }

    private var free: [Shape: [Matrix]] = [:]
    private var lent: [Matrix] = []

    /// How many matrices the pool has created (not reused) since it was made.
    public private(set) var freshAllocations = 0
    /// How many bytes those fresh matrices hold.
    public private(set) var freshBytes = 0

    init() {}

    /// A matrix of this shape whose contents are undefined; it stays lent until `recycle()`.
    func take(rows: Int, cols: Int) -> Matrix {
        let shape = Shape(rows: rows, cols: cols)
        let matrix: Matrix
        if let reused = free[shape]?.popLast() {
            matrix = reused
        } else {
            matrix = Matrix(rows: rows, cols: cols)
            freshAllocations += 1
            freshBytes += rows * cols * MemoryLayout<Float>.stride
        }
        lent.append(matrix)
        return matrix
    }

    /// Returns every lent matrix to the free lists.
    func recycle() {
        for m in lent { free[Shape(rows: m.rows, cols: m.cols), default: []].append(m) }
        lent.removeAll(keepingCapacity: true)
    }

    /// Drops every free matrix (lent ones stay valid).
    public func releaseFreeMemory() { free.removeAll() }
}
