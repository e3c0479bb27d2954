import Trajectories

/// Reading one frame of a `FrameChunk` (Float32, frame-major) as Float64 points, and the periodic
/// cell that belongs to it. Internal plumbing shared by the geometry functions and featurizers.
struct FramePoints {
    /// The first coordinate of the frame.
    let base: UnsafePointer<Float>

    @inline(__always)
    func point(_ atom: Int) -> SIMD3<Double> {
        let p = base + atom &* 3
        return SIMD3(Double(p[0]), Double(p[1]), Double(p[2]))
    }
}

/// Hands out the minimum-image cell of each frame of a chunk, rebuilding it only when the box
/// changes (constant-volume runs build one cell per chunk).
struct PeriodicCells {
    private let boxes: [Box]?
    private var last: (box: Box, cell: PeriodicCell)?

    /// `periodic` false, or a chunk without boxes, gives no cells (plain Euclidean geometry, as
    /// MDTraj does when a trajectory has no unit cell).
    init(_ chunk: FrameChunk, periodic: Bool) {
        boxes = periodic ? chunk.boxes : nil
    }

    mutating func cell(forFrame frame: Int) throws -> PeriodicCell? {
        guard let boxes else { return nil }
        let box = boxes[frame]
        if let last, last.box == box { return last.cell }
        do {
            let cell = try PeriodicCell(box)
            last = (box, cell)
            return cell
        } catch {
            throw KineticsError(.invalidArgument,
                                "frame \(frame): \(error.problem); pass periodic=false to ignore the box")
        }
    }
}

/// q − p, reduced to the minimum image when a cell is given.
@inline(__always)
func periodicDisplacement(_ p: SIMD3<Double>, _ q: SIMD3<Double>, _ cell: PeriodicCell?) -> SIMD3<Double> {
    let d = q - p
    guard let cell else { return d }
    return cell.minimumImage(d)
}

@inline(__always)
func dot3(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double { (u * v).sum() }

@inline(__always)
func cross3(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
}

/// Checks that every index refers to an atom of the chunk.
func checkAtomIndices(_ indices: [Int], atomCount: Int, what: String) throws {
    if let bad = indices.first(where: { !(0 ..< atomCount).contains($0) }) {
        throw KineticsError(.invalidArgument,
                            "\(what) refers to atom \(bad), outside 0..<\(atomCount) of the trajectory")
    }
}

extension FrameChunk {
    /// Calls `body` with each frame's points, its index and its cell.
    func forEachFrame(periodic: Bool, _ body: (FramePoints, Int, PeriodicCell?) throws -> Void) throws {
        var cells = PeriodicCells(self, periodic: periodic)
        let width = atomCount * 3
        try positions.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return }
            for frame in 0 ..< frameCount {
                try body(FramePoints(base: start + frame * width), frame, try cells.cell(forFrame: frame))
            }
        }
    }
}
