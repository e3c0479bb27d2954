import CHDF5
import Foundation

/// One per-frame dataset of an MDTraj HDF5 file opened for reading (/coordinates, /time,
/// /cell_lengths, /velocities, ...): frames run along the first dimension, and reads take a run of
/// frames as one hyperslab, so that memory stays bounded by the chunk being read.
final class HDF5FrameSeries {
    let name: String
    let dataset: HDF5Handle
    /// The full extent; dims[0] is the number of frames.
    let dims: [hsize_t]
    /// Values per frame: the product of the trailing dimensions.
    let valuesPerFrame: Int
    /// Factor that converts the stored unit to lss's unit (nm, ps, degrees, nm/ps).
    let scale: Double

    var frameCount: Int { Int(clamping: dims[0]) }

    /// Opens `name` in the root group, or returns nil when the file has no such dataset.
    /// `units` maps the dataset's `units` attribute to the scale factor; an absent attribute means
    /// MDTraj's default unit (factor 1).
    init?(file: hid_t, name: String, calls: HDF5Calls, fileSize: Int, units: (String) -> Double?) throws {
        guard calls.exists(name, in: file) else { return nil }
        self.name = "/" + name
        // Opened once to learn the chunk shape, then again with a chunk cache that holds a whole
        // chunk: a compressed chunk larger than libhdf5's 1 MiB default cache would otherwise be
        // decompressed again for every read that touches it.
        let probe = try calls.handle(H5Dopen2(file, name, lss_H5P_DEFAULT()), H5Dclose, "cannot open dataset /\(name)")
        let chunkBytes = try HDF5FrameSeries.checkLayout(of: probe.id, name: "/" + name, calls: calls)
        let access = try calls.handle(H5Pcreate(lss_H5P_DATASET_ACCESS()), H5Pclose, "cannot make an access list")
        let cacheBytes = min(max(1 << 20, 2 * chunkBytes), 1 << 30)
        try calls.check(H5Pset_chunk_cache(access.id, 12_421, cacheBytes, 1.0), "cannot size the chunk cache")
        dataset = try calls.handle(H5Dopen2(file, name, access.id), H5Dclose, "cannot open dataset /\(name)")

        let space = try calls.dataspace(of: dataset.id, "/" + name)
        dims = try calls.dimensions(of: space.id, "/" + name)
        guard !dims.isEmpty else { throw calls.error(.malformed, "/\(name) is a scalar, not one entry per frame") }
        var product = 1
        for extent in dims.dropFirst() {
            let (value, overflow) = product.multipliedReportingOverflow(by: Int(clamping: extent))
            guard !overflow else { throw calls.error(.malformed, "/\(name) has an impossible shape \(dims)") }
            product = value
        }
        valuesPerFrame = product
        // Sizes from the file are checked against the file before anything is allocated from them:
        // deflate cannot compress better than about 1000:1, so a dataset claiming far more data than
        // the file could hold is damaged.
        let (total, overflow) = product.multipliedReportingOverflow(by: Int(clamping: dims[0]))
        guard !overflow, total / 1100 <= fileSize + (1 << 20) else {
            throw calls.error(.malformed, "/\(name) claims shape \(dims), more data than the \(fileSize)-byte file can hold")
        }

        let unit = try calls.stringAttribute("units", of: dataset.id)
        guard let factor = unit.map(units) ?? 1 else {
            throw TrajectoryError(.unsupported, path: calls.path, "/\(name) is in units \"\(unit ?? "")\", which lss does not convert")
        }
        scale = factor
    }

    /// Checks that the values are numbers and that every compression filter is available in this
    /// libhdf5; returns the size in bytes of one chunk (0 when not chunked).
    private static func checkLayout(of dataset: hid_t, name: String, calls: HDF5Calls) throws -> Int {
        let type = try calls.handle(H5Dget_type(dataset), H5Tclose, "cannot read the type of \(name)")
        let typeClass = H5Tget_class(type.id)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
            throw TrajectoryError(.unsupported, path: calls.path, "\(name) does not hold numbers")
        }
        let creation = try calls.handle(H5Dget_create_plist(dataset), H5Pclose, "cannot read how \(name) is stored")
        let filterCount = H5Pget_nfilters(creation.id)
        for index in 0 ..< max(0, filterCount) {
            var flags: UInt32 = 0, valueCount = 0, config: UInt32 = 0
            var filterName = [CChar](repeating: 0, count: 128)
            let filter = H5Pget_filter2(creation.id, UInt32(index), &flags, &valueCount, nil, filterName.count,
                                        &filterName, &config)
            guard filter >= 0 else { throw calls.error(.malformed, "cannot read the filters of \(name)") }
            if H5Zfilter_avail(filter) <= 0 {
                _ = H5Eclear2(lss_H5E_DEFAULT())
                let label = String(decoding: filterName.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let hint = filter == 32001
                    ? " (Blosc, PyTables' complib='blosc'); rewrite the file with zlib, e.g. `ptrepack --complib=zlib --complevel=1 in.h5 out.h5`"
                    : "; rewrite the file with zlib compression"
                throw TrajectoryError(.unsupported, path: calls.path,
                                      "\(name) is compressed with HDF5 filter \(filter) \"\(label)\", which this libhdf5 cannot decode\(hint)")
            }
        }
        guard H5Pget_layout(creation.id) == H5D_CHUNKED else { return 0 }
        let rank = H5Pget_chunk(creation.id, 0, nil)
        guard rank > 0, rank <= 32 else { return 0 }
        var chunk = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Pget_chunk(creation.id, rank, &chunk) == rank else { return 0 }
        var bytes = H5Tget_size(type.id)
        for extent in chunk { bytes = bytes.multipliedReportingOverflow(by: Int(clamping: extent)).partialValue }
        return max(0, bytes)
    }

    /// Reads frames `start ..< start + count` as `memoryType` (libhdf5 converts from the stored
    /// type) into `buffer`, which holds count × valuesPerFrame values.
    func read(frames start: Int, count: Int, as memoryType: hid_t, into buffer: UnsafeMutableRawPointer,
              calls: HDF5Calls) throws {
        guard count > 0 else { return }
        let fileSpace = try calls.dataspace(of: dataset.id, name)
        var offset = [hsize_t](repeating: 0, count: dims.count)
        offset[0] = hsize_t(start)
        var extent = dims
        extent[0] = hsize_t(count)
        try calls.check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, offset, nil, extent, nil),
                        frame: start, "cannot select frames \(start)..<\(start + count) of \(name)")
        let memorySpace = try calls.handle(H5Screate_simple(Int32(dims.count), extent, nil), H5Sclose,
                                           "cannot make a memory space")
        try calls.check(H5Dread(dataset.id, memoryType, memorySpace.id, fileSpace.id, lss_H5P_DEFAULT(), buffer),
                        frame: start, "cannot read frames \(start)..<\(start + count) of \(name)")
    }
}

/// The unit names MDTraj writes (and its unit library accepts) for each quantity, as factors to
/// lss's units.
enum MDTrajUnits {
    static func length(_ unit: String) -> Double? {
        switch unit.lowercased() {
        case "nanometers", "nanometer", "nm": 1
        case "angstroms", "angstrom", "a", "å": 0.1
        case "picometers", "picometer", "pm": 0.001
        default: nil
        }
    }

    static func time(_ unit: String) -> Double? {
        switch unit.lowercased() {
        case "picoseconds", "picosecond", "ps": 1
        case "femtoseconds", "femtosecond", "fs": 0.001
        case "nanoseconds", "nanosecond", "ns": 1000
        default: nil
        }
    }

    static func angle(_ unit: String) -> Double? {
        switch unit.lowercased() {
        case "degrees", "degree", "deg": 1
        case "radians", "radian", "rad": 180 / Double.pi
        default: nil
        }
    }

    static func velocity(_ unit: String) -> Double? {
        switch unit.lowercased().replacingOccurrences(of: " ", with: "") {
        case "nanometers/picosecond", "nanometer/picosecond", "nm/ps": 1
        case "angstroms/picosecond", "angstrom/picosecond", "a/ps": 0.1
        default: nil
        }
    }
}
