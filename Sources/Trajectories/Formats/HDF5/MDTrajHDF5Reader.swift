import CHDF5
import Foundation

/// Reads MDTraj HDF5 trajectories (the "Pande" conventions written by MDTraj's HDF5TrajectoryFile,
/// `Trajectory.save_hdf5` and OpenMM runs through `mdtraj.reporters.HDF5Reporter`).
///
/// Layout: /coordinates (frames × atoms × 3, nm), optional /time (ps), /cell_lengths (nm) with
/// /cell_angles (degrees), /velocities (nm/ps), and /topology, one JSON string. Other datasets
/// (energies, temperature, lambda, constraints) are ignored. Each `read` takes one hyperslab of
/// every dataset, so memory is bounded by the frames asked for plus one compressed chunk per
/// dataset in libhdf5's cache.
public final class MDTrajHDF5Reader: TrajectoryReader {
    public let path: String
    public let atomCount: Int
    /// The topology stored in the file, or nil when it has none.
    public let topology: Topology?
    /// Root attributes, when present.
    public let title: String?
    public let application: String?
    public let program: String?
    public let conventions: String?

    private let frameCount: Int
    private let calls: HDF5Calls
    private var file: HDF5Handle?
    private var coordinates: HDF5FrameSeries?
    private var time: HDF5FrameSeries?
    private var cellLengths: HDF5FrameSeries?
    private var cellAngles: HDF5FrameSeries?
    private var velocities: HDF5FrameSeries?
    private var position = 0

    public init(path: String) throws {
        HDF5Diagnostics.silence()
        let calls = HDF5Calls(path: path)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue else {
            throw TrajectoryError(.io, path: path, "cannot open: no such file or not readable")
        }
        guard H5Fis_hdf5(path) > 0 else {
            _ = H5Eclear2(lss_H5E_DEFAULT())
            throw TrajectoryError(.malformed, path: path, "is not an HDF5 file (no HDF5 signature; truncated or another format?)")
        }
        let file = try calls.handle(H5Fopen(path, lss_H5F_ACC_RDONLY(), lss_H5P_DEFAULT()), H5Fclose,
                                    "cannot open as HDF5 (damaged or truncated?)")
        func series(_ name: String, _ units: (String) -> Double?) throws -> HDF5FrameSeries? {
            try HDF5FrameSeries(file: file.id, name: name, calls: calls, fileSize: size, units: units)
        }
        guard let coordinates = try series("coordinates", MDTrajUnits.length) else {
            throw TrajectoryError(.malformed, path: path, "has no /coordinates dataset; it is not an MDTraj HDF5 trajectory")
        }
        guard coordinates.dims.count == 3, coordinates.dims[2] == 3 else {
            throw TrajectoryError(.malformed, path: path, "/coordinates has shape \(coordinates.dims), not frames × atoms × 3")
        }
        let frameCount = coordinates.frameCount, atomCount = Int(clamping: coordinates.dims[1])
        let time = try series("time", MDTrajUnits.time)
        let cellLengths = try series("cell_lengths", MDTrajUnits.length)
        let cellAngles = try series("cell_angles", MDTrajUnits.angle)
        let velocities = try series("velocities", MDTrajUnits.velocity)
        try MDTrajHDF5Reader.checkShapes(path: path, frames: frameCount, atoms: atomCount, time: time,
                                         cellLengths: cellLengths, cellAngles: cellAngles, velocities: velocities)
        var topology: Topology? = nil
        if calls.exists("topology", in: file.id) {
            let json = try MDTrajHDF5Reader.readTopologyText(file: file.id, calls: calls, fileSize: size)
            let decoded = try MDTrajTopologyJSON.decode(json, path: path)
            guard decoded.atomCount == atomCount else {
                throw TrajectoryError(.mismatch, path: path,
                                      "the topology has \(decoded.atomCount) atoms but /coordinates has \(atomCount)")
            }
            topology = decoded
        }

        self.path = path
        self.calls = calls
        self.file = file
        self.coordinates = coordinates
        self.frameCount = frameCount
        self.atomCount = atomCount
        self.time = time
        self.cellLengths = cellLengths
        self.cellAngles = cellAngles
        self.velocities = velocities
        self.topology = topology
        title = try calls.stringAttribute("title", of: file.id)
        application = try calls.stringAttribute("application", of: file.id)
        program = try calls.stringAttribute("program", of: file.id)
        conventions = try calls.stringAttribute("conventions", of: file.id)
    }

    /// Every per-frame dataset must cover every frame, with the shape its name implies.
    private static func checkShapes(path: String, frames: Int, atoms: Int, time: HDF5FrameSeries?,
                                    cellLengths: HDF5FrameSeries?, cellAngles: HDF5FrameSeries?,
                                    velocities: HDF5FrameSeries?) throws {
        func require(_ series: HDF5FrameSeries?, trailing: [hsize_t]) throws {
            guard let series else { return }
            guard Array(series.dims.dropFirst()) == trailing else {
                throw TrajectoryError(.malformed, path: path,
                                      "\(series.name) has shape \(series.dims), expected frames × \(trailing)")
            }
            guard series.frameCount == frames else {
                throw TrajectoryError(.mismatch, path: path,
                                      "\(series.name) has \(series.frameCount) frames but /coordinates has \(frames)")
            }
        }
        try require(time, trailing: [])
        try require(cellLengths, trailing: [3])
        try require(cellAngles, trailing: [3])
        try require(velocities, trailing: [hsize_t(atoms), 3])
        if (cellLengths == nil) != (cellAngles == nil) {
            throw TrajectoryError(.malformed, path: path, "has only one of /cell_lengths and /cell_angles")
        }
    }

    /// The bytes of the /topology string: a one-element dataset of a fixed-length string (PyTables)
    /// or of a variable-length string (h5py).
    private static func readTopologyText(file: hid_t, calls: HDF5Calls, fileSize: Int) throws -> Data {
        let dataset = try calls.handle(H5Dopen2(file, "topology", lss_H5P_DEFAULT()), H5Dclose, "cannot open /topology")
        let type = try calls.handle(H5Dget_type(dataset.id), H5Tclose, "cannot read the type of /topology")
        guard H5Tget_class(type.id) == H5T_STRING else {
            throw TrajectoryError(.malformed, path: calls.path, "/topology is not a string")
        }
        let space = try calls.dataspace(of: dataset.id, "/topology")
        guard H5Sget_simple_extent_npoints(space.id) == 1 else {
            throw TrajectoryError(.malformed, path: calls.path, "/topology should hold one JSON string")
        }
        if H5Tis_variable_str(type.id) > 0 {
            let memoryType = try calls.handle(H5Tcopy(lss_H5T_C_S1()), H5Tclose, "cannot make a string type")
            _ = H5Tset_size(memoryType.id, lss_H5T_VARIABLE())
            var pointer: UnsafeMutablePointer<CChar>? = nil
            try calls.check(H5Dread(dataset.id, memoryType.id, lss_H5S_ALL(), lss_H5S_ALL(), lss_H5P_DEFAULT(), &pointer),
                            "cannot read /topology")
            defer { if pointer != nil { _ = H5Dvlen_reclaim(memoryType.id, space.id, lss_H5P_DEFAULT(), &pointer) } }
            guard let pointer else { return Data() }
            return Data(bytes: pointer, count: strlen(pointer))
        }
        let size = H5Tget_size(type.id)
        guard size > 0, size / 1100 <= fileSize else {
            throw TrajectoryError(.malformed, path: calls.path, "/topology claims \(size) bytes, more than the file holds")
        }
        var bytes = Data(count: size)
        try bytes.withUnsafeMutableBytes { buffer in
            try calls.check(H5Dread(dataset.id, type.id, lss_H5S_ALL(), lss_H5S_ALL(), lss_H5P_DEFAULT(), buffer.baseAddress),
                            "cannot read /topology")
        }
        // Fixed-length strings are padded with NULs (or spaces) up to their size.
        if let end = bytes.firstIndex(of: 0) { bytes.removeSubrange(end...) }
        return bytes
    }

    public func countFrames() throws -> Int { frameCount }

    public func seek(toFrame index: Int) throws {
        guard file != nil else { throw TrajectoryError(.io, path: path, "the reader is closed") }
        guard (0 ... frameCount).contains(index) else {
            throw TrajectoryError(.mismatch, path: path, frame: index, "cannot seek to frame \(index): the file has \(frameCount) frames")
        }
        position = index
    }

    public func read(maxFrames: Int) throws -> FrameChunk? {
        HDF5Diagnostics.silence()
        guard file != nil, let coordinates else { throw TrajectoryError(.io, path: path, "the reader is closed") }
        guard position < frameCount else { return nil }
        // Asked for no frames before the end: an empty chunk, not nil (nil means the end).
        guard maxFrames > 0 else { return FrameChunk(atomCount: atomCount, firstFrame: position) }
        let count = min(maxFrames, frameCount - position)
        let start = position
        let width = atomCount * 3

        let positions = try readFloats(coordinates, start: start, count: count)
        var chunk = FrameChunk(atomCount: atomCount, firstFrame: start, positions: positions,
                               times: (start ..< start + count).map(Double.init))
        if let bad = chunk.firstNonFinite() {
            throw TrajectoryError(.nonFinite, path: path, frame: start + bad.frame,
                                  "atom \(bad.atom) has a non-finite coordinate")
        }
        if let velocities { chunk.velocities = try readFloats(velocities, start: start, count: count) }
        if let time { chunk.times = try readDoubles(time, start: start, count: count) }
        if let cellLengths, let cellAngles {
            let lengths = try readDoubles(cellLengths, start: start, count: count)
            let angles = try readDoubles(cellAngles, start: start, count: count)
            chunk.boxes = (0 ..< count).map { frame in
                let i = frame * 3
                return Box(lengths: SIMD3(lengths[i], lengths[i + 1], lengths[i + 2]),
                           angles: SIMD3(angles[i], angles[i + 1], angles[i + 2]))
            }
        }
        assert(chunk.positions.count == count * width)
        position += count
        return chunk
    }

    public func close() {
        coordinates = nil
        time = nil
        cellLengths = nil
        cellAngles = nil
        velocities = nil
        file = nil
    }

    // MARK: - Hyperslab reads

    private func readFloats(_ series: HDF5FrameSeries, start: Int, count: Int) throws -> [Float] {
        let total = count * series.valuesPerFrame
        var values = try [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            // libhdf5 fills the whole buffer or fails; nothing is counted as initialized on failure.
            guard let base = buffer.baseAddress, total > 0 else { return }
            try series.read(frames: start, count: count, as: lss_H5T_NATIVE_FLOAT(), into: base, calls: calls)
            initialized = total
        }
        if series.scale != 1 {
            let factor = Float(series.scale)
            values.withUnsafeMutableBufferPointer { buffer in for i in buffer.indices { buffer[i] *= factor } }
        }
        return values
    }

    private func readDoubles(_ series: HDF5FrameSeries, start: Int, count: Int) throws -> [Double] {
        let total = count * series.valuesPerFrame
        var values = try [Double](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress, total > 0 else { return }
            try series.read(frames: start, count: count, as: lss_H5T_NATIVE_DOUBLE(), into: base, calls: calls)
            initialized = total
        }
        if series.scale != 1 {
            values.withUnsafeMutableBufferPointer { buffer in for i in buffer.indices { buffer[i] *= series.scale } }
        }
        return values
    }
}
