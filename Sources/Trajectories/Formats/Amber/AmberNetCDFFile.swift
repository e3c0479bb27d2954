import CHDF5
import CNetCDF
import Foundation

/// libnetcdf keeps global state (its open-file list, the HDF5 layer below NetCDF-4) and is not
/// thread-safe, while lss readers and tests run on many threads: every libnetcdf call made by the
/// AMBER readers and writers goes through this one lock.
enum AmberNetCDFLock {
    static let lock = NSRecursiveLock()

    static func run<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// Facts of the AMBER NetCDF conventions (trajectory: ambermd.org/netcdf/nctraj.xhtml, restart:
/// the same page's AMBERRESTART section) shared by the readers and writers.
enum AmberConventions {
    /// AMBER stores velocities in Å per AMBER time unit (1/20.455 ps) and says so with this
    /// scale_factor: stored value × 20.455 = Å/ps.
    static let velocityScale = 20.455
    /// 1 kcal/(mol Å) in kJ/(mol nm).
    static let kcalPerAngstromInKJPerNm = 41.84
    static let cellAngularLabels = ["alpha", "beta ", "gamma"]
}

/// A variable of an open NetCDF file: its id, type and dimensions by name.
struct AmberNetCDFVariable {
    var id: Int32
    var type: nc_type
    var dimensionNames: [String]
    var dimensionLengths: [Int]
}

/// A thin, checked layer over the libnetcdf C API for one open file. Every failure becomes a
/// `TrajectoryError` naming the file and saying what was being done.
final class AmberNetCDFFile {
    let path: String
    private(set) var id: Int32 = -1

    /// Opens an existing file for reading.
    init(reading path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrajectoryError(.io, path: path, "cannot open: no such file")
        }
        try NetCDFClassicHeader.validate(path: path)
        var handle: Int32 = 0
        let status = AmberNetCDFLock.run {
            // libnetcdf 4.9.0 on HDF5 1.10 probes NetCDF-4 files for optional attributes, and HDF5
            // prints every failed probe to standard error ("HDF5-DIAG ... can't locate attribute
            // '_QuantizeBitGroomNumberOfSignificantDigits'"). The failures are expected and
            // libnetcdf handles them; HDF5's automatic printing (per thread) is turned off.
            H5Eset_auto2(0, nil, nil)
            return nc_open(path, NC_NOWRITE, &handle)
        }
        guard status == NC_NOERR else {
            throw TrajectoryError(.malformed, path: path, "not a NetCDF file libnetcdf can open: \(Self.message(status))")
        }
        id = handle
    }

    /// Creates (replacing) a file: NetCDF-3 with 64-bit offsets, or NetCDF-4 (HDF5-based).
    init(creating path: String, netCDF4: Bool) throws {
        self.path = path
        var handle: Int32 = 0
        let mode = NC_CLOBBER | (netCDF4 ? NC_NETCDF4 : NC_64BIT_OFFSET)
        let status = AmberNetCDFLock.run { nc_create(path, Int32(mode), &handle) }
        guard status == NC_NOERR else {
            throw TrajectoryError(.io, path: path, "cannot create: \(Self.message(status))")
        }
        id = handle
    }

    deinit { try? close() }

    var isOpen: Bool { id >= 0 }

    func close() throws {
        guard id >= 0 else { return }
        let status = AmberNetCDFLock.run { nc_close(id) }
        id = -1
        try check(status, "closing the file")
    }

    static func message(_ status: Int32) -> String { String(cString: nc_strerror(status)) }

    /// Throws when a libnetcdf call failed.
    func check(_ status: Int32, _ doing: @autoclosure () -> String, frame: Int? = nil,
               kind: TrajectoryError.Kind = .io) throws {
        guard status != NC_NOERR else { return }
        throw TrajectoryError(kind, path: path, frame: frame, "\(doing()): \(Self.message(status))")
    }

    func requireOpen() throws {
        guard id >= 0 else { throw TrajectoryError(.io, path: path, "the file is closed") }
    }

    // MARK: - Reading the schema

    /// The length of the dimension `name`, or nil when the file has no such dimension.
    func dimensionLength(_ name: String) -> Int? {
        AmberNetCDFLock.run {
            var dimension: Int32 = 0, length = 0
            guard nc_inq_dimid(id, name, &dimension) == NC_NOERR, nc_inq_dimlen(id, dimension, &length) == NC_NOERR else {
                return nil
            }
            return length
        }
    }

    /// The name of the unlimited dimension, if any.
    func unlimitedDimensionName() -> String? {
        AmberNetCDFLock.run {
            var dimension: Int32 = -1
            guard nc_inq_unlimdim(id, &dimension) == NC_NOERR, dimension >= 0 else { return nil }
            var name = [CChar](repeating: 0, count: Int(NC_MAX_NAME) + 1)
            guard nc_inq_dimname(id, dimension, &name) == NC_NOERR else { return nil }
            return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The variable `name`, or nil when the file has none.
    func variable(_ name: String) -> AmberNetCDFVariable? {
        AmberNetCDFLock.run {
            var variable: Int32 = 0, type: nc_type = 0, rank: Int32 = 0
            guard nc_inq_varid(id, name, &variable) == NC_NOERR, nc_inq_vartype(id, variable, &type) == NC_NOERR,
                  nc_inq_varndims(id, variable, &rank) == NC_NOERR, rank >= 0, rank <= Int32(NC_MAX_VAR_DIMS) else {
                return nil
            }
            var dimensions = [Int32](repeating: 0, count: Int(rank))
            guard nc_inq_vardimid(id, variable, &dimensions) == NC_NOERR else { return nil }
            var names: [String] = [], lengths: [Int] = []
            for dimension in dimensions {
                var name = [CChar](repeating: 0, count: Int(NC_MAX_NAME) + 1)
                var length = 0
                guard nc_inq_dimname(id, dimension, &name) == NC_NOERR, nc_inq_dimlen(id, dimension, &length) == NC_NOERR else {
                    return nil
                }
                names.append(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                lengths.append(length)
            }
            return AmberNetCDFVariable(id: variable, type: type, dimensionNames: names, dimensionLengths: lengths)
        }
    }

    /// A text attribute of a variable (or of the file, `NC_GLOBAL`), or nil when absent or not text.
    func textAttribute(_ name: String, of variable: Int32 = NC_GLOBAL) -> String? {
        AmberNetCDFLock.run {
            var type: nc_type = 0, length = 0
            guard nc_inq_att(id, variable, name, &type, &length) == NC_NOERR else { return nil }
            if type == NC_CHAR {
                var text = [CChar](repeating: 0, count: length + 1)
                guard nc_get_att_text(id, variable, name, &text) == NC_NOERR else { return nil }
                return String(decoding: text.prefix(length).prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            if type == NC_STRING, length == 1 {
                var values: [UnsafeMutablePointer<CChar>?] = [nil]
                guard nc_get_att_string(id, variable, name, &values) == NC_NOERR, let first = values[0] else { return nil }
                let text = String(cString: first)
                nc_free_string(1, &values)
                return text
            }
            return nil
        }
    }

    /// A numeric attribute (first value, converted to Double), or nil when absent or not numeric.
    func numericAttribute(_ name: String, of variable: Int32) -> Double? {
        AmberNetCDFLock.run {
            var type: nc_type = 0, length = 0
            guard nc_inq_att(id, variable, name, &type, &length) == NC_NOERR, length >= 1,
                  type != NC_CHAR, type != NC_STRING else { return nil }
            var values = [Double](repeating: 0, count: length)
            guard nc_get_att_double(id, variable, name, &values) == NC_NOERR else { return nil }
            return values[0]
        }
    }

    // MARK: - Defining a file

    func defineDimension(_ name: String, length: Int) throws -> Int32 {
        var dimension: Int32 = 0
        try check(AmberNetCDFLock.run { nc_def_dim(id, name, length, &dimension) }, "defining dimension \(name)")
        return dimension
    }

    func defineVariable(_ name: String, type: nc_type, dimensions: [Int32]) throws -> Int32 {
        var variable: Int32 = 0
        try check(AmberNetCDFLock.run { nc_def_var(id, name, type, Int32(dimensions.count), dimensions, &variable) },
                  "defining variable \(name)")
        return variable
    }

    func putText(_ name: String, _ value: String, on variable: Int32 = NC_GLOBAL) throws {
        let bytes = Array(value.utf8)
        try check(AmberNetCDFLock.run { nc_put_att_text(id, variable, name, bytes.count, bytes.map { CChar(bitPattern: $0) }) },
                  "writing attribute \(name)")
    }

    func putDouble(_ name: String, _ value: Double, on variable: Int32) throws {
        var value = value
        try check(AmberNetCDFLock.run { nc_put_att_double(id, variable, name, nc_type(NC_DOUBLE), 1, &value) },
                  "writing attribute \(name)")
    }

    /// Sets NetCDF-4 chunk sizes (ignored for NetCDF-3 files, which are not chunked).
    func chunk(_ variable: Int32, sizes: [Int]) throws {
        try check(AmberNetCDFLock.run { nc_def_var_chunking(id, variable, NC_CHUNKED, sizes) }, "setting chunk sizes")
    }

    func endDefinitions() throws {
        try check(AmberNetCDFLock.run { nc_enddef(id) }, "finishing the file's definitions")
    }

    /// Writes a character variable of labels (rows of equal width, padded with spaces).
    func putLabels(_ variable: Int32, _ labels: [String], width: Int) throws {
        var bytes: [CChar] = []
        for label in labels {
            let text = Array(label.utf8.prefix(width))
            bytes += (text + [UInt8](repeating: 0x20, count: width - text.count)).map { CChar(bitPattern: $0) }
        }
        try check(AmberNetCDFLock.run { nc_put_var_text(id, variable, bytes) }, "writing labels")
    }
}

/// How a stored quantity converts to lss units: a unit named by the `units` attribute times the
/// variable's `scale_factor`.
enum AmberNetCDFUnits {
    /// Factor from the stored length unit to nm.
    static func length(_ units: String?) -> Double? {
        switch normalized(units) {
        case nil, "angstrom", "angstroms", "ang", "a": return 0.1
        case "nanometer", "nanometers", "nm": return 1
        default: return nil
        }
    }

    /// Factor from the stored time unit to ps.
    static func time(_ units: String?) -> Double? {
        switch normalized(units) {
        case nil, "picosecond", "picoseconds", "ps": return 1
        case "nanosecond", "nanoseconds", "ns": return 1000
        case "femtosecond", "femtoseconds", "fs": return 0.001
        default: return nil
        }
    }

    /// Factor from the stored velocity unit (after scale_factor) to nm/ps.
    static func velocity(_ units: String?) -> Double? {
        switch normalized(units) {
        case nil, "angstrom/picosecond", "angstroms/picosecond", "angstrom/ps", "a/ps": return 0.1
        case "nanometer/picosecond", "nanometers/picosecond", "nm/ps": return 1
        default: return nil
        }
    }

    /// Factor from the stored force unit to kJ/(mol nm).
    static func force(_ units: String?) -> Double? {
        switch normalized(units) {
        case nil, "kilocalorie/mole/angstrom", "kilocalories/mole/angstrom", "kcal/mol/angstrom", "kcal/mol/a":
            return AmberConventions.kcalPerAngstromInKJPerNm
        case "kilojoule/mole/nanometer", "kilojoules/mole/nanometer", "kj/mol/nm": return 1
        default: return nil
        }
    }

    /// Angles must be degrees (AMBER writes "degree").
    static func angle(_ units: String?) -> Bool {
        switch normalized(units) {
        case nil, "degree", "degrees": return true
        default: return false
        }
    }

    private static func normalized(_ units: String?) -> String? {
        guard let units else { return nil }
        let trimmed = units.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}
