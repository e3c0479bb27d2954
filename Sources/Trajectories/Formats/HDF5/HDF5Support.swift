import CHDF5
import Foundation

/// libhdf5's error stack, turned into words for `TrajectoryError`.
///
/// By default libhdf5 prints its whole error stack to stderr on every failed call, which would spill
/// library internals into the output of a program that handles the failure itself. The thread-safe
/// build on Debian keeps the error stack, and the setting that prints it, per thread, so every entry
/// point of the HDF5 reader and writer calls `silence()` on the thread it runs on.
enum HDF5Diagnostics {
    static func silence() {
        _ = H5open()
        _ = H5Eset_auto2(lss_H5E_DEFAULT(), nil, nil)
    }

    /// The descriptions on the error stack, innermost (where the failure started) first, joined into
    /// one line; the stack is cleared.
    static func takeMessage() -> String {
        final class Collected { var lines: [String] = [] }
        let collected = Collected()
        let walker: H5E_walk2_t = { _, error, context in
            guard let error, let context else { return 0 }
            let box = Unmanaged<Collected>.fromOpaque(context).takeUnretainedValue()
            var line = ""
            if let description = error.pointee.desc { line = String(cString: description) }
            if line.isEmpty, let function = error.pointee.func_name { line = "failure in \(String(cString: function))" }
            if !line.isEmpty, box.lines.last != line { box.lines.append(line) }
            return 0
        }
        withExtendedLifetime(collected) {
            _ = H5Ewalk2(lss_H5E_DEFAULT(), H5E_WALK_UPWARD, walker, Unmanaged.passUnretained(collected).toOpaque())
        }
        _ = H5Eclear2(lss_H5E_DEFAULT())
        // The innermost few messages say what is wrong; the outer ones repeat it in general terms.
        return collected.lines.prefix(3).joined(separator: "; ")
    }
}

/// Owns one libhdf5 identifier (file, dataset, dataspace, datatype, property list, attribute) and
/// releases it exactly once.
final class HDF5Handle {
    let id: hid_t
    private let release: (hid_t) -> herr_t
    private var released = false

    init(_ id: hid_t, release: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.release = release
    }

    /// Releases the identifier now, returning libhdf5's status (closing a file reports whether
    /// its last data reached the disk).
    func releaseNow() -> herr_t {
        guard !released else { return 0 }
        released = true
        return release(id)
    }

    deinit { _ = releaseNow() }
}

/// Checks the results of libhdf5 calls for one file and turns failures into `TrajectoryError`s that
/// name the file, what was being done and what libhdf5 reported.
struct HDF5Calls {
    let path: String

    func error(_ kind: TrajectoryError.Kind, frame: Int? = nil, _ action: String) -> TrajectoryError {
        let detail = HDF5Diagnostics.takeMessage()
        return TrajectoryError(kind, path: path, frame: frame, detail.isEmpty ? action : "\(action) (\(detail))")
    }

    /// A new identifier wrapped in its handle, or the error when libhdf5 returned a negative id.
    func handle(_ id: hid_t, _ release: @escaping (hid_t) -> herr_t, kind: TrajectoryError.Kind = .malformed,
                _ action: @autoclosure () -> String) throws -> HDF5Handle {
        guard id >= 0 else { throw error(kind, action()) }
        return HDF5Handle(id, release: release)
    }

    func check(_ status: herr_t, kind: TrajectoryError.Kind = .malformed, frame: Int? = nil,
               _ action: @autoclosure () -> String) throws {
        guard status >= 0 else { throw error(kind, frame: frame, action()) }
    }

    func dataspace(of dataset: hid_t, _ name: String) throws -> HDF5Handle {
        try handle(H5Dget_space(dataset), H5Sclose, "cannot read the shape of \(name)")
    }

    /// The extent of a simple dataspace (empty for a scalar).
    func dimensions(of space: hid_t, _ name: String) throws -> [hsize_t] {
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 32 else { throw error(.malformed, "\(name) has an unreadable shape") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 { guard H5Sget_simple_extent_dims(space, &dims, nil) == rank else {
            throw error(.malformed, "\(name) has an unreadable shape")
        } }
        return dims
    }

    /// Whether `name` is a link in the root group (checked before opening, so that an absent
    /// optional dataset is not an error).
    func exists(_ name: String, in file: hid_t) -> Bool {
        let found = H5Lexists(file, name, lss_H5P_DEFAULT()) > 0
        _ = H5Eclear2(lss_H5E_DEFAULT())
        return found
    }
}

/// Reading and writing the string attributes that PyTables and MDTraj use (units, conventions,
/// CLASS, TITLE, VERSION).
extension HDF5Calls {
    /// The attribute `name` of `object` as text, or nil when absent or not a string. Handles both
    /// fixed-length strings (PyTables) and variable-length strings (h5py).
    func stringAttribute(_ name: String, of object: hid_t) throws -> String? {
        guard H5Aexists(object, name) > 0 else { _ = H5Eclear2(lss_H5E_DEFAULT()); return nil }
        let attribute = try handle(H5Aopen(object, name, lss_H5P_DEFAULT()), H5Aclose, "cannot open attribute \(name)")
        let type = try handle(H5Aget_type(attribute.id), H5Tclose, "cannot read the type of attribute \(name)")
        guard H5Tget_class(type.id) == H5T_STRING else { return nil }
        let space = try handle(H5Aget_space(attribute.id), H5Sclose, "cannot read attribute \(name)")
        if H5Sget_simple_extent_type(space.id) == H5S_NULL { return "" }
        guard H5Sget_simple_extent_npoints(space.id) == 1 else { return nil }
        if H5Tis_variable_str(type.id) > 0 {
            let memoryType = try handle(H5Tcopy(lss_H5T_C_S1()), H5Tclose, "cannot make a string type")
            _ = H5Tset_size(memoryType.id, lss_H5T_VARIABLE())
            var pointer: UnsafeMutablePointer<CChar>? = nil
            try check(H5Aread(attribute.id, memoryType.id, &pointer), "cannot read attribute \(name)")
            defer { if pointer != nil { _ = H5Dvlen_reclaim(memoryType.id, space.id, lss_H5P_DEFAULT(), &pointer) } }
            return pointer.map { String(cString: $0) } ?? ""
        }
        let size = H5Tget_size(type.id)
        guard size > 0, size < 1 << 20 else { throw error(.malformed, "attribute \(name) has an implausible size \(size)") }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        try check(H5Aread(attribute.id, type.id, &bytes), "cannot read attribute \(name)")
        let end = bytes.firstIndex(of: 0) ?? size
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Writes a scalar fixed-length UTF-8 string attribute the way PyTables does (an empty string
    /// gets a null dataspace).
    func setStringAttribute(_ name: String, _ value: String, on object: hid_t) throws {
        let bytes = Array(value.utf8)
        let type = try handle(H5Tcopy(lss_H5T_C_S1()), H5Tclose, kind: .io, "cannot make a string type")
        try check(H5Tset_size(type.id, max(1, bytes.count)), kind: .io, "cannot size attribute \(name)")
        try check(H5Tset_strpad(type.id, H5T_STR_NULLTERM), kind: .io, "cannot set attribute \(name)")
        try check(H5Tset_cset(type.id, H5T_CSET_UTF8), kind: .io, "cannot set attribute \(name)")
        let space = try handle(H5Screate(bytes.isEmpty ? H5S_NULL : H5S_SCALAR), H5Sclose, kind: .io,
                               "cannot make attribute \(name)")
        let attribute = try handle(H5Acreate2(object, name, type.id, space.id, lss_H5P_DEFAULT(), lss_H5P_DEFAULT()),
                                   H5Aclose, kind: .io, "cannot create attribute \(name)")
        if !bytes.isEmpty {
            try check(H5Awrite(attribute.id, type.id, bytes), kind: .io, "cannot write attribute \(name)")
        }
    }

    /// Writes a scalar 32-bit integer attribute (PyTables' EXTDIM).
    func setInt32Attribute(_ name: String, _ value: Int32, on object: hid_t) throws {
        let space = try handle(H5Screate(H5S_SCALAR), H5Sclose, kind: .io, "cannot make attribute \(name)")
        let attribute = try handle(H5Acreate2(object, name, lss_H5T_NATIVE_INT(), space.id, lss_H5P_DEFAULT(),
                                              lss_H5P_DEFAULT()), H5Aclose, kind: .io, "cannot create attribute \(name)")
        var number = value
        try check(H5Awrite(attribute.id, lss_H5T_NATIVE_INT(), &number), kind: .io, "cannot write attribute \(name)")
    }
}
