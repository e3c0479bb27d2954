import CNetCDF

/// Writes AMBER NetCDF trajectories (Conventions "AMBER", ConventionVersion "1.0") as AMBER's
/// own programs do: dimensions frame (unlimited), spatial, atom, and with a cell cell_spatial,
/// cell_angular and label; the label variables spatial ("xyz"), cell_spatial ("abc") and
/// cell_angular ("alpha", "beta ", "gamma"); float coordinates (Å), time (ps), velocities (stored
/// in Å per 1/20.455 ps with scale_factor 20.455) and forces (kcal/(mol Å)); double cell_lengths (Å)
/// and cell_angles (degrees).
///
/// Which optional variables exist is decided by the first chunk written; every later chunk must
/// carry the same. Frames are appended along the unlimited dimension as chunks arrive and synced
/// to disk after each chunk.
public final class AmberNetCDFWriter: TrajectoryWriter {
    /// NetCDF-3 with 64-bit offsets (what AMBER writes; any NetCDF reader opens it) or NetCDF-4.
    public enum Format: Sendable { case offset64, netCDF4 }

    public let path: String
    public let atomCount: Int
    private let file: AmberNetCDFFile
    private let format: Format
    private let title: String
    private var layout: Layout?
    private var framesWritten = 0
    private var isClosed = false
    private var buffer: [Float] = []

    /// Variable ids of a defined file.
    private struct Layout {
        var coordinates: Int32
        var time: Int32
        var velocities: Int32?
        var forces: Int32?
        var cellLengths: Int32?
        var cellAngles: Int32?
    }

    public init(path: String, atomCount: Int, topology: Topology? = nil, format: Format = .offset64,
                title: String = "written by lss") throws {
        self.path = path
        guard atomCount > 0 else { throw TrajectoryError(.unsupported, path: path, "an AMBER trajectory needs at least one atom") }
        if let topology, topology.atoms.count != atomCount {
            throw TrajectoryError(.mismatch, path: path, "the topology has \(topology.atoms.count) atoms, the writer \(atomCount)")
        }
        self.atomCount = atomCount
        self.format = format
        self.title = title
        file = try AmberNetCDFFile(creating: path, netCDF4: format == .netCDF4)
    }

    public func write(_ chunk: FrameChunk) throws {
        guard !isClosed else { throw TrajectoryError(.io, path: path, "the writer is closed") }
        guard chunk.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: framesWritten, "the chunk has \(chunk.atomCount) atoms, the file \(atomCount)")
        }
        guard chunk.frameCount > 0 else { return }
        if let bad = chunk.firstNonFinite() {
            throw TrajectoryError(.nonFinite, path: path, frame: framesWritten + bad.frame, "atom \(bad.atom) has a non-finite coordinate")
        }
        let layout = try self.layout ?? define(velocities: chunk.velocities != nil, forces: chunk.forces != nil,
                                                cell: chunk.boxes != nil)
        self.layout = layout
        try requireSameContent(chunk, layout)

        let first = framesWritten, count = chunk.frameCount
        try putPerAtom(layout.coordinates, chunk.positions, factor: 10, first: first, count: count, name: "coordinates")
        if let variable = layout.velocities, let values = chunk.velocities {
            try putPerAtom(variable, values, factor: 10 / AmberConventions.velocityScale, first: first, count: count, name: "velocities")
        }
        if let variable = layout.forces, let values = chunk.forces {
            try putPerAtom(variable, values, factor: 1 / AmberConventions.kcalPerAngstromInKJPerNm, first: first, count: count,
                           name: "forces")
        }
        let times = chunk.times.map(Float.init)
        try file.check(AmberNetCDFLock.run { nc_put_vara_float(file.id, layout.time, [first], [count], times) },
                       "writing time", frame: first)
        if let lengthsVariable = layout.cellLengths, let anglesVariable = layout.cellAngles, let boxes = chunk.boxes {
            let lengths: [Double] = boxes.flatMap { box in [box.lengths.x * 10, box.lengths.y * 10, box.lengths.z * 10] }
            let angles: [Double] = boxes.flatMap { box -> [Double] in
                box.isRectangular ? [90, 90, 90] : [box.angles.x, box.angles.y, box.angles.z]
            }
            try file.check(AmberNetCDFLock.run { nc_put_vara_double(file.id, lengthsVariable, [first, 0], [count, 3], lengths) },
                           "writing cell_lengths", frame: first)
            try file.check(AmberNetCDFLock.run { nc_put_vara_double(file.id, anglesVariable, [first, 0], [count, 3], angles) },
                           "writing cell_angles", frame: first)
        }
        framesWritten += count
        try file.check(AmberNetCDFLock.run { nc_sync(file.id) }, "syncing the file")
    }

    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        if layout == nil { layout = try define(velocities: false, forces: false, cell: false) }
        try file.close()
    }

    deinit { if !isClosed { try? close() } }

    // MARK: - Definition

    private func define(velocities: Bool, forces: Bool, cell: Bool) throws -> Layout {
        try file.putText("title", title)
        try file.putText("application", "lss")
        try file.putText("program", "lss")
        try file.putText("programVersion", "1.0")
        try file.putText("Conventions", "AMBER")
        try file.putText("ConventionVersion", "1.0")

        let frame = try file.defineDimension("frame", length: Int(NC_UNLIMITED))
        let spatial = try file.defineDimension("spatial", length: 3)
        let atom = try file.defineDimension("atom", length: atomCount)
        let spatialLabels = try file.defineVariable("spatial", type: nc_type(NC_CHAR), dimensions: [spatial])
        let time = try file.defineVariable("time", type: nc_type(NC_FLOAT), dimensions: [frame])
        try file.putText("units", "picosecond", on: time)
        let perAtom = [frame, atom, spatial]
        let coordinates = try file.defineVariable("coordinates", type: nc_type(NC_FLOAT), dimensions: perAtom)
        try file.putText("units", "angstrom", on: coordinates)
        var layout = Layout(coordinates: coordinates, time: time)

        var cellLabels: (spatial: Int32, angular: Int32)?
        if cell {
            let cellSpatial = try file.defineDimension("cell_spatial", length: 3)
            let cellAngular = try file.defineDimension("cell_angular", length: 3)
            let label = try file.defineDimension("label", length: 5)
            let spatialVariable = try file.defineVariable("cell_spatial", type: nc_type(NC_CHAR), dimensions: [cellSpatial])
            let angularVariable = try file.defineVariable("cell_angular", type: nc_type(NC_CHAR), dimensions: [cellAngular, label])
            cellLabels = (spatialVariable, angularVariable)
            let lengths = try file.defineVariable("cell_lengths", type: nc_type(NC_DOUBLE), dimensions: [frame, cellSpatial])
            try file.putText("units", "angstrom", on: lengths)
            let angles = try file.defineVariable("cell_angles", type: nc_type(NC_DOUBLE), dimensions: [frame, cellAngular])
            try file.putText("units", "degree", on: angles)
            layout.cellLengths = lengths
            layout.cellAngles = angles
        }
        if velocities {
            let variable = try file.defineVariable("velocities", type: nc_type(NC_FLOAT), dimensions: perAtom)
            try file.putText("units", "angstrom/picosecond", on: variable)
            try file.putDouble("scale_factor", AmberConventions.velocityScale, on: variable)
            layout.velocities = variable
        }
        if forces {
            let variable = try file.defineVariable("forces", type: nc_type(NC_FLOAT), dimensions: perAtom)
            try file.putText("units", "kilocalorie/mole/angstrom", on: variable)
            layout.forces = variable
        }
        if format == .netCDF4 {
            // About 1 MiB per chunk of per-atom data: whole frames, many of them for small systems,
            // so that reading a run of frames touches few chunks. The defaults for an unlimited
            // dimension are far smaller and make NetCDF-4 trajectories slow to read.
            let framesPerChunk = max(1, min(4096, (1 << 20) / (atomCount * 12)))
            for variable in [layout.coordinates, layout.velocities, layout.forces].compactMap({ $0 }) {
                try file.chunk(variable, sizes: [framesPerChunk, atomCount, 3])
            }
            try file.chunk(time, sizes: [4096])
            for variable in [layout.cellLengths, layout.cellAngles].compactMap({ $0 }) {
                try file.chunk(variable, sizes: [4096, 3])
            }
        }
        try file.endDefinitions()
        try file.putLabels(spatialLabels, ["x", "y", "z"], width: 1)
        if let cellLabels {
            try file.putLabels(cellLabels.spatial, ["a", "b", "c"], width: 1)
            try file.putLabels(cellLabels.angular, AmberConventions.cellAngularLabels, width: 5)
        }
        return layout
    }

    private func requireSameContent(_ chunk: FrameChunk, _ layout: Layout) throws {
        func differ(_ what: String, has: Bool, defined: Bool) throws {
            guard has != defined else { return }
            throw TrajectoryError(.mismatch, path: path, frame: framesWritten,
                                  has ? "this chunk has \(what) but the file was started without them"
                                      : "this chunk has no \(what) but the file was started with them")
        }
        try differ("velocities", has: chunk.velocities != nil, defined: layout.velocities != nil)
        try differ("forces", has: chunk.forces != nil, defined: layout.forces != nil)
        try differ("boxes", has: chunk.boxes != nil, defined: layout.cellLengths != nil)
    }

    /// Writes frames × atoms × 3 values multiplied by `factor` (lss units → AMBER units).
    private func putPerAtom(_ variable: Int32, _ values: [Float], factor: Double, first: Int, count: Int, name: String) throws {
        if buffer.count < values.count { buffer = [Float](repeating: 0, count: values.count) }
        let scale = Float(factor)
        values.withUnsafeBufferPointer { source in
            buffer.withUnsafeMutableBufferPointer { target in
                for index in source.indices { target[index] = source[index] * scale }
            }
        }
        let status = buffer.withUnsafeBufferPointer { pointer in
            AmberNetCDFLock.run { nc_put_vara_float(file.id, variable, [first, 0, 0], [count, atomCount, 3], pointer.baseAddress) }
        }
        try file.check(status, "writing \(name)", frame: first)
    }
}
