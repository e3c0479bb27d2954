import Foundation

/// A check of NetCDF-3 headers (classic, 64-bit offset and CDF-5) before libnetcdf opens them.
///
/// libnetcdf trusts the counts in a header: a corrupt count of dimensions or attributes makes it
/// allocate gigabytes (found by fuzzing), and a file cut short after its header opens cleanly and
/// reads zeros or fails deep inside a read. This walks the header as the NetCDF classic format
/// specification lays it out, bounds every count by the bytes that remain, and checks that every
/// variable's data (every record of the record variables) lies inside the file. NetCDF-4 files
/// (HDF5 inside) are left to libhdf5.
enum NetCDFClassicHeader {
    /// Header bytes examined at most; real headers are a few kilobytes.
    static let headerLimit = 64 << 20

    /// Throws a TrajectoryError naming `path` if the file is NetCDF-3 and its header is corrupt or
    /// its data extends past the end of the file; returns silently for NetCDF-3 files that are
    /// whole and for files that are not NetCDF-3.
    static func validate(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TrajectoryError(.io, path: path, "cannot open for reading")
        }
        defer { try? handle.close() }
        let fileSize = Int((try? handle.seekToEnd()) ?? 0)
        // Headers are usually a few kilobytes: read 64 KiB, and more only if the header needs it.
        var length = 64 << 10
        while true {
            try? handle.seek(toOffset: 0)
            let bytes = [UInt8]((try? handle.read(upToCount: min(fileSize, length))) ?? Data())
            guard bytes.count >= 4, bytes[0] == 0x43, bytes[1] == 0x44, bytes[2] == 0x46 else { return }
            let version = bytes[3]
            guard [1, 2, 5].contains(version) else {
                throw TrajectoryError(.malformed, path: path, "NetCDF-3 header with unknown version byte \(version)")
            }
            var parser = Parser(bytes: bytes, path: path, version: version, fileSize: fileSize)
            do {
                return try parser.parse()
            } catch is NeedsMoreBytes where length < headerLimit {
                length *= 4
            } catch is NeedsMoreBytes {
                throw TrajectoryError(.unsupported, path: path, "the NetCDF header is larger than \(headerLimit >> 20) MiB")
            }
        }
    }

    /// The header continues past the bytes read so far (but not past the end of the file).
    private struct NeedsMoreBytes: Error {}

    private struct Variable {
        var name: String
        var dimensionIDs: [Int]
        var type: Int
        var begin: Int
    }

    private struct Parser {
        let bytes: [UInt8]
        let path: String
        let version: UInt8
        let fileSize: Int
        var offset = 4

        init(bytes: [UInt8], path: String, version: UInt8, fileSize: Int) {
            self.bytes = bytes
            self.path = path
            self.version = version
            self.fileSize = fileSize
        }

        /// CDF-5 widens counts, lengths and sizes to 8 bytes; CDF-2 and CDF-5 have 8-byte offsets.
        var countWidth: Int { version == 5 ? 8 : 4 }
        var offsetWidth: Int { version == 1 ? 4 : 8 }

        func fail(_ problem: String) -> TrajectoryError {
            TrajectoryError(.malformed, path: path, "corrupt NetCDF header at byte \(offset): \(problem)")
        }

        mutating func integer(width: Int) throws -> Int {
            guard offset + width <= bytes.count else {
                guard offset + width <= fileSize else {
                    throw TrajectoryError(.malformed, path: path, "the NetCDF header is cut short at byte \(fileSize): the file is truncated")
                }
                throw NeedsMoreBytes()
            }
            var value: UInt64 = 0
            for k in 0 ..< width { value = value << 8 | UInt64(bytes[offset + k]) }
            offset += width
            guard value <= UInt64(Int.max) else { throw fail("a value does not fit in 63 bits") }
            return Int(value)
        }

        /// A count of items of at least `minimumSize` bytes each, bounded by the bytes left.
        mutating func count(of what: String, minimumSize: Int) throws -> Int {
            let value = try integer(width: countWidth)
            guard value <= (fileSize - offset) / max(minimumSize, 1) else {
                throw fail("\(value) \(what) cannot fit in the \(fileSize - offset) bytes left (the file is truncated or corrupt)")
            }
            return value
        }

        static func padded(_ n: Int) -> Int { (n + 3) & ~3 }

        mutating func skip(_ n: Int, _ what: String) throws {
            guard n <= fileSize - offset else { throw fail("\(what) runs past the end of the file") }
            offset += n
        }

        mutating func name() throws -> String {
            let length = try count(of: "name bytes", minimumSize: 1)
            let start = offset
            try skip(Self.padded(length), "a name")
            guard start + length <= bytes.count else { return "" }
            return String(decoding: bytes[start ..< start + length], as: UTF8.self)
        }

        static func typeSize(_ type: Int) -> Int? {
            switch type {
            case 1, 2, 7: 1
            case 3, 8: 2
            case 4, 5, 9: 4
            case 6, 10, 11: 8
            default: nil
            }
        }

        mutating func list(tag expected: Int, what: String, element: (inout Parser) throws -> Void) throws {
            let tag = try integer(width: 4)
            let n = try count(of: what, minimumSize: 4)
            guard tag == expected || (tag == 0 && n == 0) else {
                throw fail("expected the \(what) list (tag \(expected)), found tag \(tag)")
            }
            for _ in 0 ..< n { try element(&self) }
        }

        mutating func attributes() throws {
            try list(tag: 0x0C, what: "attributes") { parser in
                _ = try parser.name()
                let type = try parser.integer(width: 4)
                guard let size = Self.typeSize(type) else { throw parser.fail("unknown attribute type \(type)") }
                let n = try parser.count(of: "attribute values", minimumSize: size)
                try parser.skip(Self.padded(n * size), "an attribute")
            }
        }

        mutating func parse() throws {
            let records = try integer(width: countWidth)
            let streaming = records == (countWidth == 4 ? 0xFFFF_FFFF : Int.max)
            var dimensions = [Int]()
            try list(tag: 0x0A, what: "dimensions") { parser in
                _ = try parser.name()
                dimensions.append(try parser.integer(width: parser.countWidth))
            }
            try attributes()
            var variables = [Variable]()
            try list(tag: 0x0B, what: "variables") { parser in
                let name = try parser.name()
                let rank = try parser.count(of: "dimension ids", minimumSize: parser.countWidth)
                var ids = [Int]()
                for _ in 0 ..< rank {
                    let id = try parser.integer(width: parser.countWidth)
                    guard id < dimensions.count else { throw parser.fail("variable '\(name)' uses dimension \(id) of \(dimensions.count)") }
                    ids.append(id)
                }
                try parser.attributes()
                let type = try parser.integer(width: 4)
                guard Self.typeSize(type) != nil else { throw parser.fail("variable '\(name)' has unknown type \(type)") }
                _ = try parser.integer(width: parser.countWidth)  // vsize: unreliable for large variables
                let begin = try parser.integer(width: parser.offsetWidth)
                variables.append(Variable(name: name, dimensionIDs: ids, type: type, begin: begin))
            }
            try checkExtents(variables, dimensions: dimensions, records: streaming ? nil : records)
        }

        /// Every variable's data (each record of record variables) must end inside the file.
        func checkExtents(_ variables: [Variable], dimensions: [Int], records: Int?) throws {
            func size(_ v: Variable) -> Int? {
                var n = Self.typeSize(v.type)!
                for id in v.dimensionIDs where dimensions[id] != 0 {
                    let (product, overflow) = n.multipliedReportingOverflow(by: dimensions[id])
                    guard !overflow else { return nil }
                    n = product
                }
                return n
            }
            let isRecord = { (v: Variable) in v.dimensionIDs.first.map { dimensions[$0] == 0 } ?? false }
            let recordVariables = variables.filter(isRecord)
            var recordSize = 0
            for v in recordVariables {
                guard let s = size(v) else { throw fail("variable '\(v.name)' is larger than any file") }
                recordSize += recordVariables.count == 1 ? s : Self.padded(s)
            }
            for v in variables {
                guard let s = size(v) else { throw fail("variable '\(v.name)' is larger than any file") }
                if isRecord(v) {
                    guard let records, records > 0 else { continue }
                    let (span, o1) = (records - 1).multipliedReportingOverflow(by: recordSize)
                    let (start, o2) = v.begin.addingReportingOverflow(span)
                    let (end, o3) = start.addingReportingOverflow(s)
                    if o1 || o2 || o3 || end > fileSize || v.begin < 0 {
                        let whole = v.begin >= 0 && v.begin <= fileSize - s ? (fileSize - v.begin - s) / max(recordSize, 1) + 1 : 0
                        throw TrajectoryError(.malformed, path: path, frame: min(whole, records - 1),
                                              "the header declares \(records) frames but variable '\(v.name)' holds only \(whole) complete ones: the file is truncated")
                    }
                } else if v.begin < 0 || v.begin > fileSize - s {
                    throw TrajectoryError(.malformed, path: path,
                                          "variable '\(v.name)' (bytes \(v.begin) to \(v.begin + s)) extends past the end of the file (\(fileSize) bytes): the file is truncated")
                }
            }
        }
    }
}
