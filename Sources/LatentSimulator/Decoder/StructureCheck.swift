import NeuralNet
import Trajectories

/// Checks that decoded frames are molecules: bond lengths, steric clashes and handedness.
///
/// A Cartesian generator can place atoms anywhere: it can stretch bonds, push non-bonded atoms
/// into each other and produce mirror images (D-amino acids or a left-handed fold), which the
/// distances of a Cα trace cannot reveal. The checks are built once from the topology and a
/// reference structure of the decoded atoms and then run on any number of frames.
///
/// - Bonds: the topology's bonds among the selected atoms; when the topology has none (a PDB without
///   CONECT records), bonds inferred from the reference as pairs closer than the sum of their
///   covalent radii + 0.045 nm (Cordero et al. 2008 radii); for a Cα trace, consecutive Cα of a
///   chain as virtual bonds.
/// - Clashes: heavy-atom pairs at least three bonds apart (or unconnected) closer than
///   `clashDistance`: 0.22 nm for atoms (≈ 65 % of a C···C van der Waals contact of 0.34 nm; the
///   closest 1-4 heavy-atom pairs of alanine dipeptide in 100,000 frames of vacuum MD came to
///   0.249 nm, so 0.25 would call real frames clashes), 0.35 nm for a Cα trace
///   (non-adjacent Cα of proteins stay beyond ~0.4 nm).
/// - Chirality: for heavy atoms, the sign of the volume (N − CA)·((C − CA) × (CB − CA)) of each
///   non-glycine residue whose N, CA, C and CB are decoded; for a Cα trace (or when no such centre
///   is decoded), the signs of the Cα pseudo-dihedrals, scored against the reference's.
public struct StructureCheck: Codable, Sendable {
    /// A chiral centre: selection indices of CA and of N, C, CB, with the reference's volume sign.
    public struct ChiralCentre: Codable, Sendable, Equatable {
        public var centre: Int, first: Int, second: Int, third: Int
        public var referenceSign: Double

        public init(centre: Int, first: Int, second: Int, third: Int, referenceSign: Double) {
            self.centre = centre
            self.first = first
            self.second = second
            self.third = third
            self.referenceSign = referenceSign
        }
    }

    public var atomCount: Int
    public var isCAlphaTrace: Bool
    public var bonds: [AtomPair]
    public var referenceBondLengths: [Double]
    public var clashPairs: [AtomPair]
    public var clashDistance: Double
    public var chiralCentres: [ChiralCentre]
    /// Quartets of consecutive Cα (selection indices) and sin of the reference's pseudo-dihedrals.
    public var pseudoDihedrals: [[Int]]
    public var referencePseudoDihedralSines: [Double]

    public static let atomClashDistance = 0.22
    public static let cAlphaClashDistance = 0.35

    public init(topology: Topology, atomIndices: [Int], reference: [Float]) {
        self.init(topology: topology, atomIndices: atomIndices, reference: reference, clashDistance: nil)
    }

    /// - Parameter clashDistance: nil → 0.22 nm for atoms, 0.35 nm for a Cα trace.
    public init(topology: Topology, atomIndices: [Int], reference: [Float], clashDistance: Double?) {
        precondition(reference.count == 3 * atomIndices.count, "StructureCheck: the reference needs 3 values per atom")
        let a = atomIndices.count
        let atoms: [Topology.Atom?] = atomIndices.map { topology.atoms.indices.contains($0) ? topology.atoms[$0] : nil }
        let position = { (i: Int) in SIMD3(Double(reference[3 * i]), Double(reference[3 * i + 1]), Double(reference[3 * i + 2])) }
        let chainOf = { (i: Int) -> Int in
            guard let atom = atoms[i], topology.residues.indices.contains(atom.residueIndex) else { return -1 }
            return topology.residues[atom.residueIndex].chainIndex
        }
        atomCount = a
        isCAlphaTrace = a >= 2 && atoms.allSatisfy { $0?.name == "CA" }

        // Bonds.
        var bonds: [AtomPair] = []
        if isCAlphaTrace {
            for i in 0..<(a - 1) where chainOf(i) == chainOf(i + 1) { bonds.append(AtomPair(i, i + 1)) }
        } else if !topology.bonds.isEmpty {
            var selection = [Int: Int]()
            for (k, index) in atomIndices.enumerated() { selection[index] = k }
            var seen = Set<AtomPair>()
            for bond in topology.bonds {
                if let i = selection[bond.first], let j = selection[bond.second], i != j {
                    let pair = AtomPair(i, j)
                    if seen.insert(pair).inserted { bonds.append(pair) }
                }
            }
        } else {
            let radii = atoms.map { CovalentRadius.of($0) }
            for i in 0..<a {
                for j in (i + 1)..<max(a, i + 1) {
                    let d = position(i) - position(j)
                    if (d * d).sum().squareRoot() < radii[i] + radii[j] + CovalentRadius.tolerance {
                        bonds.append(AtomPair(i, j))
                    }
                }
            }
        }
        bonds.sort { ($0.first, $0.second) < ($1.first, $1.second) }
        self.bonds = bonds
        referenceBondLengths = bonds.map { pair in
            let d = position(pair.first) - position(pair.second)
            return (d * d).sum().squareRoot()
        }

        // Clash candidates: heavy atoms three or more bonds apart.
        let separation = StructureCheck.bondSeparations(atomCount: a, bonds: bonds, limit: 3)
        let heavy = atoms.map { !CovalentRadius.isHydrogen($0) }
        var clashPairs: [AtomPair] = []
        for i in 0..<a where heavy[i] {
            for j in (i + 1)..<max(a, i + 1) where heavy[j] && separation[i * a + j] >= 3 {
                clashPairs.append(AtomPair(i, j))
            }
        }
        self.clashPairs = clashPairs
        self.clashDistance = clashDistance ?? (isCAlphaTrace ? Self.cAlphaClashDistance : Self.atomClashDistance)

        // Chirality.
        var centres: [ChiralCentre] = []
        if !isCAlphaTrace {
            var byResidue = [Int: [String: Int]]()
            for (k, atom) in atoms.enumerated() {
                if let atom { byResidue[atom.residueIndex, default: [:]][atom.name] = k }
            }
            for (residue, names) in byResidue.sorted(by: { $0.key < $1.key })
            where topology.residues.indices.contains(residue) && topology.residues[residue].name != "GLY" {
                guard let ca = names["CA"], let n = names["N"], let c = names["C"], let cb = names["CB"] else { continue }
                let volume = StructureCheck.volume(position(ca), position(n), position(c), position(cb))
                guard abs(volume) > 1e-6 else { continue }
                centres.append(ChiralCentre(centre: ca, first: n, second: c, third: cb, referenceSign: volume > 0 ? 1 : -1))
            }
        }
        chiralCentres = centres
        var quartets: [[Int]] = []
        if centres.isEmpty {
            let alphas = (0..<a).filter { atoms[$0]?.name == "CA" }
            if alphas.count >= 4 {
                for k in 0..<(alphas.count - 3) {
                    let q = Array(alphas[k..<(k + 4)])
                    if Set(q.map(chainOf)).count == 1 { quartets.append(q) }
                }
            }
        }
        pseudoDihedrals = quartets
        referencePseudoDihedralSines = quartets.map {
            StructureCheck.dihedralSine(position($0[0]), position($0[1]), position($0[2]), position($0[3]))
        }
    }

    /// Bonds, clashes and chirality of frames (n × 3a nm, any orientation).
    public func evaluate(_ frames: Matrix) -> StructureReport {
        precondition(frames.cols == 3 * atomCount, "StructureCheck.evaluate: frames need \(3 * atomCount) values per row")
        let n = frames.rows, width = frames.cols
        var sum = [Double](repeating: 0, count: bonds.count), square = sum
        var deviationSquares = 0.0
        var clashes = 0, mirrors = 0, inverted = 0
        var closest = Double.infinity
        let clashSquared = clashDistance * clashDistance
        for f in 0..<n {
            let row = frames.pointer + f * width
            @inline(__always) func p(_ i: Int) -> SIMD3<Double> {
                SIMD3(Double(row[3 * i]), Double(row[3 * i + 1]), Double(row[3 * i + 2]))
            }
            for (k, bond) in bonds.enumerated() {
                let d = p(bond.first) - p(bond.second)
                let length = (d * d).sum().squareRoot()
                sum[k] += length
                square[k] += length * length
                let off = length - referenceBondLengths[k]
                deviationSquares += off * off
            }
            var nearest = Double.infinity
            for pair in clashPairs {
                let d = p(pair.first) - p(pair.second)
                nearest = min(nearest, (d * d).sum())
            }
            if nearest < clashSquared { clashes += 1 }
            closest = min(closest, nearest)
            if !chiralCentres.isEmpty {
                var flipped = 0
                for c in chiralCentres {
                    let v = StructureCheck.volume(p(c.centre), p(c.first), p(c.second), p(c.third))
                    if v * c.referenceSign < 0 { flipped += 1 }
                }
                if flipped > 0 { inverted += 1 }
                if 2 * flipped > chiralCentres.count { mirrors += 1 }
            } else if !pseudoDihedrals.isEmpty {
                var agreement = 0.0
                for (q, reference) in zip(pseudoDihedrals, referencePseudoDihedralSines) {
                    agreement += StructureCheck.dihedralSine(p(q[0]), p(q[1]), p(q[2]), p(q[3])) * reference
                }
                if agreement < 0 { mirrors += 1 }
            }
        }
        let frames = Double(max(n, 1))
        let means = sum.map { $0 / frames }
        let deviations = zip(square, means).map { (max(0, $0 / frames - $1 * $1)).squareRoot() }
        let method = !chiralCentres.isEmpty ? "centres" : (pseudoDihedrals.isEmpty ? "none" : "pseudo-dihedrals")
        return StructureReport(
            frameCount: n,
            bondLengthMean: means.isEmpty ? 0 : means.reduce(0, +) / Double(means.count),
            bondLengthDeviation: bonds.isEmpty ? 0 : (deviationSquares / (frames * Double(bonds.count))).squareRoot(),
            bonds: bonds, referenceBondLengths: referenceBondLengths, bondMeans: means, bondDeviations: deviations,
            clashFraction: Double(clashes) / frames, clashDistance: clashDistance,
            closestContact: closest.squareRoot(), mirrorFraction: Double(mirrors) / frames,
            invertedCentreFraction: Double(inverted) / frames, chiralityMethod: method)
    }

    /// (a − o)·((b − o) × (c − o)): positive when a, b, c turn counter-clockwise seen from o's far side.
    static func volume(_ o: SIMD3<Double>, _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> Double {
        let u = a - o, v = b - o, w = c - o
        let cross = SIMD3(v.y * w.z - v.z * w.y, v.z * w.x - v.x * w.z, v.x * w.y - v.y * w.x)
        return (u * cross).sum()
    }

    /// sin of the dihedral angle p0-p1-p2-p3 (IUPAC sign convention, as `mdtraj.compute_dihedrals`).
    static func dihedralSine(_ p0: SIMD3<Double>, _ p1: SIMD3<Double>, _ p2: SIMD3<Double>, _ p3: SIMD3<Double>) -> Double {
        func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
        }
        let b1 = p1 - p0, b2 = p2 - p1, b3 = p3 - p2
        let n1 = cross(b1, b2), n2 = cross(b2, b3)
        let b2Length = (b2 * b2).sum().squareRoot()
        let y = b2Length * (b1 * n2).sum(), x = (n1 * n2).sum()
        let r = (x * x + y * y).squareRoot()
        return r > 0 ? y / r : 0
    }

    /// Bond-graph distances, row-major a × a, capped at `limit` (pairs farther apart or unconnected get `limit`).
    static func bondSeparations(atomCount a: Int, bonds: [AtomPair], limit: Int) -> [Int] {
        var neighbours = [[Int]](repeating: [], count: a)
        for b in bonds { neighbours[b.first].append(b.second); neighbours[b.second].append(b.first) }
        var result = [Int](repeating: limit, count: a * a)
        for start in 0..<a {
            result[start * a + start] = 0
            var frontier = [start], depth = 0
            while !frontier.isEmpty && depth + 1 < limit {
                depth += 1
                var next: [Int] = []
                for i in frontier {
                    for j in neighbours[i] where result[start * a + j] > depth {
                        result[start * a + j] = depth
                        next.append(j)
                    }
                }
                frontier = next
            }
        }
        return result
    }
}

/// Covalent radii (nm) for inferring bonds from geometry (Cordero et al., Dalton Trans. 2008).
enum CovalentRadius {
    /// Added to the radius sum: a bond stretched by thermal motion or a slightly off reference still counts.
    static let tolerance = 0.045

    static func of(_ atom: Topology.Atom?) -> Double {
        switch symbol(atom) {
        case "H": 0.031
        case "C": 0.076
        case "N": 0.071
        case "O": 0.066
        case "F": 0.057
        case "P": 0.107
        case "S": 0.105
        case "CL": 0.102
        case "BR": 0.120
        case "SE": 0.120
        default: 0.075
        }
    }

    static func isHydrogen(_ atom: Topology.Atom?) -> Bool { symbol(atom) == "H" }

    /// The element symbol, from the topology or else the first letter of the atom name.
    static func symbol(_ atom: Topology.Atom?) -> String {
        guard let atom else { return "" }
        if let element = atom.element { return element.symbol.uppercased() }
        return atom.name.first(where: \.isLetter).map { String($0).uppercased() } ?? ""
    }
}
