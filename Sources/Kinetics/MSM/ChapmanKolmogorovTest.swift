import NeuralNet

/// The metastable sets of a Chapman-Kolmogorov test.
public enum MetastableSets: Sendable, Equatable {
    /// Disjoint sets of state labels given by the user (crisp memberships).
    case states([[Int]])
    /// PCCA+ memberships (inner-simplex guess, see `PCCAMemberships`) in this many sets.
    case pcca(Int)
}

/// The Chapman-Kolmogorov test of an MSM at lag τ: for each metastable set a and step count k, the
/// probability to be in each set b after kτ, starting from the stationary distribution restricted to a
/// (weighted by the memberships), predicted by T(τ)^k and estimated by an MSM at lag kτ. A Markovian
/// model keeps the two within statistical error (Prinz et al. 2011; deeptime's `ck_test`).
public struct ChapmanKolmogorovTest: Codable, Sendable, Equatable {
    /// The lag τ of the tested model, in frames.
    public let lag: Int
    /// The step counts k (1 … steps); lag kτ.
    public let steps: [Int]
    /// predicted[k][a][b]: P(in b at kτ | start in a), from T(τ)^k.
    public let predicted: [[[Double]]]
    /// estimated[k][a][b]: the same from the MSM estimated at lag kτ.
    public let estimated: [[[Double]]]

    /// The largest |predicted − estimated| over steps and sets.
    public var largestDeviation: Double {
        var worst = 0.0
        for (p, e) in zip(predicted, estimated) {
            for (pa, ea) in zip(p, e) { for (x, y) in zip(pa, ea) { worst = max(worst, abs(x - y)) } }
        }
        return worst
    }
}

extension MarkovStateModel {
    /// Runs the Chapman-Kolmogorov test for k = 1 … `steps` on the discrete `trajectories` this model
    /// was estimated from, re-estimating at lags kτ with `options`.
    ///
    /// Memberships are defined over state labels: a state outside a model's active set takes part in
    /// no set of that model. Throws when a set has no states in the model, or kτ is too long.
    public func chapmanKolmogorovTest(_ trajectories: [[Int]], steps: Int, sets: MetastableSets,
                                      options: MSMOptions = MSMOptions()) throws -> ChapmanKolmogorovTest {
        guard steps >= 1 else { throw KineticsError(.invalidArgument, "the Chapman-Kolmogorov test needs steps ≥ 1, got \(steps)") }
        let memberships = try fullMemberships(sets)
        var predicted = [[[Double]]](), estimated = [[[Double]]]()
        // Rows of `current` are the start distributions p0_a, propagated one step of T(τ) at a time.
        var current = try startDistributions(model: self, memberships: memberships)
        for k in 1...steps {
            current = current * transitionMatrix
            predicted.append(setProbabilities(current, model: self, memberships: memberships))
            let longer: MarkovStateModel
            do {
                longer = try MarkovStateModel.estimate(trajectories, lag: k * lag, stateCount: fullStateCount, options: options)
            } catch let error as KineticsError {
                throw KineticsError(error.kind, "Chapman-Kolmogorov test at lag \(k * lag) frames (\(k) × \(lag)): \(error.problem)")
            }
            let start = try startDistributions(model: longer, memberships: memberships)
            estimated.append(setProbabilities(start * longer.transitionMatrix, model: longer, memberships: memberships))
        }
        return ChapmanKolmogorovTest(lag: lag, steps: Array(1...steps), predicted: predicted, estimated: estimated)
    }

    /// Memberships over the full state numbering, fullStateCount rows of one value per set.
    private func fullMemberships(_ sets: MetastableSets) throws -> [[Double]] {
        switch sets {
        case .states(let lists):
            guard !lists.isEmpty else { throw KineticsError(.emptySelection, "no metastable sets were given") }
            var rows = [[Double]](repeating: [Double](repeating: 0, count: lists.count), count: fullStateCount)
            var seen = Set<Int>()
            for (a, list) in lists.enumerated() {
                guard !list.isEmpty else { throw KineticsError(.emptySelection, "metastable set \(a) contains no states") }
                for state in list {
                    guard state >= 0, state < fullStateCount else {
                        throw KineticsError(.invalidArgument, "metastable set \(a): state \(state) is not in 0..<\(fullStateCount)")
                    }
                    guard seen.insert(state).inserted else {
                        throw KineticsError(.invalidArgument, "state \(state) is in more than one metastable set; make the sets disjoint")
                    }
                    rows[state][a] = 1
                }
            }
            return rows
        case .pcca(let count):
            let chi = try pcca(sets: count)
            var rows = [[Double]](repeating: [Double](repeating: 0, count: count), count: fullStateCount)
            for (position, state) in activeStates.enumerated() {
                for a in 0..<count { rows[state][a] = chi.memberships[position, a] }
            }
            return rows
        }
    }

    /// Row a: π_i χ_ia / Σ_i π_i χ_ia over the model's active states.
    private func startDistributions(model: MarkovStateModel, memberships: [[Double]]) throws -> DoubleMatrix {
        let setCount = memberships.first?.count ?? 0, n = model.stateCount
        var start = DoubleMatrix(rows: setCount, cols: n)
        for a in 0..<setCount {
            var total = 0.0
            for (position, state) in model.activeStates.enumerated() {
                let weight = model.stationaryDistribution[position] * memberships[state][a]
                start[a, position] = weight
                total += weight
            }
            guard total > 0 else {
                throw KineticsError(.emptySelection, "metastable set \(a) has no states in the connected set of the MSM "
                                        + "at lag \(model.lag) frames")
            }
            for position in 0..<n { start[a, position] /= total }
        }
        return start
    }

    /// [a][b] = Σ_i p_a,i χ_ib for distributions p (rows) over the model's active states.
    private func setProbabilities(_ p: DoubleMatrix, model: MarkovStateModel, memberships: [[Double]]) -> [[Double]] {
        let setCount = p.rows
        return (0..<setCount).map { a in
            (0..<setCount).map { b in
                model.activeStates.enumerated().reduce(0) { $0 + p[a, $1.offset] * memberships[$1.element][b] }
            }
        }
    }
}
