import CHDF5
import Foundation

/// Writes MDTraj HDF5 trajectories that `mdtraj.load(path)` opens with no other argument: the
/// topology travels inside the file as MDTraj's JSON, next to the "Pande" root attributes and the
/// PyTables bookkeeping attributes.
///
/// Datasets are created on the first `write`, from what that chunk carries: /coordinates (float32,
/// nm) and /time (ps) always, /cell_lengths and /cell_angles when it has boxes, /velocities when it
/// has velocities; later chunks must carry the same. Every dataset has an unlimited frame dimension
/// and each `write` appends its frames. Time is stored in float64 (MDTraj itself uses float32, whose
/// 24-bit mantissa cannot tell 2 fs steps apart after about 30 ns); MDTraj reads either.
public final class MDTrajHDF5Writer: TrajectoryWriter {
    public let path: String
    public let atomCount: Int
    public let topology: Topology

    private let compress: Bool
    private let calls: HDF5Calls
    private var file: HDF5Handle?
    private var coordinates: HDF5AppendableSeries?
    private var time: HDF5AppendableSeries?
    private var cellLengths: HDF5AppendableSeries?
    private var cellAngles: HDF5AppendableSeries?
    private var velocities: HDF5AppendableSeries?

    /// - Parameters:
    ///   - topology: required; the file format carries its topology, and MDTraj cannot load a file
    ///     without one.
    ///   - compress: shuffle + deflate level 1, MDTraj's default.
    ///   - title, application: root attributes.
    public init(path: String, atomCount: Int, topology: Topology? = nil, compress: Bool = true,
                title: String = "title", application: String = "lss") throws {
        HDF5Diagnostics.silence()
        self.path = path
        self.atomCount = atomCount
        self.compress = compress
        calls = HDF5Calls(path: path)
        guard let topology else {
            throw TrajectoryError(.unsupported, path: path,
                                  "an MDTraj HDF5 file carries its topology: pass the topology of the \(atomCount) atoms")
        }
        guard topology.atomCount == atomCount, atomCount > 0 else {
            throw TrajectoryError(.mismatch, path: path,
                                  "the topology has \(topology.atomCount) atoms but the writer was given \(atomCount)")
        }
        guard MDTrajTopologyJSON.isInFileOrder(topology) else {
            throw TrajectoryError(.unsupported, path: path,
                                  "MDTraj numbers atoms chain by chain and residue by residue; this topology's atoms are in another order")
        }
        self.topology = topology

        let file = try calls.handle(H5Fcreate(path, lss_H5F_ACC_TRUNC(), lss_H5P_DEFAULT(), lss_H5P_DEFAULT()), H5Fclose,
                                    kind: .io, "cannot create the file")
        self.file = file
        let rootAttributes = [
            ("CLASS", "GROUP"), ("PYTABLES_FORMAT_VERSION", "2.1"), ("TITLE", ""), ("VERSION", "1.0"),
            ("conventions", "Pande"), ("conventionVersion", "1.1"), ("program", "lss"), ("programVersion", "1"),
            ("title", title), ("application", application),
        ]
        for (name, value) in rootAttributes { try calls.setStringAttribute(name, value, on: file.id) }
        try writeTopology(MDTrajTopologyJSON.encode(topology), file: file.id)
    }

    deinit { try? close() }

    /// /topology as PyTables stores a one-element list of bytes: a fixed-length ASCII string array.
    private func writeTopology(_ json: String, file: hid_t) throws {
        let bytes = Array(json.utf8)
        let type = try calls.handle(H5Tcopy(lss_H5T_C_S1()), H5Tclose, kind: .io, "cannot make a string type")
        try calls.check(H5Tset_size(type.id, bytes.count), kind: .io, "cannot size /topology")
        try calls.check(H5Tset_strpad(type.id, H5T_STR_NULLTERM), kind: .io, "cannot set /topology")
        var dims: [hsize_t] = [1]
        let space = try calls.handle(H5Screate_simple(1, &dims, &dims), H5Sclose, kind: .io, "cannot shape /topology")
        let dataset = try calls.handle(H5Dcreate2(file, "topology", type.id, space.id, lss_H5P_DEFAULT(), lss_H5P_DEFAULT(),
                                                  lss_H5P_DEFAULT()), H5Dclose, kind: .io, "cannot create /topology")
        try calls.check(H5Dwrite(dataset.id, type.id, lss_H5S_ALL(), lss_H5S_ALL(), lss_H5P_DEFAULT(), bytes), kind: .io,
                        "cannot write /topology")
        for (name, value) in [("CLASS", "ARRAY"), ("FLAVOR", "python"), ("TITLE", ""), ("VERSION", "2.4")] {
            try calls.setStringAttribute(name, value, on: dataset.id)
        }
    }

    public func write(_ chunk: FrameChunk) throws {
        HDF5Diagnostics.silence()
        guard let file else { throw TrajectoryError(.io, path: path, "the writer is closed") }
        guard chunk.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: coordinates?.frameCount,
                                  "a chunk of \(chunk.atomCount) atoms cannot go into a file of \(atomCount)")
        }
        if coordinates == nil {
            try createDatasets(file: file.id, cell: chunk.boxes != nil, velocities: chunk.velocities != nil)
        }
        guard let coordinates, let time else { return }
        let first = coordinates.frameCount
        guard (chunk.boxes != nil) == (cellLengths != nil) else {
            throw TrajectoryError(.mismatch, path: path, frame: first, cellLengths == nil
                ? "these frames have a unit cell but the first frames written had none"
                : "these frames have no unit cell but the first frames written had one")
        }
        guard (chunk.velocities != nil) == (velocities != nil) else {
            throw TrajectoryError(.mismatch, path: path, frame: first, velocities == nil
                ? "these frames have velocities but the first frames written had none"
                : "these frames have no velocities but the first frames written had them")
        }
        let count = chunk.frameCount
        guard count > 0 else { return }
        try chunk.positions.withUnsafeBytes {
            try coordinates.append(frames: count, of: lss_H5T_NATIVE_FLOAT(), from: $0.baseAddress, calls: calls)
        }
        try chunk.times.withUnsafeBytes {
            try time.append(frames: count, of: lss_H5T_NATIVE_DOUBLE(), from: $0.baseAddress, calls: calls)
        }
        if let boxes = chunk.boxes, let cellLengths, let cellAngles {
            let lengths = boxes.flatMap { box in let l = box.lengths; return [l.x, l.y, l.z] }
            let angles = boxes.flatMap { box in let g = box.angles; return [g.x, g.y, g.z] }
            try lengths.withUnsafeBytes {
                try cellLengths.append(frames: count, of: lss_H5T_NATIVE_DOUBLE(), from: $0.baseAddress, calls: calls)
            }
            try angles.withUnsafeBytes {
                try cellAngles.append(frames: count, of: lss_H5T_NATIVE_DOUBLE(), from: $0.baseAddress, calls: calls)
            }
        }
        if let values = chunk.velocities, let velocities {
            try values.withUnsafeBytes {
                try velocities.append(frames: count, of: lss_H5T_NATIVE_FLOAT(), from: $0.baseAddress, calls: calls)
            }
        }
    }

    private func createDatasets(file: hid_t, cell: Bool, velocities withVelocities: Bool) throws {
        // Chunks of about 512 KiB: large enough for deflate and few index lookups, small enough to
        // cache while a chunk fills over several appends.
        let frameBytes = atomCount * 12
        let frameChunk = max(1, min(4096, (512 << 10) / max(1, frameBytes)))
        let perFrame = [hsize_t(atomCount), 3]
        func series(_ name: String, _ shape: [hsize_t], _ type: hid_t, _ units: String, _ chunk: Int) throws -> HDF5AppendableSeries {
            try HDF5AppendableSeries(file: file, name: name, frameShape: shape, fileType: type, units: units,
                                     chunkFrames: chunk, compress: compress, calls: calls)
        }
        coordinates = try series("coordinates", perFrame, lss_H5T_NATIVE_FLOAT(), "nanometers", frameChunk)
        time = try series("time", [], lss_H5T_NATIVE_DOUBLE(), "picoseconds", 4096)
        if cell {
            cellLengths = try series("cell_lengths", [3], lss_H5T_NATIVE_FLOAT(), "nanometers", 4096)
            cellAngles = try series("cell_angles", [3], lss_H5T_NATIVE_FLOAT(), "degrees", 4096)
        }
        if withVelocities {
            velocities = try series("velocities", perFrame, lss_H5T_NATIVE_FLOAT(), "nanometers/picosecond", frameChunk)
        }
    }

    public func close() throws {
        HDF5Diagnostics.silence()
        guard let file else { return }
        // A file closed before any frame still gets its (empty) /coordinates, so that it is a valid
        // zero-frame trajectory rather than one MDTraj cannot open.
        if coordinates == nil { try createDatasets(file: file.id, cell: false, velocities: false) }
        coordinates = nil
        time = nil
        cellLengths = nil
        cellAngles = nil
        velocities = nil
        let status = file.releaseNow()
        self.file = nil
        try calls.check(status, kind: .io, "cannot finish writing the file")
    }
}
