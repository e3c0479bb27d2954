import NeuralNet

extension MarkovStateModel {
    /// The mean first passage time from set A to set B, in frames: the expected number of frames
    /// until a trajectory started in A, with the stationary weights restricted to A, first enters B.
    ///
    /// With m_i = 0 on B and m_i = τ + Σ_j T_ij m_j elsewhere, (I − T_UU) m_U = τ 1 on the states U
    /// outside B (one linear solve), and the result is Σ_{i∈A} π_i m_i / Σ_{i∈A} π_i (deeptime's
    /// definition). Sets are state labels of the discrete trajectories.
    public func meanFirstPassageTime(from origin: [Int], to target: [Int]) throws -> Double {
        let a = try positions(of: origin, role: "the origin set of the first-passage time")
        let b = try positions(of: target, role: "the target set of the first-passage time")
        let passage = try passageTimes(to: b)
        let weights = a.map { stationaryDistribution[$0] }
        let total = weights.reduce(0, +)
        return zip(a, weights).reduce(0) { $0 + $1.1 * passage[$1.0] } / total
    }

    /// The mean first passage time to set B from every active state, in frames (0 on B).
    public func meanFirstPassageTimes(to target: [Int]) throws -> [Double] {
        try passageTimes(to: positions(of: target, role: "the target set of the first-passage time"))
    }

    private func passageTimes(to target: [Int]) throws -> [Double] {
        let inTarget = Set(target)
        let outside = (0..<stateCount).filter { !inTarget.contains($0) }
        var times = [Double](repeating: 0, count: stateCount)
        if outside.isEmpty { return times }
        let m = outside.count
        var a = DoubleMatrix(rows: m, cols: m)
        for (p, i) in outside.enumerated() {
            for (q, j) in outside.enumerated() { a[p, q] = (p == q ? 1 : 0) - transitionMatrix[i, j] }
        }
        let b = DoubleMatrix(rows: m, cols: 1, repeating: Double(lag))
        let solution = try MSMLinearAlgebra.solve(a, b, what: "the mean first passage time")
        for (p, i) in outside.enumerated() { times[i] = solution.values[p] }
        return times
    }

    /// The forward committor from A to B for every active state: the probability of reaching B
    /// before A. q = 0 on A, 1 on B, and q_i = Σ_j T_ij q_j elsewhere (one linear solve).
    public func forwardCommittor(from origin: [Int], to target: [Int]) throws -> [Double] {
        let a = Set(try positions(of: origin, role: "the origin set of the committor"))
        let b = Set(try positions(of: target, role: "the target set of the committor"))
        guard a.isDisjoint(with: b) else {
            throw KineticsError(.invalidArgument, "the committor's sets A and B share states; make them disjoint")
        }
        let free = (0..<stateCount).filter { !a.contains($0) && !b.contains($0) }
        var q = [Double](repeating: 0, count: stateCount)
        for i in b { q[i] = 1 }
        if free.isEmpty { return q }
        let m = free.count
        var matrix = DoubleMatrix(rows: m, cols: m), rhs = DoubleMatrix(rows: m, cols: 1)
        for (p, i) in free.enumerated() {
            for (r, j) in free.enumerated() { matrix[p, r] = (p == r ? 1 : 0) - transitionMatrix[i, j] }
            rhs[p, 0] = b.reduce(0) { $0 + transitionMatrix[i, $1] }
        }
        let solution = try MSMLinearAlgebra.solve(matrix, rhs, what: "the committor")
        for (p, i) in free.enumerated() { q[i] = min(1, max(0, solution.values[p])) }
        return q
    }
}
