import NeuralNet

/// Chooses the standard deviation of the generator's noise in decoding for one trained decoder,
/// on its own training data, as the bond calibration is fitted.
///
/// Why: an adversarially trained generator draws a broad conditional distribution p(x | ψ) too
/// narrowly (mode seeking). On alanine dipeptide the fully extended end of the β basin held
/// 0.6-0.9 of MD's population, and decoding with noise of s.d. 1.15 instead of 1 lowered the
/// F(φ, ψ) error of decoded structures in all three seeds of bench/lss/README.md. How much
/// widening helps differs between models, and a rough decoder (1 ns of data) makes more mirror
/// images with wider noise, so no one scale is right for all: each model's is measured.
///
/// Criterion: every candidate decodes the same training latent points with the same noise draws
/// (common random numbers, so scores differ by the scale alone). Its score is the mean over
/// atom pairs of the 1-D Wasserstein distance (nm) between the decoded pair distances and MD's
/// distances of the same frames: the marginal structure the decoder must reproduce, blind to
/// orientation and needing no collective variable. Pairs at least three bonds apart carry the
/// torsions; bonds and angles are left out, since the bond calibration fixes the first and
/// both are fast vibrations the noise scale should not be chosen on. A candidate is admissible
/// only if its frames hold no more mirror images and clashes than at scale 1 (plus
/// `tolerance`): distances cannot see handedness.
public struct NoiseScaleChoice: Codable, Sendable, Equatable {
    /// The scales tried, with 1 (decoding as trained) always among them.
    public static let candidates: [Float] = [0.9, 1, 1.1, 1.15, 1.2, 1.3]
    /// Extra mirror-image or clash fraction (absolute) a scale may add over scale 1.
    public static let tolerance = 0.002
    /// Training frames decoded per candidate (evenly spaced); more only slows training.
    public static let sampleSize = 20_000
    /// Atom pairs scored at most (evenly spaced over the eligible ones), for large selections.
    public static let maximumPairs = 2_000

    public var scales: [Float]
    /// Per scale, the mean Wasserstein distance (nm) of pair distances, decoded against MD.
    public var distanceMismatch: [Double]
    /// Per scale, the fraction of decoded frames that are mirror images or clash (0 without a
    /// structure check).
    public var defectFraction: [Double]
    /// The admissible scale with the smallest mismatch.
    public var chosen: Float
    public var pairCount: Int
    public var frameCount: Int

    /// Scores every candidate on `decoder` (its noise scale is restored afterwards; set the chosen
    /// one with `scaleNoise`). nil when fewer than two atoms or no eligible pair exist.
    /// - Parameters:
    ///   - latent: n × m training latents; `positions`: the same n frames (n × 3a nm, any orientation).
    ///   - check: bonds (to skip 1-2 and 1-3 pairs) and the mirror and clash checks.
    public static func choose(decoder: CoordinateDecoder, latent: Matrix, positions: Matrix, check: StructureCheck?,
                       seed: UInt64, candidates: [Float] = NoiseScaleChoice.candidates) -> NoiseScaleChoice? {
        let a = decoder.atomCount
        let pairs = scoredPairs(atomCount: a, check: check)
        guard !pairs.isEmpty, latent.rows >= 2 else { return nil }
        let n = latent.rows, count = min(n, sampleSize)
        let rows = (0..<count).map { $0 * n / count }
        let points = latent.rows(rows)
        let reference = sortedDistances(positions.rows(rows), pairs: pairs)
        let previous = decoder.configuration.noiseScale ?? 1
        defer { decoder.scaleNoise(previous) }
        var mismatch: [Double] = [], defects: [Double] = []
        for scale in candidates {
            decoder.scaleNoise(scale)
            var generator = RandomGenerator(seed: seed &+ 0x5CA1E)
            let frames = decoder.generate(latent: points, generator: &generator)
            let decoded = sortedDistances(frames, pairs: pairs)
            var total = 0.0
            for (d, r) in zip(decoded, reference) {
                var sum = 0.0
                for i in 0..<count { sum += abs(Double(d[i]) - Double(r[i])) }
                total += sum / Double(count)
            }
            mismatch.append(total / Double(pairs.count))
            defects.append(check.map { let s = $0.evaluate(frames); return s.mirrorFraction + s.clashFraction } ?? 0)
        }
        let baseline = candidates.firstIndex(of: 1).map { defects[$0] } ?? defects.min()!
        let admissible = candidates.indices.filter { defects[$0] <= baseline + tolerance && mismatch[$0].isFinite }
        let best = admissible.min { mismatch[$0] < mismatch[$1] }
        return NoiseScaleChoice(scales: candidates, distanceMismatch: mismatch, defectFraction: defects,
                                chosen: best.map { candidates[$0] } ?? 1, pairCount: pairs.count, frameCount: count)
    }

    /// Pairs at least three bonds apart (all pairs without a structure check), at most `maximumPairs`.
    static func scoredPairs(atomCount a: Int, check: StructureCheck?) -> [AtomPair] {
        var eligible: [AtomPair] = []
        let separation = check.map { StructureCheck.bondSeparations(atomCount: a, bonds: $0.bonds, limit: 3) }
        for i in 0..<a {
            for j in (i + 1)..<max(a, i + 1) where (separation?[i * a + j] ?? 3) >= 3 { eligible.append(AtomPair(i, j)) }
        }
        guard eligible.count > maximumPairs else { return eligible }
        return (0..<maximumPairs).map { eligible[$0 * eligible.count / maximumPairs] }
    }

    /// Per pair, the pair's distance in every frame, sorted (the empirical quantile function).
    static func sortedDistances(_ frames: Matrix, pairs: [AtomPair]) -> [[Float]] {
        let width = frames.cols
        return pairs.map { pair in
            var values = [Float](repeating: 0, count: frames.rows)
            for f in 0..<frames.rows {
                let p = frames.pointer + f * width + 3 * pair.first, q = frames.pointer + f * width + 3 * pair.second
                let dx = p[0] - q[0], dy = p[1] - q[1], dz = p[2] - q[2]
                values[f] = (dx * dx + dy * dy + dz * dz).squareRoot()
            }
            values.sort()
            return values
        }
    }
}
