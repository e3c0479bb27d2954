import CNetCDF

/// Reads AMBER NetCDF trajectories (Conventions "AMBER", version 1.0) in NetCDF-3 (classic or
/// 64-bit offset) and NetCDF-4 form, through libnetcdf.
///
/// coordinates (frame, atom, spatial) in Å, time (frame) in ps, cell_lengths / cell_angles
/// (frame, 3) in Å and degrees, and, when present, velocities (Å/ps after their scale_factor,
/// which AMBER sets to 20.455) and forces (kcal/(mol Å)). Every variable's `units` and
/// `scale_factor` attributes are honoured. Frames are read in chunks with one hyperslab call per
/// variable, so seeking is free.
public final class AmberNetCDFReader: TrajectoryReader {
    public let path: String
    public let atomCount: Int
    /// The file's title attribute and the program that wrote it.
    public let title: String?
    public let program: String?

    private let file: AmberNetCDFFile
    private let frameCount: Int
    private let coordinates: AmberNetCDFQuantity
    private let velocities: AmberNetCDFQuantity?
    private let forces: AmberNetCDFQuantity?
    private let time: AmberNetCDFQuantity?
    private let cellLengths: AmberNetCDFQuantity?
    private let cellAngles: AmberNetCDFQuantity?
    private var nextFrame = 0

    public init(path: String) throws {
        self.path = path
        file = try AmberNetCDFFile(reading: path)
        try file.requireConvention("AMBER")
        atomCount = try file.atomDimension()
        guard let frames = file.dimensionLength("frame") else {
            throw TrajectoryError(.malformed, path: path, "the file has no frame dimension")
        }
        frameCount = frames
        title = file.textAttribute("title")
        program = file.textAttribute("program")

        let perAtom = ["frame", "atom", "spatial"]
        guard let coordinates = try file.quantity("coordinates", dimensions: perAtom, convert: AmberNetCDFUnits.length) else {
            throw TrajectoryError(.malformed, path: path, "the file has no coordinates variable")
        }
        self.coordinates = coordinates
        velocities = try file.quantity("velocities", dimensions: perAtom, convert: AmberNetCDFUnits.velocity)
        forces = try file.quantity("forces", dimensions: perAtom, convert: AmberNetCDFUnits.force)
        time = try file.quantity("time", dimensions: ["frame"], convert: AmberNetCDFUnits.time)
        cellLengths = try file.quantity("cell_lengths", dimensions: ["frame", "cell_spatial"], convert: AmberNetCDFUnits.length)
        cellAngles = try file.quantity("cell_angles", dimensions: ["frame", "cell_angular"]) {
            AmberNetCDFUnits.angle($0) ? 1 : nil
        }
        for cell in [cellLengths, cellAngles].compactMap({ $0 }) where cell.variable.dimensionLengths[1] != 3 {
            throw TrajectoryError(.malformed, path: path, "the cell variables need 3 values per frame")
        }
    }

    public func countFrames() throws -> Int {
        try file.requireOpen()
        return frameCount
    }

    public func seek(toFrame index: Int) throws {
        try file.requireOpen()
        guard index >= 0 && index <= frameCount else {
            throw TrajectoryError(.mismatch, path: path, frame: index, "cannot seek to frame \(index): the file has \(frameCount) frames")
        }
        nextFrame = index
    }

    public func read(maxFrames: Int) throws -> FrameChunk? {
        try file.requireOpen()
        guard nextFrame < frameCount else { return nil }
        let first = nextFrame, count = min(max(maxFrames, 0), frameCount - nextFrame)
        let positions = try readPerAtom(coordinates, first: first, count: count, name: "coordinates")
        let chunk = FrameChunk(
            atomCount: atomCount, firstFrame: first, positions: positions,
            velocities: try velocities.map { try readPerAtom($0, first: first, count: count, name: "velocities") },
            forces: try forces.map { try readPerAtom($0, first: first, count: count, name: "forces") },
            times: try readTimes(first: first, count: count),
            boxes: try readBoxes(first: first, count: count))
        nextFrame += count
        return chunk
    }

    public func close() {
        try? file.close()
    }

    // MARK: - Hyperslabs

    /// frames × atoms × 3 values of a per-atom variable, converted to lss units; non-finite and
    /// never-written (fill) values are errors naming the frame.
    private func readPerAtom(_ quantity: AmberNetCDFQuantity, first: Int, count: Int, name: String) throws -> [Float] {
        let width = atomCount * 3, total = count * width
        var status: Int32 = 0
        // No zero-filling: libnetcdf writes every element (or fails, and then we throw).
        var values = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            status = AmberNetCDFLock.run {
                nc_get_vara_float(file.id, quantity.id, [first, 0, 0], [count, atomCount, 3], buffer.baseAddress)
            }
            initialized = total
        }
        try file.check(status, "reading \(name) of frames \(first)..<\(first + count)", frame: first, kind: .malformed)
        // One branch-free pass that scales and flags NaN, infinity and never-written values (the
        // fill value is 9.97e36; nothing real is stored beyond 1e36), so the loop vectorises.
        let factor = Float(quantity.factor), limit: Float = 1e36
        var flagged: UInt32 = 0
        values.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                let raw = buffer[index]
                flagged |= abs(raw) < limit ? 0 : 1
                buffer[index] = raw * factor
            }
        }
        if flagged != 0 {
            let bad = values.firstIndex { !(abs($0) < limit * abs(factor)) } ?? 0
            let frame = first + bad / max(width, 1), atom = (bad % max(width, 1)) / 3
            let finite = values[bad].isFinite
            throw TrajectoryError(finite ? .malformed : .nonFinite, path: path, frame: frame,
                                  finite ? "atom \(atom) has no \(name) (the frame was never written)"
                                         : "atom \(atom) has a non-finite \(name) value")
        }
        return values
    }

    private func readDoubles(_ quantity: AmberNetCDFQuantity, start: [Int], counts: [Int], name: String) throws -> [Double] {
        var values = [Double](repeating: 0, count: counts.reduce(1, *))
        let status = values.withUnsafeMutableBufferPointer { buffer in
            AmberNetCDFLock.run { nc_get_vara_double(file.id, quantity.id, start, counts, buffer.baseAddress) }
        }
        try file.check(status, "reading \(name)", frame: start.first, kind: .malformed)
        return values.map { $0 * quantity.factor }
    }

    /// Times in ps; a file without a time variable numbers its frames 0, 1, 2, ...
    private func readTimes(first: Int, count: Int) throws -> [Double] {
        guard let time else { return (first ..< first + count).map(Double.init) }
        return try readDoubles(time, start: [first], counts: [count], name: "time")
    }

    private func readBoxes(first: Int, count: Int) throws -> [Box]? {
        guard let cellLengths else { return nil }
        let lengths = try readDoubles(cellLengths, start: [first, 0], counts: [count, 3], name: "cell_lengths")
        let angles = try cellAngles.map { try readDoubles($0, start: [first, 0], counts: [count, 3], name: "cell_angles") }
            ?? [Double](repeating: 90, count: count * 3)
        return try (0 ..< count).map { frame in
            let l = SIMD3(lengths[3 * frame], lengths[3 * frame + 1], lengths[3 * frame + 2])
            let a = SIMD3(angles[3 * frame], angles[3 * frame + 1], angles[3 * frame + 2])
            guard (l * l).sum().isFinite && (a * a).sum().isFinite else {
                throw TrajectoryError(.nonFinite, path: path, frame: first + frame, "the unit cell has a non-finite value")
            }
            return Box(lengths: l, angles: a)
        }
    }
}
