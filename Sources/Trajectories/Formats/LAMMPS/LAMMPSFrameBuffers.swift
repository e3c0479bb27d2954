/// One frame's atom values as parsed, in file order and dump units (reused from frame to frame).
struct LAMMPSParsedFrame {
    var positions: [Double] = []
    var velocities: [Double] = []
    var forces: [Double] = []
    var ids: [Int] = []

    mutating func reset(atoms: Int, velocities hasVelocities: Bool, forces hasForces: Bool, ids hasIDs: Bool) {
        func size(_ array: inout [Double], _ count: Int) {
            if array.count != count { array = [Double](repeating: 0, count: count) }
        }
        size(&positions, atoms * 3)
        size(&velocities, hasVelocities ? atoms * 3 : 0)
        size(&forces, hasForces ? atoms * 3 : 0)
        if ids.count != (hasIDs ? atoms : 0) { ids = [Int](repeating: 0, count: hasIDs ? atoms : 0) }
    }

    @inline(__always)
    mutating func store(_ role: LAMMPSColumns.Role, _ value: Double, atom: Int) {
        switch role {
        case .px: positions[3 * atom] = value
        case .py: positions[3 * atom + 1] = value
        case .pz: positions[3 * atom + 2] = value
        case .vx: velocities[3 * atom] = value
        case .vy: velocities[3 * atom + 1] = value
        case .vz: velocities[3 * atom + 2] = value
        case .fx: forces[3 * atom] = value
        case .fy: forces[3 * atom + 1] = value
        case .fz: forces[3 * atom + 2] = value
        case .skip, .id: break
        }
    }

    /// Turns fractional positions into Cartesian ones with the frame's box.
    mutating func unscale(with box: LAMMPSBox) {
        for atom in 0 ..< positions.count / 3 {
            let cartesian = box.cartesian(SIMD3(positions[3 * atom], positions[3 * atom + 1], positions[3 * atom + 2]))
            positions[3 * atom] = cartesian.x
            positions[3 * atom + 1] = cartesian.y
            positions[3 * atom + 2] = cartesian.z
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
        Self.place(frame.positions, slots: slots, scale: lengthScale, atoms: atomCount, into: &positions)
        if velocities != nil { Self.place(frame.velocities, slots: slots, scale: velocityScale, atoms: atomCount, into: &velocities!) }
        if forces != nil { Self.place(frame.forces, slots: slots, scale: forceScale, atoms: atomCount, into: &forces!) }
        times.append(time)
        steps.append(step)
        boxes.append(box)
    }

    private static func place(_ values: [Double], slots: [Int]?, scale: Double, atoms: Int, into target: inout [Float]) {
        let base = target.count
        target.append(contentsOf: repeatElement(0, count: atoms * 3))
        values.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { out in
                for line in 0 ..< atoms {
                    let slot = slots?[line] ?? line
                    for axis in 0 ..< 3 { out[base + 3 * slot + axis] = Float(source[3 * line + axis] * scale) }
                }
            }
        }
    }

    func chunk() -> FrameChunk {
        FrameChunk(atomCount: atomCount, firstFrame: firstFrame, positions: positions, velocities: velocities, forces: forces,
                   times: times, steps: steps, boxes: boxes)
    }
}
