import CHDF5
import Foundation

/// One per-frame dataset being written: chunked, with an unlimited first (frame) dimension, so that
/// every `append` extends it and writes only the new frames. Carries the attributes PyTables gives
/// its extendable arrays (CLASS "EARRAY", EXTDIM, TITLE, VERSION), which is what lets PyTables and
/// MDTraj open the file as their own.
final class HDF5AppendableSeries {
    let name: String
    let dataset: HDF5Handle
    /// Shape of one frame (empty for one number per frame).
    let frameShape: [hsize_t]
    private(set) var frameCount = 0

    /// Creates /`name`. `fileType` is the stored type; `chunkFrames` frames make one chunk; with
    /// `compress`, chunks are shuffled and deflated at level 1, as MDTraj does by default.
    init(file: hid_t, name: String, frameShape: [hsize_t], fileType: hid_t, units: String, chunkFrames: Int,
         compress: Bool, calls: HDF5Calls) throws {
        self.name = "/" + name
        self.frameShape = frameShape
        let rank = Int32(frameShape.count + 1)
        let dims = [0] + frameShape
        let maxDims = [lss_H5S_UNLIMITED()] + frameShape
        let space = try calls.handle(H5Screate_simple(rank, dims, maxDims), H5Sclose, kind: .io, "cannot shape /\(name)")

        let creation = try calls.handle(H5Pcreate(lss_H5P_DATASET_CREATE()), H5Pclose, kind: .io, "cannot make a property list")
        let chunk = [hsize_t(max(1, chunkFrames))] + frameShape.map { max(1, $0) }
        try calls.check(H5Pset_chunk(creation.id, rank, chunk), kind: .io, "cannot chunk /\(name)")
        if compress {
            try calls.check(H5Pset_shuffle(creation.id), kind: .io, "cannot set the shuffle filter on /\(name)")
            try calls.check(H5Pset_deflate(creation.id, 1), kind: .io, "cannot set deflate compression on /\(name)")
        }
        // A cache that holds a couple of chunks, so that appends smaller than a chunk do not
        // recompress the partly filled chunk on every call.
        var chunkBytes = H5Tget_size(fileType)
        for extent in chunk { chunkBytes = chunkBytes.multipliedReportingOverflow(by: Int(clamping: extent)).partialValue }
        let access = try calls.handle(H5Pcreate(lss_H5P_DATASET_ACCESS()), H5Pclose, kind: .io, "cannot make a property list")
        try calls.check(H5Pset_chunk_cache(access.id, 521, min(max(1 << 20, 3 * chunkBytes), 1 << 30), 0.75), kind: .io,
                        "cannot size the chunk cache")
        dataset = try calls.handle(H5Dcreate2(file, name, fileType, space.id, lss_H5P_DEFAULT(), creation.id, access.id),
                                   H5Dclose, kind: .io, "cannot create dataset /\(name)")
        try calls.setStringAttribute("CLASS", "EARRAY", on: dataset.id)
        try calls.setInt32Attribute("EXTDIM", 0, on: dataset.id)
        try calls.setStringAttribute("TITLE", "", on: dataset.id)
        try calls.setStringAttribute("VERSION", "1.1", on: dataset.id)
        try calls.setStringAttribute("units", units, on: dataset.id)
    }

    /// Appends `count` frames of values of `memoryType` from `values` (count × frame size values).
    func append(frames count: Int, of memoryType: hid_t, from values: UnsafeRawPointer?, calls: HDF5Calls) throws {
        guard count > 0, let values else { return }
        let newCount = frameCount + count
        let dims = [hsize_t(newCount)] + frameShape
        try calls.check(H5Dset_extent(dataset.id, dims), kind: .io, frame: frameCount, "cannot extend \(name)")
        let fileSpace = try calls.dataspace(of: dataset.id, name)
        let offset = [hsize_t(frameCount)] + frameShape.map { _ in 0 }
        let extent = [hsize_t(count)] + frameShape
        try calls.check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, offset, nil, extent, nil), kind: .io,
                        frame: frameCount, "cannot select new frames of \(name)")
        let memorySpace = try calls.handle(H5Screate_simple(Int32(extent.count), extent, nil), H5Sclose, kind: .io,
                                           "cannot make a memory space")
        try calls.check(H5Dwrite(dataset.id, memoryType, memorySpace.id, fileSpace.id, lss_H5P_DEFAULT(), values),
                        kind: .io, frame: frameCount, "cannot write frames to \(name)")
        frameCount = newCount
    }
}
