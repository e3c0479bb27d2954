import CNetCDF
import Foundation

/// A variable found in an AMBER NetCDF file together with the factor that turns its stored values
/// into lss units (the `units` attribute's conversion times the `scale_factor` attribute).
struct AmberNetCDFQuantity {
    var variable: AmberNetCDFVariable
    var factor: Double
    var id: Int32 { variable.id }
}

/// The checks and look-ups the AMBER trajectory and restart readers share.
extension AmberNetCDFFile {
    /// Throws unless the file's Conventions attribute lists `convention` ("AMBER" or
    /// "AMBERRESTART") and its ConventionVersion, when given, is 1.x.
    func requireConvention(_ convention: String) throws {
        guard let conventions = textAttribute("Conventions") else {
            throw TrajectoryError(.unsupported, path: path,
                                  "not an AMBER NetCDF file: it has no global Conventions attribute (expected \"\(convention)\")")
        }
        let listed = conventions.split { $0 == "," || $0 == " " }.map { $0.uppercased() }
        guard listed.contains(convention) else {
            let hint = listed.contains("AMBERRESTART") ? "; it is an AMBER restart (AmberNetCDFRestartReader reads it)"
                : listed.contains("AMBER") ? "; it is an AMBER trajectory (AmberNetCDFReader reads it)" : ""
            throw TrajectoryError(.unsupported, path: path,
                                  "not an AMBER \(convention == "AMBER" ? "trajectory" : "restart"): Conventions is \"\(conventions)\"\(hint)")
        }
        if let version = textAttribute("ConventionVersion"), !version.hasPrefix("1") {
            throw TrajectoryError(.unsupported, path: path, "AMBER convention version \(version) is not supported (1.0 is)")
        }
    }

    /// The atom count from the `atom` dimension, checked against the file: a NetCDF-3 file stores
    /// its data uncompressed, so it must hold at least 4 bytes per atom; any file is refused an
    /// atom count beyond 2^31 (AMBER counts atoms in 32-bit integers). This keeps a corrupt header
    /// from making the reader allocate more than the file could ever fill.
    func atomDimension() throws -> Int {
        guard let atoms = dimensionLength("atom") else {
            throw TrajectoryError(.malformed, path: path, "the file has no atom dimension")
        }
        guard atoms <= Int(Int32.max) else {
            throw TrajectoryError(.malformed, path: path, "the atom dimension (\(atoms)) is impossibly large")
        }
        var format: Int32 = 0
        let fileSize = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? Int.max
        if AmberNetCDFLock.run({ nc_inq_format(id, &format) }) == NC_NOERR,
           format == NC_FORMAT_CLASSIC || format == NC_FORMAT_64BIT_OFFSET || format == NC_FORMAT_CDF5,
           atoms > fileSize / 4 {
            throw TrajectoryError(.malformed, path: path, "the atom dimension (\(atoms)) is larger than the \(fileSize)-byte file can hold")
        }
        if let spatial = dimensionLength("spatial"), spatial != 3 {
            throw TrajectoryError(.unsupported, path: path, "the spatial dimension is \(spatial), only 3 is supported")
        }
        return atoms
    }

    /// The variable `name` with the given dimensions and its conversion to lss units, or nil when
    /// the file does not have it. `convert` maps the `units` attribute to a factor (nil: unknown).
    func quantity(_ name: String, dimensions: [String], convert: (String?) -> Double?) throws -> AmberNetCDFQuantity? {
        guard let variable = variable(name) else { return nil }
        guard variable.dimensionNames == dimensions else {
            throw TrajectoryError(.malformed, path: path,
                                  "variable \(name) has dimensions (\(variable.dimensionNames.joined(separator: ", "))), "
                                  + "expected (\(dimensions.joined(separator: ", ")))")
        }
        guard [NC_FLOAT, NC_DOUBLE, NC_SHORT, NC_INT].contains(variable.type) else {
            throw TrajectoryError(.malformed, path: path, "variable \(name) is not numeric")
        }
        let units = textAttribute("units", of: variable.id)
        guard let factor = convert(units) else {
            throw TrajectoryError(.unsupported, path: path, "variable \(name) has units \"\(units ?? "")\", which lss does not convert")
        }
        let scale = numericAttribute("scale_factor", of: variable.id) ?? 1
        guard scale.isFinite else { throw TrajectoryError(.malformed, path: path, "variable \(name) has a non-finite scale_factor") }
        return AmberNetCDFQuantity(variable: variable, factor: factor * scale)
    }
}
