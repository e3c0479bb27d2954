import Foundation
import Kinetics
import NeuralNet

/// How far the torsion distribution of generated frames is from MD's: what chooses which epoch's
/// generator the decoder keeps (`DecoderTrainingRun`).
///
/// Why torsions: the bond calibration fixes bond lengths after training, and clashes and mirror
/// images are rare once a generator is trained, so neither tells the epochs apart. What does
/// differ between epochs is where the generator puts the frames: a GAN contracts, under-filling the
/// edges of basins and filling the barriers between them (measured on alanine dipeptide in vacuum:
/// +1 to +1.9 kT at the β basin's ψ ≈ ±180° edge, −0.5 to −1 kT in the β ⇄ αR saddle). Those
/// are torsion-space errors, and their size changes from one evaluation to the next.
///
/// The torsions come from the bond graph alone, so they exist for any decoded selection: one per
/// bond j–k with other neighbours on both sides, i–j–k–l with i and l the lowest-numbered such
/// neighbours (another choice of i or l shifts the angle by a near-constant, which carries the same
/// information). For heavy atoms of a peptide these are φ, ψ and ω up to such shifts; for a Cα
/// trace they are the Cα pseudo-dihedrals. Torsions whose central bonds share an atom (φ and ψ of
/// one residue) are compared jointly on 24 × 24 bins of 15°, since the joint map is where the
/// contraction shows; a torsion with no such neighbour is compared alone on 36 bins of 10°.
/// The divergence is the mean Jensen-Shannon divergence (nats) over these histograms.
public struct TorsionProfile: Sendable {
    public static let jointBins = 24
    public static let singleBins = 36

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

    /// Mean Jensen-Shannon divergence (nats, in [0, ln 2]) of the frames' torsion histograms from
    /// MD's. Frames must be in nm or any uniform scaling of it (angles do not change).
    public func divergence(of frames: Matrix) -> Double {
        let generated = TorsionProfile.histograms(of: frames, quartets: quartets, groups: groups)
        var total = 0.0
        for (p, q) in zip(reference, generated) {
            // Only a sample without one finite frame leaves a histogram empty: the worst score.
            total += (try? DistributionDistance.jensenShannon(p, q)) ?? log(2)
        }
        return total / Double(groups.count)
    }

    /// Histogram counts per group, filled frame by frame (memory stays at the histograms' size for
    /// any number of frames and torsions).
    static func histograms(of frames: Matrix, quartets: [[Int]], groups: [[Int]]) -> [[Double]] {
        var counts = groups.map { [Double](repeating: 0, count: $0.count == 1 ? singleBins : jointBins * jointBins) }
        var angles = [Double](repeating: 0, count: quartets.count)
        for f in 0..<frames.rows {
            let row = frames.pointer + f * frames.cols
            func p(_ i: Int) -> SIMD3<Double> { SIMD3(Double(row[3 * i]), Double(row[3 * i + 1]), Double(row[3 * i + 2])) }
            for (s, q) in quartets.enumerated() { angles[s] = angle(p(q[0]), p(q[1]), p(q[2]), p(q[3])) }
            // A frame with a non-finite coordinate counts in no bin: an all-broken sample scores ln 2.
            guard angles.allSatisfy(\.isFinite) else { continue }
            for (g, group) in groups.enumerated() {
                if group.count == 1 {
                    counts[g][angleBin(angles[group[0]], bins: singleBins)] += 1
                } else {
                    counts[g][angleBin(angles[group[0]], bins: jointBins) * jointBins + angleBin(angles[group[1]], bins: jointBins)] += 1
                }
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
