/// The choice `--scan-lag` makes from cross-validated VAMP-2 scores.
///
/// At one lag, more coordinates always score at least as high, so the dimension is the smallest m
/// whose score is within one standard error (over folds) of the best m at that lag: the coordinates
/// beyond it add nothing the held-out data can confirm. Scores at different lags are not comparable
/// (every eigenvalue falls with the lag), so the lag is the shortest one of the grid whose chosen m
/// equals the m chosen at every longer lag: there the set of resolved slow processes has settled,
/// and the shortest such lag keeps the most pairs and the finest time resolution.
public enum LagScanChoice {
    public static func dimension(at lag: Int, _ scores: [SRVLagScore]) -> SRVLagScore? {
        let atLag = scores.filter { $0.lag == lag }.sorted { $0.dimension < $1.dimension }
        guard let best = atLag.max(by: { $0.mean < $1.mean }) else { return nil }
        return atLag.first { $0.mean >= best.mean - best.standardError } ?? best
    }

    public static func pick(_ scores: [SRVLagScore]) -> SRVLagScore? {
        let lags = Array(Set(scores.map(\.lag))).sorted()
        let chosen = lags.compactMap { dimension(at: $0, scores) }
        guard let last = chosen.last else { return nil }
        var pick = last
        for candidate in chosen.reversed() {
            guard candidate.dimension == last.dimension else { break }
            pick = candidate
        }
        return pick
    }
}
