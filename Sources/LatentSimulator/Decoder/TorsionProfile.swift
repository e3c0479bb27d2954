import Foundation
import NeuralNet

/// How far the torsion free energy of generated frames is from MD's: what chooses which epoch's
/// generator the decoder keeps (`DecoderTrainingRun`).
///
/// Why torsions: the bond calibration fixes bond lengths after training, and clashes and mirror
/// images are rare once a generator is trained, so neither tells the epochs apart. What does
/// differ between epochs is where the generator puts the frames: a GAN contracts, under-filling the
/// edges of basins and filling the barriers between them (measured on alanine dipeptide in vacuum:
/// +1 to +1.9 kT at the β basin's ψ ≈ ±180° edge, −0.5 to −1 kT in the β ⇄ αR saddle). Those
/// are torsion-space errors, and their size changes from one evaluation to the next.
///
/// Why a free energy and not a divergence: a Jensen-Shannon divergence is carried by the populous
/// bins and barely sees an edge or a saddle at a few percent of the mass; measured on alanine
/// dipeptide, keeping the generator of lowest torsion JS divergence gave F(φ, ψ) errors of 0.56 and
/// 0.75 kT in two seeds, worse than keeping one by its bonds. The score here is the error that
/// matters: the RMS of ln(p_generated / p_MD) over the bins MD populates within 4 kT of its most
/// populated bin (DESIGN.md §9's rule for free-energy RMSEs, in kT, without a fitted shift, so
/// mass placed where MD never goes also counts). A bin the generator misses counts as half a frame.
///
/// The torsions come from the bond graph alone, so they exist for any decoded selection: one per
/// bond j–k with other neighbours on both sides, i–j–k–l with i and l the lowest-numbered such
/// neighbours (another choice of i or l shifts the angle by a near-constant, which carries the same
/// information). For heavy atoms of a peptide these are φ, ψ and ω up to such shifts; for a Cα
/// trace they are the Cα pseudo-dihedrals. Torsions whose central bonds share an atom (φ and ψ of
/// one residue) are compared jointly on 36 × 36 bins of 10°, since the joint map is where the
/// contraction shows; a torsion with no such neighbour is compared alone on 36 bins. The score is
/// the mean RMSE over these histograms.
public struct TorsionProfile: Sendable {
    public static let bins = 36
    /// Bins where MD lies more than this many kT above its most populated bin are not compared.
    public static let cutoff = 4.0

    /// Selection indices i, j, k, l of each torsion.
    public let quartets: [[Int]]
    /// Groups of torsion indices compared as one histogram: adjacent pairs, or single torsions
    /// that have no adjacent one.
    public let groups: [[Int]]
    /// MD's histogram counts per group.
    let reference: [[Double]]

    /// nil when the bond graph has no torsion (fewer than three bonds in a row).
    public init?(bonds: [AtomPair], atomCount: Int, frames: Matrix) {
        var neighbours = [[Int]](repeating: [], count: atomCount)
        for b in bonds {
            neighbours[b.first].append(b.second)
            neighbours[b.second].append(b.first)
        }
        var quartets: [[Int]] = []
        for b in bonds {
            let (j, k) = (b.first, b.second)
            guard let i = neighbours[j].filter({ $0 != k }).min(), let l = neighbours[k].filter({ $0 != j && $0 != i }).min()
            else { continue }
            quartets.append([i, j, k, l])
        }
        guard !quartets.isEmpty else { return nil }
        var groups: [[Int]] = []
        var paired = Set<Int>()
        for s in quartets.indices {
            for t in (s + 1)..<quartets.count where !Set(quartets[s][1...2]).isDisjoint(with: quartets[t][1...2]) {
                groups.append([s, t])
                paired.formUnion([s, t])
            }
        }
        for s in quartets.indices where !paired.contains(s) { groups.append([s]) }
        self.quartets = quartets
        self.groups = groups
        reference = TorsionProfile.histograms(of: frames, quartets: quartets, groups: groups)
    }

    /// The mean over histograms of the RMS log-density error (kT) of the frames against MD. Frames
    /// must be in nm or any uniform scaling of it (angles do not change).
    public func freeEnergyError(of frames: Matrix) -> Double {
        let generated = TorsionProfile.histograms(of: frames, quartets: quartets, groups: groups)
        var total = 0.0
        for (p, q) in zip(reference, generated) { total += TorsionProfile.logDensityRMSE(model: q, reference: p) }
        return total / Double(groups.count)
    }

    /// √(mean (ln p_model − ln p_ref)²) over the bins with p_ref ≥ e^−4 max p_ref, an empty model
    /// bin counted as half a frame; +∞ when the model holds no frame.
    static func logDensityRMSE(model: [Double], reference: [Double]) -> Double {
        let modelTotal = model.reduce(0, +), referenceTotal = reference.reduce(0, +)
        guard modelTotal > 0, let peak = reference.max(), peak > 0 else { return .infinity }
        let threshold = peak * exp(-cutoff)
        var sum = 0.0, count = 0
        for (m, r) in zip(model, reference) where r > 0 && r >= threshold {
            let difference = log(max(m, 0.5) / modelTotal) - log(r / referenceTotal)
            sum += difference * difference
            count += 1
        }
        return (sum / Double(count)).squareRoot()
    }

    /// Histogram counts per group, filled frame by frame (memory stays at the histograms' size for
    /// any number of frames and torsions).
    static func histograms(of frames: Matrix, quartets: [[Int]], groups: [[Int]]) -> [[Double]] {
        var counts = groups.map { [Double](repeating: 0, count: $0.count == 1 ? bins : bins * bins) }
        var angles = [Double](repeating: 0, count: quartets.count)
        for f in 0..<frames.rows {
            let row = frames.pointer + f * frames.cols
            func p(_ i: Int) -> SIMD3<Double> { SIMD3(Double(row[3 * i]), Double(row[3 * i + 1]), Double(row[3 * i + 2])) }
            for (s, q) in quartets.enumerated() { angles[s] = angle(p(q[0]), p(q[1]), p(q[2]), p(q[3])) }
            // A frame with a non-finite coordinate counts in no bin: an all-broken sample scores +∞.
            guard angles.allSatisfy(\.isFinite) else { continue }
            for (g, group) in groups.enumerated() {
                var index = 0
                for s in group { index = index * bins + angleBin(angles[s], bins: bins) }
                counts[g][index] += 1
            }
        }
        return counts
    }

    /// The dihedral angle i-j-k-l in radians, IUPAC sign (as `mdtraj.compute_dihedrals`).
    public static func angle(_ p0: SIMD3<Double>, _ p1: SIMD3<Double>, _ p2: SIMD3<Double>, _ p3: SIMD3<Double>) -> Double {
        let (x, y) = StructureCheck.dihedralComponents(p0, p1, p2, p3)
        return atan2(y, x)
    }

    /// The bin of an angle in [-π, π] on `bins` equal bins, π wrapped onto -π.
    static func angleBin(_ angle: Double, bins: Int) -> Int {
        let b = Int(((angle + Double.pi) / (2 * Double.pi) * Double(bins)).rounded(.down))
        return b >= bins ? b - bins : max(0, b)
    }
}
