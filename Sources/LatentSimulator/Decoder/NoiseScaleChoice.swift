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
/// Criterion: the continuous ranked probability score (CRPS) of the decoded conditional
/// distribution of each interatomic distance at each training frame's own latent point,
/// against that frame's distance: CRPS(F, x) = E|X − x| − ½ E|X − X′|, X, X′ ~ F independent,
/// averaged over frames and atom pairs (nm). It is a proper scoring rule: in expectation it is
/// smallest when the decoded p(d | ψ) is MD's, so it rewards the right conditional spread and
/// penalizes both too narrow and too wide, which a comparison of marginal distributions cannot
/// separate from errors in where the mass sits. The expectations are estimated from `draws`
/// decodings of every latent point, the same noise draws for every candidate (common random
/// numbers: the scores differ by the scale alone). Pairs at least three bonds apart carry the
/// torsions; bonds and angles are fast vibrations and are left out. Each candidate is scored
/// with a bond calibration fitted at its own scale, as it would be decoded. A candidate is
/// admissible only if its frames hold no more mirror images and clashes than at scale 1 (plus
/// `tolerance`): distances cannot see handedness.
public struct NoiseScaleChoice: Codable, Sendable, Equatable {
    /// The scales tried, with 1 (decoding as trained) always among them.
    public static let candidates: [Float] = [0.9, 1, 1.1, 1.15, 1.2, 1.3]
    /// Extra mirror-image or clash fraction (absolute) a scale may add over scale 1.
    public static let tolerance = 0.002
    /// Training frames decoded per candidate (evenly spaced).
    public static let sampleSize = 20_000
    /// Decodings per latent point. Two give an unbiased score, but on a toy whose answer is known
    /// (NoiseScaleChoiceTests) 20,000 frames × 2 draws picked a neighbouring candidate in 4 of 30
    /// data sets and × 4 draws in none.
    public static let draws = 4
    /// Atom pairs scored at most (evenly spaced over the eligible ones), for large selections.
    public static let maximumPairs = 1_000

    public var scales: [Float]
    /// Per scale, the mean CRPS (nm) of the pair distances, decoded against MD.
    public var pairDistanceCRPS: [Double]
    /// Per scale, the fraction of decoded frames that are mirror images or clash (0 without a
    /// structure check).
    public var defectFraction: [Double]
    /// The admissible scale with the smallest score.
    public var chosen: Float
    public var pairCount: Int
    public var frameCount: Int

    /// Scores every candidate on `decoder`, whose noise scale and bond calibration are restored
    /// afterwards (set the chosen scale with `scaleNoise`, then fit its calibration). nil when no
    /// eligible pair exists.
    /// - Parameters:
    ///   - latent: n × m training latents; `positions`: the same n frames (n × 3a nm, any orientation).
    ///   - check: bonds (to skip 1-2 and 1-3 pairs) and the mirror and clash checks.
    ///   - calibration: fits the bond calibration of the decoder as it stands (nil: none is used).
    public static func choose(decoder: CoordinateDecoder, latent: Matrix, positions: Matrix, check: StructureCheck?,
                              seed: UInt64, calibration: ((CoordinateDecoder) -> BondLengthCalibration)? = nil,
                              candidates: [Float] = NoiseScaleChoice.candidates) -> NoiseScaleChoice? {
        let pairs = scoredPairs(atomCount: decoder.atomCount, check: check)
        guard !pairs.isEmpty, latent.rows >= 2 else { return nil }
        let n = latent.rows, count = min(n, sampleSize)
        let rows = (0..<count).map { $0 * n / count }
        let points = latent.rows(rows)
        let reference = distances(positions.rows(rows), pairs: pairs)
        let previous = (decoder.configuration.noiseScale ?? 1, decoder.configuration.bondCalibration)
        defer {
            decoder.scaleNoise(previous.0)
            decoder.calibrate(previous.1)
        }
        var scores: [Double] = [], defects: [Double] = []
        for scale in candidates {
            decoder.calibrate(nil)
            decoder.scaleNoise(scale)
            if let calibration { decoder.calibrate(calibration(decoder)) }
            var generator = RandomGenerator(seed: seed &+ 0x5CA1E)
            let frames = (0..<draws).map { _ in decoder.generate(latent: points, generator: &generator) }
            scores.append(crps(draws: frames.map { distances($0, pairs: pairs) }, observed: reference))
            defects.append(check.map { let s = $0.evaluate(frames[0]); return s.mirrorFraction + s.clashFraction } ?? 0)
        }
        let baseline = candidates.firstIndex(of: 1).map { defects[$0] } ?? defects.min()!
        let admissible = candidates.indices.filter { defects[$0] <= baseline + tolerance && scores[$0].isFinite }
        let best = admissible.min { scores[$0] < scores[$1] }
        return NoiseScaleChoice(scales: candidates, pairDistanceCRPS: scores, defectFraction: defects,
                                chosen: best.map { candidates[$0] } ?? 1, pairCount: pairs.count, frameCount: count)
    }

    /// Mean over frames and pairs of the sample CRPS: the mean |X_k − x| over the draws minus half
    /// the mean |X_k − X_l| over pairs of distinct draws (unbiased for E|X − x| − ½ E|X − X′|).
    static func crps(draws: [[Float]], observed: [Float]) -> Double {
        let k = draws.count
        var total = 0.0
        for i in observed.indices {
            var spread = 0.0, miss = 0.0
            for a in 0..<k {
                miss += Double(abs(draws[a][i] - observed[i]))
                for b in (a + 1)..<max(k, a + 1) { spread += Double(abs(draws[a][i] - draws[b][i])) }
            }
            total += miss / Double(k) - (k > 1 ? 0.5 * spread / Double(k * (k - 1) / 2) : 0)
        }
        return total / Double(max(observed.count, 1))
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

    /// Every frame's distance of every pair, frame-major (frames × pairs).
    static func distances(_ frames: Matrix, pairs: [AtomPair]) -> [Float] {
        let width = frames.cols, p = pairs.count
        var values = [Float](repeating: 0, count: frames.rows * p)
        for f in 0..<frames.rows {
            let row = frames.pointer + f * width
            for (k, pair) in pairs.enumerated() {
                let u = row + 3 * pair.first, v = row + 3 * pair.second
                let dx = u[0] - v[0], dy = u[1] - v[1], dz = u[2] - v[2]
                values[f * p + k] = (dx * dx + dy * dy + dz * dz).squareRoot()
            }
        }
        return values
    }
}
