/// A run of consecutive frames as trajectory readers deliver them and writers take them.
///
/// Units inside lss: positions nm, velocities nm/ps, forces kJ/(mol nm), time ps, box vectors nm.
/// Storage is Float32 and frame-major (frame, atom, xyz), the precision of every compressed or
/// single-precision format; restart-grade data in full precision travel as `Frame`.
public struct FrameChunk: Sendable, Equatable {
    public private(set) var atomCount: Int
    /// Zero-based index in the file of the first frame of this chunk.
    public var firstFrame: Int
    /// frameCount × atomCount × 3 positions in nm.
    public var positions: [Float]
    /// Same layout as `positions`, in nm/ps, when the format stores velocities.
    public var velocities: [Float]?
    /// Same layout as `positions`, in kJ/(mol nm), when the format stores forces.
    public var forces: [Float]?
    /// One time in ps per frame (formats without time get index × time step, or the index).
    public var times: [Double]
    /// One MD step number per frame, when the format stores it.
    public var steps: [Int]?
    /// One box per frame, or nil when the file has no unit cell.
    public var boxes: [Box]?

    public init(atomCount: Int, firstFrame: Int = 0, positions: [Float], velocities: [Float]? = nil,
                forces: [Float]? = nil, times: [Double], steps: [Int]? = nil, boxes: [Box]? = nil) {
        precondition(atomCount >= 0 && positions.count == times.count * atomCount * 3,
                     "FrameChunk: \(positions.count) coordinates for \(times.count) frames of \(atomCount) atoms")
        precondition(velocities.map { $0.count == positions.count } ?? true, "FrameChunk: velocities size")
        precondition(forces.map { $0.count == positions.count } ?? true, "FrameChunk: forces size")
        precondition(steps.map { $0.count == times.count } ?? true, "FrameChunk: steps count")
        precondition(boxes.map { $0.count == times.count } ?? true, "FrameChunk: boxes count")
        self.atomCount = atomCount
        self.firstFrame = firstFrame
        self.positions = positions
        self.velocities = velocities
        self.forces = forces
        self.times = times
        self.steps = steps
        self.boxes = boxes
    }

    /// An empty chunk of `atomCount` atoms, to be filled with `append`.
    public init(atomCount: Int, firstFrame: Int = 0) {
        self.init(atomCount: atomCount, firstFrame: firstFrame, positions: [], times: [])
    }

    public var frameCount: Int { times.count }
    public var isEmpty: Bool { times.isEmpty }

    /// Positions of frame `index` (zero-based within the chunk) as a slice of x, y, z triples.
    public func positions(ofFrame index: Int) -> ArraySlice<Float> {
        let width = atomCount * 3
        return positions[(index * width) ..< ((index + 1) * width)]
    }

    /// The frame `index` (zero-based within the chunk) widened to Float64.
    public func frame(_ index: Int) -> Frame {
        let width = atomCount * 3
        func triples(_ values: [Float]) -> [SIMD3<Double>] {
            (0 ..< atomCount).map { atom in
                let offset = index * width + atom * 3
                return SIMD3(Double(values[offset]), Double(values[offset + 1]), Double(values[offset + 2]))
            }
        }
        return Frame(positions: triples(positions), velocities: velocities.map(triples),
                     forces: forces.map(triples), box: boxes?[index], time: times[index], step: steps?[index])
    }

    /// Appends one frame. The first frame appended to an empty chunk decides which optional fields
    /// (velocities, forces, steps, boxes) the chunk carries; later frames must match it.
    public mutating func append(_ frame: Frame) {
        precondition(frame.positions.count == atomCount, "FrameChunk.append: atom count")
        let first = isEmpty
        if first {
            velocities = frame.velocities == nil ? nil : []
            forces = frame.forces == nil ? nil : []
            steps = frame.step == nil ? nil : []
            boxes = frame.box == nil ? nil : []
        }
        func push(_ triples: [SIMD3<Double>], into array: inout [Float]) {
            for v in triples { array.append(Float(v.x)); array.append(Float(v.y)); array.append(Float(v.z)) }
        }
        push(frame.positions, into: &positions)
        if velocities != nil { push(frame.velocities ?? [], into: &velocities!) }
        if forces != nil { push(frame.forces ?? [], into: &forces!) }
        if steps != nil { steps!.append(frame.step ?? 0) }
        if boxes != nil, let box = frame.box { boxes!.append(box) }
        times.append(frame.time ?? Double(firstFrame + times.count))
        precondition(velocities.map { $0.count == positions.count } ?? true, "FrameChunk.append: velocities")
        precondition(forces.map { $0.count == positions.count } ?? true, "FrameChunk.append: forces")
        precondition(boxes.map { $0.count == times.count } ?? true, "FrameChunk.append: boxes")
    }

    /// A chunk holding only the listed atoms (in the order given), for selections.
    public func selecting(atoms indices: [Int]) -> FrameChunk {
        func pick(_ values: [Float]) -> [Float] {
            var out = [Float]()
            out.reserveCapacity(frameCount * indices.count * 3)
            values.withUnsafeBufferPointer { source in
                for frame in 0 ..< frameCount {
                    let base = frame * atomCount * 3
                    for atom in indices {
                        let offset = base + atom * 3
                        out.append(source[offset]); out.append(source[offset + 1]); out.append(source[offset + 2])
                    }
                }
            }
            return out
        }
        return FrameChunk(atomCount: indices.count, firstFrame: firstFrame, positions: pick(positions),
                          velocities: velocities.map(pick), forces: forces.map(pick), times: times,
                          steps: steps, boxes: boxes)
    }

    /// A chunk holding the frames at the given indices within this chunk (for strides and ranges).
    public func selecting(frames indices: [Int]) -> FrameChunk {
        let width = atomCount * 3
        func pick(_ values: [Float]) -> [Float] {
            var out = [Float]()
            out.reserveCapacity(indices.count * width)
            for frame in indices { out.append(contentsOf: values[(frame * width) ..< ((frame + 1) * width)]) }
            return out
        }
        return FrameChunk(atomCount: atomCount, firstFrame: firstFrame + (indices.first ?? 0),
                          positions: pick(positions), velocities: velocities.map(pick), forces: forces.map(pick),
                          times: indices.map { times[$0] }, steps: steps.map { s in indices.map { s[$0] } },
                          boxes: boxes.map { b in indices.map { b[$0] } })
    }

    /// The first non-finite coordinate, as (frame within the chunk, atom), if any.
    public func firstNonFinite() -> (frame: Int, atom: Int)? {
        guard atomCount > 0 else { return nil }
        for (offset, value) in positions.enumerated() where !value.isFinite {
            return (offset / (atomCount * 3), (offset / 3) % atomCount)
        }
        return nil
    }
}

/// One frame in full precision: what restart-grade formats (AMBER rst7 and NetCDF restarts, GRO,
/// OpenMM state XML, double-precision TRR) hold and what seeds are made of. Units as in `FrameChunk`.
public struct Frame: Sendable, Equatable {
    public var positions: [SIMD3<Double>]
    public var velocities: [SIMD3<Double>]?
    public var forces: [SIMD3<Double>]?
    public var box: Box?
    /// Time in ps, when known.
    public var time: Double?
    /// MD step number, when known.
    public var step: Int?

    public init(positions: [SIMD3<Double>], velocities: [SIMD3<Double>]? = nil, forces: [SIMD3<Double>]? = nil,
                box: Box? = nil, time: Double? = nil, step: Int? = nil) {
        self.positions = positions
        self.velocities = velocities
        self.forces = forces
        self.box = box
        self.time = time
        self.step = step
    }

    public var atomCount: Int { positions.count }

    /// This frame as a one-frame chunk (narrowed to Float32).
    public func chunk(firstFrame: Int = 0) -> FrameChunk {
        var chunk = FrameChunk(atomCount: atomCount, firstFrame: firstFrame)
        chunk.append(self)
        return chunk
    }
}
