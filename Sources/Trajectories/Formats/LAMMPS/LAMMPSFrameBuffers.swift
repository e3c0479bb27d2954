/// One frame's atom values as parsed, in file order and dump units (reused from frame to frame):
/// nine numbers per atom (position, velocity, force), so that the parser writes through one pointer.
struct LAMMPSParsedFrame {
    static let stride = 9
    var values: [Double] = []
    var ids: [Int] = []

    /// Where a column's value goes among an atom's nine, or nil for columns that hold none.
    static func slot(of role: LAMMPSColumns.Role) -> Int? {
        switch role {
        case .px: 0
        case .py: 1
        case .pz: 2
        case .vx: 3
        case .vy: 4
        case .vz: 5
        case .fx: 6
        case .fy: 7
        case .fz: 8
        case .skip, .id: nil
        }
    }

    mutating func reset(atoms: Int, ids hasIDs: Bool) {
        if values.count != atoms * Self.stride { values = [Double](repeating: 0, count: atoms * Self.stride) }
        if ids.count != (hasIDs ? atoms : 0) { ids = [Int](repeating: 0, count: hasIDs ? atoms : 0) }
    }

    /// Turns fractional positions into Cartesian ones with the frame's box.
    static func unscale(_ values: inout [Double], with box: LAMMPSBox) {
        for atom in 0 ..< values.count / stride {
            let base = atom * stride
            let cartesian = box.cartesian(SIMD3(values[base], values[base + 1], values[base + 2]))
            values[base] = cartesian.x
            values[base + 1] = cartesian.y
            values[base + 2] = cartesian.z
        }
    }
}

/// Collects converted frames into the arrays of a `FrameChunk`.
final class LAMMPSChunkBuilder {
    private let atomCount: Int
    private let firstFrame: Int
    private var positions: [Float] = []
    private var velocities: [Float]?
    private var forces: [Float]?
    private var times: [Double] = []
    private var steps: [Int] = []
    private var boxes: [Box] = []

    init(atomCount: Int, firstFrame: Int, velocities: Bool, forces: Bool, capacity: Int) {
        self.atomCount = atomCount
        self.firstFrame = firstFrame
        positions.reserveCapacity(capacity * atomCount * 3)
        self.velocities = velocities ? [] : nil
        self.forces = forces ? [] : nil
        self.velocities?.reserveCapacity(capacity * atomCount * 3)
        self.forces?.reserveCapacity(capacity * atomCount * 3)
    }

    var frameCount: Int { times.count }

    /// Appends a parsed frame, placing file line i at `slots[i]` (identity when nil).
    func append(_ frame: LAMMPSParsedFrame, slots: [Int]?, lengthScale: Double, velocityScale: Double, forceScale: Double,
                time: Double, step: Int, box: Box) {
        Self.place(frame.values, first: 0, slots: slots, scale: lengthScale, atoms: atomCount, into: &positions)
        if velocities != nil { Self.place(frame.values, first: 3, slots: slots, scale: velocityScale, atoms: atomCount, into: &velocities!) }
        if forces != nil { Self.place(frame.values, first: 6, slots: slots, scale: forceScale, atoms: atomCount, into: &forces!) }
        times.append(time)
        steps.append(step)
        boxes.append(box)
    }

    /// Appends one quantity (the three values from `first` of each atom's nine), file line i
    /// going to atom slots[i].
    private static func place(_ values: [Double], first: Int, slots: [Int]?, scale: Double, atoms: Int,
                              into target: inout [Float]) {
        let base = target.count
        target.append(contentsOf: repeatElement(0, count: atoms * 3))
        let stride = LAMMPSParsedFrame.stride
        values.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { out in
                if let slots {
                    for line in 0 ..< atoms {
                        let to = base + 3 * slots[line], from = stride * line + first
                        out[to] = Float(source[from] * scale)
                        out[to + 1] = Float(source[from + 1] * scale)
                        out[to + 2] = Float(source[from + 2] * scale)
                    }
                } else {
                    for line in 0 ..< atoms {
                        let to = base + 3 * line, from = stride * line + first
                        out[to] = Float(source[from] * scale)
                        out[to + 1] = Float(source[from + 1] * scale)
                        out[to + 2] = Float(source[from + 2] * scale)
                    }
                }
            }
        }
    }

    func chunk() -> FrameChunk {
        FrameChunk(atomCount: atomCount, firstFrame: firstFrame, positions: positions, velocities: velocities, forces: forces,
                   times: times, steps: steps, boxes: boxes)
    }
}
