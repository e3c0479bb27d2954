import NeuralNet

/// Fuzzy memberships of MSM states in metastable sets by PCCA+ (Deuflhard & Weber 2005; Röblitz &
/// Weber 2013).
///
/// Only the initial guess of PCCA+ is computed, the inner simplex algorithm (Weber & Galliat 2002):
/// the rows of the m dominant right eigenvectors are points in m dimensions lying near a simplex whose
/// vertices are the most metastable states; the vertices are found as the row farthest from the origin,
/// then repeatedly the row farthest from the span of the vertices found so far (Gram-Schmidt), and the
/// memberships χ = X A with A = X_vertices⁻¹ make every vertex state belong fully to its own set. The
/// further optimization of A that deeptime runs is not done, so χ can have small negative entries on
/// states between sets; they are clipped to 0 and each row renormalized to sum 1.
public struct PCCAMemberships: Sendable, Equatable {
    /// χ, active states × sets; each row sums to 1.
    public let memberships: DoubleMatrix
    /// The state labels of the model's states (rows of `memberships`).
    public let states: [Int]
    /// The set of largest membership of each state.
    public let assignments: [Int]

    /// The state labels assigned (by largest membership) to each set.
    public var sets: [[Int]] {
        var result = [[Int]](repeating: [], count: memberships.cols)
        for (position, set) in assignments.enumerated() { result[set].append(states[position]) }
        return result
    }
}

extension MarkovStateModel {
    /// PCCA+ memberships of the active states in `count` metastable sets (reversible models).
    public func pcca(sets count: Int) throws -> PCCAMemberships {
        guard count >= 1, count <= stateCount else {
            throw KineticsError(.invalidArgument, "PCCA+: the number of metastable sets must be between 1 and the "
                                    + "\(stateCount) states of the MSM, got \(count)")
        }
        let n = stateCount
        if count == 1 {
            return PCCAMemberships(memberships: DoubleMatrix(rows: n, cols: 1, repeating: 1), states: activeStates,
                                   assignments: [Int](repeating: 0, count: n))
        }
        let vectors = try spectrum().rightEigenvectors
        var x = DoubleMatrix(rows: n, cols: count)
        for i in 0..<n { for k in 0..<count { x[i, k] = vectors[i, k] } }
        let vertices = innerSimplexVertices(x)
        var corners = DoubleMatrix(rows: count, cols: count)
        for (a, i) in vertices.enumerated() { for k in 0..<count { corners[a, k] = x[i, k] } }
        let rotation = try MSMLinearAlgebra.solve(corners, DoubleMatrix.identity(count),
                                                  what: "PCCA+ (the dominant eigenvectors do not separate \(count) sets)")
        var chi = x * rotation
        var assignments = [Int](repeating: 0, count: n)
        for i in 0..<n {
            var total = 0.0
            for k in 0..<count {
                chi[i, k] = max(0, chi[i, k])
                total += chi[i, k]
            }
            for k in 0..<count { chi[i, k] = total > 0 ? chi[i, k] / total : 1 / Double(count) }
            for k in 1..<count where chi[i, k] > chi[i, assignments[i]] { assignments[i] = k }
        }
        return PCCAMemberships(memberships: chi, states: activeStates, assignments: assignments)
    }

    /// The inner simplex algorithm's vertex rows of X (n × m).
    private func innerSimplexVertices(_ x: DoubleMatrix) -> [Int] {
        let n = x.rows, m = x.cols
        func norm(_ v: ArraySlice<Double>) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var first = 0, farthest = -1.0
        for i in 0..<n {
            let d = norm(x.values[(i * m)..<(i * m + m)])
            if d > farthest { farthest = d; first = i }
        }
        var vertices = [first]
        var y = x
        for i in 0..<n { for k in 0..<m { y[i, k] = x[i, k] - x[first, k] } }
        while vertices.count < m {
            if vertices.count > 1 {
                // Remove the direction of the last vertex from every row.
                let last = vertices[vertices.count - 1]
                let length = norm(y.values[(last * m)..<(last * m + m)])
                if length > 0 {
                    let direction = (0..<m).map { y[last, $0] / length }
                    for i in 0..<n {
                        var dot = 0.0
                        for k in 0..<m { dot += y[i, k] * direction[k] }
                        for k in 0..<m { y[i, k] -= dot * direction[k] }
                    }
                }
            }
            var next = 0, best = -1.0
            for i in 0..<n {
                let d = norm(y.values[(i * m)..<(i * m + m)])
                if d > best { best = d; next = i }
            }
            vertices.append(next)
        }
        return vertices
    }
}
