import CHDF5
import CNetCDF
import Foundation
import Testing

/// The HDF5 and NetCDF system-library targets (module maps, pkg-config, the HDF5 macro wrappers)
/// link and work: files written through them are read back by the libraries' own command-line
/// tools, h5dump and ncdump, as independent readers.
@Suite("System libraries: HDF5 and NetCDF")
struct SystemLibraryTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lss-\(UUID().uuidString)-\(name)").path
    }

    @Test("a float dataset written through libhdf5 reads back in h5dump")
    func hdf5() throws {
        let path = Self.temporaryPath("check.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let values: [Float] = [0.5, -1.25, 2, 3.75, -4.5, 1e-3]
        let file = H5Fcreate(path, lss_H5F_ACC_TRUNC(), lss_H5P_DEFAULT(), lss_H5P_DEFAULT())
        try #require(file >= 0)
        var dims: [hsize_t] = [2, 3]
        let space = H5Screate_simple(2, &dims, nil)
        let dataset = H5Dcreate2(file, "coordinates", lss_H5T_NATIVE_FLOAT(), space, lss_H5P_DEFAULT(),
                                 lss_H5P_DEFAULT(), lss_H5P_DEFAULT())
        try #require(dataset >= 0)
        #expect(H5Dwrite(dataset, lss_H5T_NATIVE_FLOAT(), lss_H5S_ALL(), lss_H5S_ALL(), lss_H5P_DEFAULT(), values) >= 0)
        H5Dclose(dataset); H5Sclose(space); H5Fclose(file)

        let dump = try run("h5dump", ["-d", "/coordinates", "-m", "%.6g", path])
        #expect(dump.contains("DATASPACE  SIMPLE { ( 2, 3 ) / ( 2, 3 ) }"))
        #expect(dump.contains("H5T_IEEE_F32LE"))
        let numbers = numbersAfter("DATA {", in: dump)
        #expect(agree(numbers, values), "h5dump read \(numbers)")
    }

    @Test("a NetCDF-4 and a 64-bit-offset file written through libnetcdf read back in ncdump",
          arguments: [(Int32(NC_NETCDF4), "netCDF-4"), (Int32(NC_64BIT_OFFSET), "64-bit offset")])
    func netcdf(mode: Int32, kind: String) throws {
        let path = Self.temporaryPath("check.nc")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var ncid: Int32 = 0, frame: Int32 = 0, atom: Int32 = 0, variable: Int32 = 0
        try #require(nc_create(path, NC_CLOBBER | mode, &ncid) == NC_NOERR)
        #expect(nc_def_dim(ncid, "frame", 2, &frame) == NC_NOERR)
        #expect(nc_def_dim(ncid, "atom", 3, &atom) == NC_NOERR)
        var dims = [frame, atom]
        #expect(nc_def_var(ncid, "x", NC_FLOAT, 2, &dims, &variable) == NC_NOERR)
        #expect(nc_put_att_text(ncid, NC_GLOBAL, "Conventions", 5, "AMBER") == NC_NOERR)
        #expect(nc_enddef(ncid) == NC_NOERR)
        let values: [Float] = [1.5, 2.5, -3, 0.125, 8, -9.75]
        #expect(nc_put_var_float(ncid, variable, values) == NC_NOERR)
        #expect(nc_close(ncid) == NC_NOERR)

        let kindLine = try run("ncdump", ["-k", path])
        #expect(kindLine.trimmingCharacters(in: .whitespacesAndNewlines) == kind)
        let dump = try run("ncdump", [path])
        #expect(dump.contains(":Conventions = \"AMBER\""))
        let numbers = numbersAfter("x =", in: dump)
        #expect(agree(numbers, values), "ncdump read \(numbers)")
    }

    /// The numbers in `text` after the first occurrence of `marker`, up to the closing brace or
    /// ';', without h5dump's "(row,col):" position labels.
    func numbersAfter(_ marker: String, in text: String) -> [Double] {
        guard let start = text.range(of: marker) else { return [] }
        let tail = text[start.upperBound...]
        let end = tail.firstIndex { $0 == "}" || $0 == ";" } ?? tail.endIndex
        return String(tail[..<end])
            .replacingOccurrences(of: #"\(\d+(,\d+)*\):"#, with: " ", options: .regularExpression)
            .split { " ,\n\t".contains($0) }
            .compactMap { Double($0) }
    }

    /// Same length and equal to the printed precision (six significant digits).
    func agree(_ read: [Double], _ written: [Float]) -> Bool {
        read.count == written.count
            && zip(read, written).allSatisfy { abs($0 - Double($1)) <= 1e-6 * max(1, abs(Double($1))) }
    }

    /// Runs a tool and returns its output; a missing tool fails the test with what to install.
    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("\(tool) failed (exit \(process.terminationStatus)); it comes with Debian's hdf5-tools and netcdf-bin")
            throw CancellationError()
        }
        return String(decoding: data, as: UTF8.self)
    }
}
