import CNetCDF

/// Reads an AMBER NetCDF restart (.ncrst, Conventions "AMBERRESTART"): one frame, no frame
/// dimension, double coordinates (atom, spatial) in Å, velocities (Å/ps after their scale_factor
/// of 20.455), forces when present, cell_lengths / cell_angles (3 values) and a scalar time (ps).
/// `readFrame()` keeps every digit (Float64); `read(maxFrames:)` gives the same frame as a chunk.
public final class AmberNetCDFRestartReader: TrajectoryReader {
    public let path: String
    public let atomCount: Int
    public let title: String?
    /// The frame, read when the file is opened (a restart is one frame).
    private var cursor: AmberOneFrameCursor

    public init(path: String) throws {
        self.path = path
        let file = try AmberNetCDFFile(reading: path)
        defer { try? file.close() }
        try file.requireConvention("AMBERRESTART")
        let atoms = try file.atomDimension()
        atomCount = atoms
        title = file.textAttribute("title")

        func triples(_ name: String, convert: (String?) -> Double?) throws -> [SIMD3<Double>]? {
            guard let quantity = try file.quantity(name, dimensions: ["atom", "spatial"], convert: convert) else { return nil }
            var values = [Double](repeating: 0, count: atoms * 3)
            let status = values.withUnsafeMutableBufferPointer { buffer in
                AmberNetCDFLock.run { nc_get_var_double(file.id, quantity.id, buffer.baseAddress) }
            }
            try file.check(status, "reading \(name)", frame: 0, kind: .malformed)
            let fill = file.numericAttribute("_FillValue", of: quantity.id) ?? NC_FILL_DOUBLE
            if let bad = values.firstIndex(where: { !$0.isFinite || $0 == fill }) {
                throw TrajectoryError(values[bad].isFinite ? .malformed : .nonFinite, path: path, frame: 0,
                                      "atom \(bad / 3) has \(values[bad].isFinite ? "no" : "a non-finite") \(name) value")
            }
            return (0 ..< atoms).map { SIMD3(values[3 * $0], values[3 * $0 + 1], values[3 * $0 + 2]) * quantity.factor }
        }
        func vector(_ name: String, convert: (String?) -> Double?) throws -> SIMD3<Double>? {
            guard let variable = file.variable(name) else { return nil }
            guard let quantity = try file.quantity(name, dimensions: variable.dimensionNames, convert: convert),
                  variable.dimensionLengths == [3] else {
                throw TrajectoryError(.malformed, path: path, "variable \(name) must hold 3 values")
            }
            var values = [Double](repeating: 0, count: 3)
            try file.check(AmberNetCDFLock.run { nc_get_var_double(file.id, quantity.id, &values) }, "reading \(name)",
                           kind: .malformed)
            guard values.allSatisfy(\.isFinite) else { throw TrajectoryError(.nonFinite, path: path, frame: 0, "\(name) is not finite") }
            return SIMD3(values[0], values[1], values[2]) * quantity.factor
        }

        guard let positions = try triples("coordinates", convert: AmberNetCDFUnits.length) else {
            throw TrajectoryError(.malformed, path: path, "the file has no coordinates variable")
        }
        let velocities = try triples("velocities", convert: AmberNetCDFUnits.velocity)
        let forces = try triples("forces", convert: AmberNetCDFUnits.force)
        var box: Box?
        if let lengths = try vector("cell_lengths", convert: AmberNetCDFUnits.length) {
            let angles = try vector("cell_angles") { AmberNetCDFUnits.angle($0) ? 1 : nil } ?? SIMD3(90, 90, 90)
            box = Box(lengths: lengths, angles: angles)
        }
        // AMBER writes time as a scalar; MDTraj as a 1-element variable over a "time" dimension.
        var time: Double?
        if let variable = file.variable("time") {
            guard variable.dimensionLengths.reduce(1, *) == 1,
                  let quantity = try file.quantity("time", dimensions: variable.dimensionNames, convert: AmberNetCDFUnits.time) else {
                throw TrajectoryError(.malformed, path: path, "the time variable must hold one value")
            }
            var value = 0.0
            try file.check(AmberNetCDFLock.run { nc_get_var_double(file.id, quantity.id, &value) }, "reading time", kind: .malformed)
            time = value * quantity.factor
        }
        cursor = AmberOneFrameCursor(path: path, frame: Frame(positions: positions, velocities: velocities, forces: forces,
                                                              box: box, time: time))
    }

    public func countFrames() throws -> Int { try cursor.count() }
    public func seek(toFrame index: Int) throws { try cursor.seek(index) }
    public func readFrame() throws -> Frame? { try cursor.nextFrame() }
    public func read(maxFrames: Int) throws -> FrameChunk? { try cursor.nextChunk(maxFrames: maxFrames) }
    public func close() { cursor.close() }
}

/// Writes an AMBER NetCDF restart (Conventions "AMBERRESTART", NetCDF-3 64-bit offset, as AMBER's
/// programs write it) from one frame in full double precision: coordinates, velocities (scaled
/// by 1/20.455 with scale_factor 20.455), forces when present, the cell and the time. Writing a
/// second frame is an error.
public final class AmberNetCDFRestartWriter: TrajectoryWriter {
    public let path: String
    public let atomCount: Int
    private let file: AmberNetCDFFile
    private let title: String
    private var written = false
    private var isClosed = false

    public init(path: String, atomCount: Int, topology: Topology? = nil, title: String = "restart written by lss") throws {
        self.path = path
        guard atomCount > 0 else { throw TrajectoryError(.unsupported, path: path, "a restart needs at least one atom") }
        if let topology, topology.atoms.count != atomCount {
            throw TrajectoryError(.mismatch, path: path, "the topology has \(topology.atoms.count) atoms, the writer \(atomCount)")
        }
        self.atomCount = atomCount
        self.title = title
        file = try AmberNetCDFFile(creating: path, netCDF4: false)
    }

    public func write(_ chunk: FrameChunk) throws {
        guard chunk.frameCount <= 1 else {
            throw TrajectoryError(.unsupported, path: path, frame: 1, "an AMBER restart holds one frame, not \(chunk.frameCount)")
        }
        guard chunk.frameCount == 1 else { return }
        try write(chunk.frame(0))
    }

    public func write(_ frame: Frame) throws {
        guard !isClosed else { throw TrajectoryError(.io, path: path, "the writer is closed") }
        guard !written else { throw TrajectoryError(.unsupported, path: path, frame: 1, "an AMBER restart holds one frame") }
        guard frame.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: 0, "the frame has \(frame.atomCount) atoms, the file \(atomCount)")
        }
        if let bad = frame.positions.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            throw TrajectoryError(.nonFinite, path: path, frame: 0, "atom \(bad) has a non-finite coordinate")
        }
        written = true

        try file.putText("title", title)
        try file.putText("application", "lss")
        try file.putText("program", "lss")
        try file.putText("programVersion", "1.0")
        try file.putText("Conventions", "AMBERRESTART")
        try file.putText("ConventionVersion", "1.0")
        let spatial = try file.defineDimension("spatial", length: 3)
        let atom = try file.defineDimension("atom", length: atomCount)
        let spatialLabels = try file.defineVariable("spatial", type: nc_type(NC_CHAR), dimensions: [spatial])
        let time = try file.defineVariable("time", type: nc_type(NC_DOUBLE), dimensions: [])
        try file.putText("units", "picosecond", on: time)
        let coordinates = try file.defineVariable("coordinates", type: nc_type(NC_DOUBLE), dimensions: [atom, spatial])
        try file.putText("units", "angstrom", on: coordinates)
        var velocities: Int32?, forces: Int32?
        if frame.velocities != nil {
            let variable = try file.defineVariable("velocities", type: nc_type(NC_DOUBLE), dimensions: [atom, spatial])
            try file.putText("units", "angstrom/picosecond", on: variable)
            try file.putDouble("scale_factor", AmberConventions.velocityScale, on: variable)
            velocities = variable
        }
        if frame.forces != nil {
            let variable = try file.defineVariable("forces", type: nc_type(NC_DOUBLE), dimensions: [atom, spatial])
            try file.putText("units", "kilocalorie/mole/angstrom", on: variable)
            forces = variable
        }
        var cell: (spatial: Int32, angular: Int32, lengths: Int32, angles: Int32)?
        if frame.box != nil {
            let cellSpatial = try file.defineDimension("cell_spatial", length: 3)
            let cellAngular = try file.defineDimension("cell_angular", length: 3)
            let label = try file.defineDimension("label", length: 5)
            let spatialVariable = try file.defineVariable("cell_spatial", type: nc_type(NC_CHAR), dimensions: [cellSpatial])
            let angularVariable = try file.defineVariable("cell_angular", type: nc_type(NC_CHAR), dimensions: [cellAngular, label])
            let lengths = try file.defineVariable("cell_lengths", type: nc_type(NC_DOUBLE), dimensions: [cellSpatial])
            try file.putText("units", "angstrom", on: lengths)
            let angles = try file.defineVariable("cell_angles", type: nc_type(NC_DOUBLE), dimensions: [cellAngular])
            try file.putText("units", "degree", on: angles)
            cell = (spatialVariable, angularVariable, lengths, angles)
        }
        try file.endDefinitions()

        try file.putLabels(spatialLabels, ["x", "y", "z"], width: 1)
        var seconds = frame.time ?? 0
        try file.check(AmberNetCDFLock.run { nc_put_var_double(file.id, time, &seconds) }, "writing time")
        try putTriples(coordinates, frame.positions, factor: 10, name: "coordinates")
        if let velocities, let values = frame.velocities {
            try putTriples(velocities, values, factor: 10 / AmberConventions.velocityScale, name: "velocities")
        }
        if let forces, let values = frame.forces {
            try putTriples(forces, values, factor: 1 / AmberConventions.kcalPerAngstromInKJPerNm, name: "forces")
        }
        if let cell, let box = frame.box {
            try file.putLabels(cell.spatial, ["a", "b", "c"], width: 1)
            try file.putLabels(cell.angular, AmberConventions.cellAngularLabels, width: 5)
            let lengths = [box.lengths.x * 10, box.lengths.y * 10, box.lengths.z * 10]
            let angles = box.isRectangular ? [90.0, 90, 90] : [box.angles.x, box.angles.y, box.angles.z]
            try file.check(AmberNetCDFLock.run { nc_put_var_double(file.id, cell.lengths, lengths) }, "writing cell_lengths")
            try file.check(AmberNetCDFLock.run { nc_put_var_double(file.id, cell.angles, angles) }, "writing cell_angles")
        }
    }

    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        try file.close()
        guard written else { throw TrajectoryError(.io, path: path, "no frame was written; the restart file is incomplete") }
    }

    deinit { if !isClosed { try? close() } }

    private func putTriples(_ variable: Int32, _ values: [SIMD3<Double>], factor: Double, name: String) throws {
        guard values.count == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: 0, "\(values.count) \(name) for \(atomCount) atoms")
        }
        let flat = values.flatMap { [$0.x * factor, $0.y * factor, $0.z * factor] }
        try file.check(AmberNetCDFLock.run { nc_put_var_double(file.id, variable, flat) }, "writing \(name)")
    }
}
