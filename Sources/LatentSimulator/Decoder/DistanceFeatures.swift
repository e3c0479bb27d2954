import NeuralNet

/// Interatomic distances appended to the critic's input: D(x ⊕ ψ ⊕ ‖x_i − x_j‖ for chosen pairs).
///
/// A critic on raw Cartesian coordinates sees a bond stretched by 0.01 nm as a shift of a few
/// hundredths of a network unit among coordinates that vary by tenths, so it barely resolves the
/// geometry that matters most chemically. The distances are functions of x, so the critic is still
/// a function of x ⊕ ψ and the gradient penalty (taken through them) still bounds its slope in x.
/// Computed with two constant matrix products, so they differentiate twice like everything else:
/// differences = x A (A holds +1/−1 per coordinate of each pair), d = √((differences²) S + ε)
/// (S sums the three squared components of each pair).
public struct DistanceFeatures: Sendable {
    public let pairs: [AtomPair]
    let differences: Matrix   // 3a × 3P
    let sums: Matrix          // 3P × P

    /// Every pair of atoms when there are at most `maximumPairs` of them, else the pairs of atoms
    /// at most `neighbours` apart in the atom order (bonded and near-bonded along a chain).
    public init(atomCount a: Int, maximumPairs: Int = 1_000, neighbours: Int = 4) {
        var pairs: [AtomPair] = []
        if a * (a - 1) / 2 <= maximumPairs {
            for i in 0..<a { for j in (i + 1)..<max(a, i + 1) { pairs.append(AtomPair(i, j)) } }
        } else {
            for i in 0..<a { for j in (i + 1)..<min(a, i + 1 + neighbours) { pairs.append(AtomPair(i, j)) } }
        }
        self.init(atomCount: a, pairs: pairs)
    }

    public init(atomCount a: Int, pairs: [AtomPair]) {
        self.pairs = pairs
        let p = pairs.count
        differences = Matrix(rows: 3 * a, cols: 3 * p)
        sums = Matrix(rows: 3 * p, cols: max(p, 1))
        for (k, pair) in pairs.enumerated() {
            for c in 0..<3 {
                differences[3 * pair.first + c, 3 * k + c] = 1
                differences[3 * pair.second + c, 3 * k + c] = -1
                sums[3 * k + c, k] = 1
            }
        }
    }

    public var count: Int { pairs.count }

    /// b × P distances of the rows of x (b × 3a), on the graph.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let g = x.graph
        let d = g.matmul(x, g.constant(differences))
        return g.sqrt(g.add(g.matmul(g.square(d), g.constant(sums)), 1e-8))
    }
}
