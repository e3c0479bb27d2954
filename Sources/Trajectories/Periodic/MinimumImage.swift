import Foundation

/// Why a periodic computation could not be done (no box, a degenerate box, indices out of range).
public struct PeriodicError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Frame within the chunk, when the problem belongs to one frame.
    public var frame: Int?
    public var problem: String

    public init(frame: Int? = nil, _ problem: String) {
        self.frame = frame
        self.problem = problem
    }

    public var description: String { frame.map { "frame \($0): \(problem)" } ?? problem }
}

/// A periodic cell prepared for minimum-image work, in Float64.
///
/// Rectangular boxes reduce each component independently, which is exact. Triclinic boxes in the
/// lower-triangular form (a along x, b in the xy plane: what `Box(lengths:angles:)`, OpenMM and
/// GROMACS use) first get their basis reduced (b by a, c by b and a), then a displacement loses
/// multiples of c, then b, then a, and finally the 27 neighbouring images are compared, which
/// catches the cases where that sequential reduction is not the shortest (skewed cells). Boxes in
/// any other orientation work through fractional coordinates with the same neighbour check.
public struct PeriodicCell: Sendable {
    public let box: Box
    private enum Shape: Sendable { case rectangular, triangular, general }
    private let shape: Shape
    /// The reduced basis: the same lattice as `box`, with vectors as short as the reduction makes them.
    private let a, b, c: SIMD3<Double>
    /// Rows of the inverse of the matrix whose columns are the box's own vectors (not the reduced
    /// ones): fractional coordinates in the primary cell `box` defines.
    private let inverseRows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
    /// Inverse rows for the reduced basis (general shape only).
    private let reducedInverseRows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    public init(_ box: Box) throws(PeriodicError) {
        guard box.isValid else { throw PeriodicError("the box \(box) is not a valid periodic cell (zero volume or non-finite)") }
        self.box = box
        inverseRows = PeriodicCell.inverse(box.a, box.b, box.c)
        let triangular = box.a.y == 0 && box.a.z == 0 && box.b.z == 0 && box.a.x > 0 && box.b.y > 0 && box.c.z > 0
        if box.isRectangular && triangular {
            shape = .rectangular
            (a, b, c) = (box.a, box.b, box.c)
        } else if triangular {
            shape = .triangular
            var b = box.b, c = box.c
            b -= box.a * (b.x / box.a.x).rounded()
            c -= b * (c.y / b.y).rounded()
            c -= box.a * (c.x / box.a.x).rounded()
            (a, self.b, self.c) = (box.a, b, c)
        } else {
            shape = .general
            (a, b, c) = PeriodicCell.reduceBasis(box.a, box.b, box.c)
        }
        reducedInverseRows = PeriodicCell.inverse(a, b, c)
    }

    /// The shortest vector among `d` plus all lattice vectors of the box.
    public func minimumImage(_ d: SIMD3<Double>) -> SIMD3<Double> {
        var r = d
        switch shape {
        case .rectangular:
            r.x -= a.x * (r.x / a.x).rounded()
            r.y -= b.y * (r.y / b.y).rounded()
            r.z -= c.z * (r.z / c.z).rounded()
            return r
        case .triangular:
            r -= c * (r.z / c.z).rounded()
            r -= b * (r.y / b.y).rounded()
            r -= a * (r.x / a.x).rounded()
        case .general:
            let s = SIMD3((reducedInverseRows.0 * r).sum(), (reducedInverseRows.1 * r).sum(), (reducedInverseRows.2 * r).sum())
            let n = s.rounded(.toNearestOrAwayFromZero)
            r -= a * n.x + b * n.y + c * n.z
        }
        return shortestNeighbour(of: r)
    }

    /// Minimum-image displacement from `p` to `q` (q − p reduced).
    public func displacement(from p: SIMD3<Double>, to q: SIMD3<Double>) -> SIMD3<Double> {
        minimumImage(q - p)
    }

    public func distance(_ p: SIMD3<Double>, _ q: SIMD3<Double>) -> Double {
        let d = minimumImage(q - p)
        return (d * d).sum().squareRoot()
    }

    /// Fractional coordinates of `p` in the box's own basis.
    public func fractional(_ p: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((inverseRows.0 * p).sum(), (inverseRows.1 * p).sum(), (inverseRows.2 * p).sum())
    }

    /// The lattice vector that moves `p` into the primary cell {s·(a, b, c) : 0 ≤ s < 1}.
    public func shiftIntoPrimaryCell(_ p: SIMD3<Double>) -> SIMD3<Double> {
        let n = -fractional(p).rounded(.down)
        return box.a * n.x + box.b * n.y + box.c * n.z
    }

    /// Compares `r` with its 26 neighbouring images in the reduced basis.
    private func shortestNeighbour(of r: SIMD3<Double>) -> SIMD3<Double> {
        var best = r, bestLength = (r * r).sum()
        for i in -1 ... 1 {
            let ri = r + a * Double(i)
            for j in -1 ... 1 {
                let rij = ri + b * Double(j)
                for k in -1 ... 1 {
                    let candidate = rij + c * Double(k)
                    let length = (candidate * candidate).sum()
                    if length < bestLength {
                        best = candidate
                        bestLength = length
                    }
                }
            }
        }
        return best
    }

    /// Rows of the inverse of the matrix with columns u, v, w.
    private static func inverse(_ u: SIMD3<Double>, _ v: SIMD3<Double>, _ w: SIMD3<Double>)
        -> (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) {
        func cross(_ p: SIMD3<Double>, _ q: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(p.y * q.z - p.z * q.y, p.z * q.x - p.x * q.z, p.x * q.y - p.y * q.x)
        }
        let vw = cross(v, w), wu = cross(w, u), uv = cross(u, v)
        let determinant = (u * vw).sum()
        return (vw / determinant, wu / determinant, uv / determinant)
    }

    /// Shortens the basis by subtracting rounded projections pairwise until nothing changes (a
    /// Gauss-style reduction; a few passes suffice for any cell a simulation uses).
    private static func reduceBasis(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>)
        -> (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) {
        var basis = [a, b, c]
        for _ in 0 ..< 32 {
            var changed = false
            for i in 0 ..< 3 {
                for j in 0 ..< 3 where i != j {
                    let scale = ((basis[i] * basis[j]).sum() / (basis[j] * basis[j]).sum()).rounded()
                    if scale != 0 {
                        basis[i] -= basis[j] * scale
                        changed = true
                    }
                }
            }
            if !changed { break }
        }
        return (basis[0], basis[1], basis[2])
    }
}

/// Minimum-image distances over atom pairs of the frames of a `FrameChunk`.
public enum MinimumImage {
    /// Minimum-image displacement from `p` to `q` in `box`.
    public static func displacement(from p: SIMD3<Double>, to q: SIMD3<Double>, in box: Box) throws(PeriodicError) -> SIMD3<Double> {
        try PeriodicCell(box).displacement(from: p, to: q)
    }

    /// Distances in nm for each pair in frame `frame` (zero-based within the chunk); minimum-image
    /// when the chunk has boxes, plain otherwise.
    public static func distances(in chunk: FrameChunk, frame: Int, pairs: [(Int, Int)]) throws(PeriodicError) -> [Double] {
        guard (0 ..< chunk.frameCount).contains(frame) else {
            throw PeriodicError("frame \(frame) is not in a chunk of \(chunk.frameCount) frames")
        }
        try checkPairs(pairs, atomCount: chunk.atomCount)
        var cell: PeriodicCell?
        if let box = chunk.boxes?[frame] {
            do { cell = try PeriodicCell(box) } catch { throw PeriodicError(frame: frame, error.problem) }
        }
        let base = frame * chunk.atomCount * 3
        return chunk.positions.withUnsafeBufferPointer { positions in
            func point(_ atom: Int) -> SIMD3<Double> {
                let offset = base + atom * 3
                return SIMD3(Double(positions[offset]), Double(positions[offset + 1]), Double(positions[offset + 2]))
            }
            return pairs.map { pair in
                let p = point(pair.0), q = point(pair.1)
                if let cell { return cell.distance(p, q) }
                let d = q - p
                return (d * d).sum().squareRoot()
            }
        }
    }

    /// Distances for every frame, frame-major (frames × pairs), as `mdtraj.compute_distances`.
    public static func distances(in chunk: FrameChunk, pairs: [(Int, Int)]) throws(PeriodicError) -> [Double] {
        var all = [Double]()
        all.reserveCapacity(chunk.frameCount * pairs.count)
        for frame in 0 ..< chunk.frameCount { all += try distances(in: chunk, frame: frame, pairs: pairs) }
        return all
    }

    static func checkPairs(_ pairs: [(Int, Int)], atomCount: Int) throws(PeriodicError) {
        for (index, pair) in pairs.enumerated()
        where !(0 ..< atomCount).contains(pair.0) || !(0 ..< atomCount).contains(pair.1) {
            throw PeriodicError("pair \(index) (\(pair.0), \(pair.1)) refers to an atom outside 0..<\(atomCount)")
        }
    }
}
