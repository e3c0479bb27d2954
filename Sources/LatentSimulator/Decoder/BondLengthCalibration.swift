import NeuralNet

/// Gives decoded bonds MD's length statistics without touching any bond direction.
///
/// Why: a bond vibrates by about 0.003 nm, a thousandth of the box the generator works in, and
/// the gradient penalty keeps the critic 1-Lipschitz in Cartesian units, so no adversarial
/// critic resolves it (bench/lss/README.md: after every training remedy decoded bonds were still
/// off MD's mean by up to 4 and spread up to 3 times MD's thermal fluctuation). Bond vibrations
/// are fast and nearly independent of the slow latent coordinates, so their first two moments
/// are modelled here explicitly, as an MD engine's constraints would fix them, instead of being
/// left to the GAN.
///
/// Fitting: per bond, MD's mean μ and standard deviation σ of the length, and the generator's own
/// mean μ_G and deviation σ_G on the same latent points. Decoding: each bond length ℓ becomes
/// μ + (ℓ − μ_G) σ / σ_G, so decoded lengths keep the generator's per-frame variation and
/// correlations but have MD's mean and spread. The frame is rebuilt along a spanning tree of the
/// bond graph rooted at its most central atom: each child atom is placed from its (already
/// moved) parent along the generated bond direction at the new length. Every bond direction, and
/// so every bond angle, dihedral (φ, ψ) and handedness, is exactly the generator's. A bond that
/// closes a ring is not in the tree and keeps whatever length the rebuilt ring gives it.
public struct BondLengthCalibration: Codable, Sendable, Equatable {
    /// Tree bonds in build order: `parents[k]` is placed before `children[k]` (selection indices).
    public var parents: [Int]
    public var children: [Int]
    /// Per tree bond: MD's mean and standard deviation of its length, and the generator's (nm).
    public var targetMean: [Float]
    public var targetDeviation: [Float]
    public var generatedMean: [Float]
    public var generatedDeviation: [Float]
    public var atomCount: Int

    /// The largest factor by which the generator's bond variation is amplified: a generator
    /// nearly rigid in a bond (σ_G ≪ σ) would otherwise turn numerical noise into vibration.
    public static let maximumStretch: Float = 4

    /// - Parameters:
    ///   - bonds: the bonds among the decoded atoms (`StructureCheck.bonds`).
    ///   - target: MD's per-bond statistics (`StructureCheck.evaluate` of MD frames).
    ///   - generated: the generator's per-bond statistics on the same latent points, uncalibrated.
    public init(bonds: [AtomPair], atomCount: Int, target: StructureReport, generated: StructureReport) {
        precondition(target.bonds == bonds && generated.bonds == bonds,
                     "BondLengthCalibration: the reports must check the given bonds")
        self.init(bonds: bonds, atomCount: atomCount, target: (target.bondMeans, target.bondDeviations),
                  generated: (generated.bondMeans, generated.bondDeviations))
    }

    /// The same from per-bond means and standard deviations (nm), in the order of `bonds`.
    public init(bonds: [AtomPair], atomCount: Int, target: (means: [Double], deviations: [Double]),
                generated: (means: [Double], deviations: [Double])) {
        precondition([target.means.count, target.deviations.count, generated.means.count, generated.deviations.count]
                        .allSatisfy { $0 == bonds.count }, "BondLengthCalibration: one statistic per bond is needed")
        self.atomCount = atomCount
        parents = []; children = []
        targetMean = []; targetDeviation = []; generatedMean = []; generatedDeviation = []
        var index = [AtomPair: Int]()
        for (k, bond) in bonds.enumerated() { index[bond] = k }
        for (parent, child) in Self.spanningTree(atomCount: atomCount, bonds: bonds) {
            let k = index[AtomPair(parent, child)]!
            parents.append(parent)
            children.append(child)
            targetMean.append(Float(target.means[k]))
            targetDeviation.append(Float(target.deviations[k]))
            generatedMean.append(Float(generated.means[k]))
            generatedDeviation.append(Float(generated.deviations[k]))
        }
    }

    /// Recalibrates one frame of 3 × `atomCount` values (nm) in place. The centroid is kept, so
    /// the frame stays superposed on the decoder's reference.
    public func apply(to frame: UnsafeMutablePointer<Float>) {
        apply(to: frame, rows: 1)
    }

    /// Recalibrates every row of `frames` (n × 3·`atomCount` nm) in place.
    public func apply(to frames: Matrix) {
        precondition(frames.cols == 3 * atomCount, "BondLengthCalibration.apply: frames need \(3 * atomCount) values per row")
        apply(to: frames.pointer, rows: frames.rows)
    }

    /// Recalibrates `rows` consecutive frames in place. The per-bond map ℓ ↦ max(floor, offset +
    /// slope·ℓ) is worked out once per call and the loops run on raw buffers: this sits in the
    /// decoder's hot path (one call per worker and batch).
    public func apply(to frames: UnsafeMutablePointer<Float>, rows: Int) {
        let k = parents.count, a = atomCount, width = 3 * a
        guard k > 0, rows > 0 else { return }
        var slope = [Float](repeating: 0, count: k), offset = slope, floor = slope
        for b in 0..<k {
            slope[b] = min(Self.maximumStretch, targetDeviation[b] / max(generatedDeviation[b], .leastNormalMagnitude))
            offset[b] = targetMean[b] - generatedMean[b] * slope[b]
            // A bond is never shortened below half its mean, whatever the generator did.
            floor[b] = 0.5 * targetMean[b]
        }
        let parentIndices = parents.map { 3 * $0 }, childIndices = children.map { 3 * $0 }
        var scratch = [Float](repeating: 0, count: width)
        scratch.withUnsafeMutableBufferPointer { oldBuffer in
            let old = oldBuffer.baseAddress!
            for r in 0..<rows {
                let frame = frames + r * width
                old.update(from: frame, count: width)
                var centre = SIMD3<Float>(repeating: 0)
                for i in 0..<a { centre += SIMD3(old[3 * i], old[3 * i + 1], old[3 * i + 2]) }
                for b in 0..<k {
                    let p = parentIndices[b], c = childIndices[b]
                    let dx = old[c] - old[p], dy = old[c + 1] - old[p + 1], dz = old[c + 2] - old[p + 2]
                    let length = (dx * dx + dy * dy + dz * dz).squareRoot()
                    let factor: Float = length > 0 && length.isFinite
                        ? max(floor[b], offset[b] + slope[b] * length) / length : 1
                    frame[c] = frame[p] + dx * factor
                    frame[c + 1] = frame[p + 1] + dy * factor
                    frame[c + 2] = frame[p + 2] + dz * factor
                }
                var moved = SIMD3<Float>(repeating: 0)
                for i in 0..<a { moved += SIMD3(frame[3 * i], frame[3 * i + 1], frame[3 * i + 2]) }
                let shift = (moved - centre) / Float(a)
                for i in 0..<a {
                    frame[3 * i] -= shift.x; frame[3 * i + 1] -= shift.y; frame[3 * i + 2] -= shift.z
                }
            }
        }
    }

    /// Whether `c` fits `atomCount` decoded atoms and every number in it is usable (a damaged
    /// bundle must be refused at loading, not crash at decoding).
    static func isConsistent(_ c: BondLengthCalibration, atomCount: Int) -> Bool {
        let k = c.parents.count
        return c.atomCount == atomCount && c.children.count == k && c.targetMean.count == k
            && c.targetDeviation.count == k && c.generatedMean.count == k && c.generatedDeviation.count == k
            && (c.parents + c.children).allSatisfy { (0..<atomCount).contains($0) }
            && (c.targetMean + c.targetDeviation + c.generatedMean + c.generatedDeviation).allSatisfy { $0.isFinite && $0 >= 0 }
    }

    /// Breadth-first (parent, child) edges of a spanning forest of the bond graph, each component
    /// rooted at its most central atom (smallest eccentricity, then lowest index), so that a
    /// changed bond moves as few atoms, as little, as it can.
    static func spanningTree(atomCount a: Int, bonds: [AtomPair]) -> [(Int, Int)] {
        var neighbours = [[Int]](repeating: [], count: a)
        for b in bonds where b.first != b.second && b.second < a {
            neighbours[b.first].append(b.second)
            neighbours[b.second].append(b.first)
        }
        for i in 0..<a { neighbours[i].sort() }
        func breadthFirst(from root: Int) -> (order: [(Int, Int)], depth: Int, reached: [Int]) {
            var depth = [Int](repeating: -1, count: a)
            depth[root] = 0
            var queue = [root], head = 0, edges: [(Int, Int)] = []
            while head < queue.count {
                let i = queue[head]; head += 1
                for j in neighbours[i] where depth[j] < 0 {
                    depth[j] = depth[i] + 1
                    edges.append((i, j))
                    queue.append(j)
                }
            }
            return (edges, depth.max() ?? 0, queue)
        }
        var placed = [Bool](repeating: false, count: a)
        var edges: [(Int, Int)] = []
        for start in 0..<a where !placed[start] {
            let component = breadthFirst(from: start).reached
            let root = component.min { lhs, rhs in
                let l = breadthFirst(from: lhs).depth, r = breadthFirst(from: rhs).depth
                return (l, lhs) < (r, rhs)
            }!
            let tree = breadthFirst(from: root)
            for i in tree.reached { placed[i] = true }
            edges += tree.order
        }
        return edges
    }
}
