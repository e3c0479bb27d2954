import Foundation
import NeuralNet

/// NumPy's .npy format (versions 1.0-3.0) for 1-D and 2-D arrays of float32, float64, int32 or
/// int64, either byte order, C or Fortran order: how features, latent coordinates and discrete
/// trajectories travel between lss and Python.
///
/// Layout (numpy.lib.format): the magic "\x93NUMPY", a major and minor version byte, the header
/// length (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), then a Python dict literal with
/// 'descr', 'fortran_order' and 'shape', padded with spaces to a multiple of 64 bytes and ended by
/// a newline; the raw data follow.
public enum NumpyArrayFile {
    /// Reads a 1-D (n → n × 1) or 2-D array as Float64.
    public static func read(_ path: String) throws -> DoubleMatrix {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw KineticsError(.invalidArgument, "\(path): cannot read the file (\(error.localizedDescription))")
        }
        func fail(_ problem: String) -> KineticsError { KineticsError(.invalidArgument, "\(path): not a usable .npy file: \(problem)") }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw fail("the magic string \\x93NUMPY is missing")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("the header is cut short") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default: throw fail("format version \(major) is not supported (1, 2 and 3 are)")
        }
        guard headerStart + headerLength <= bytes.count else { throw fail("the header is cut short") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let descriptor = try NumpyHeader.stringValue(of: "descr", in: header, fail: fail)
        let fortranOrder = try NumpyHeader.boolValue(of: "fortran_order", in: header, fail: fail)
        let shape = try NumpyHeader.shape(in: header, fail: fail)
        guard shape.count == 1 || shape.count == 2 else {
            throw fail("only 1-D and 2-D arrays are supported, this one has shape \(shape)")
        }
        let rows = shape[0], cols = shape.count == 2 ? shape[1] : 1
        guard let element = NumpyElement(descriptor: descriptor) else {
            throw fail("element type '\(descriptor)' is not supported (float32, float64, int32, int64 are)")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        let (byteCount, overflow2) = count.multipliedReportingOverflow(by: element.size)
        let dataStart = headerStart + headerLength
        guard !overflow, !overflow2, bytes.count - dataStart >= byteCount else {
            throw fail("the header promises \(rows) × \(cols) values but the file holds fewer")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!) + dataStart
            for k in 0..<count {
                // Fortran order stores columns contiguously; lss matrices are row-major.
                let target = fortranOrder ? (k % rows) * cols + k / rows : k
                values[target] = element.load(base + k * element.size)
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw KineticsError(.invalidArgument,
                                "\(path): value at row \(bad / max(cols, 1)), column \(bad % max(cols, 1)) is not finite")
        }
        return DoubleMatrix(rows: rows, cols: cols, values: values)
    }

    /// Writes a matrix as a little-endian float64 (or float32) version 1.0 .npy file, atomically
    /// (temporary file, then rename), so a reader never sees half a file.
    public static func write(_ matrix: DoubleMatrix, to path: String, asFloat32: Bool = false) throws {
        var header = "{'descr': '\(asFloat32 ? "<f4" : "<f8")', 'fortran_order': False, 'shape': (\(matrix.rows), \(matrix.cols)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        if asFloat32 {
            for v in matrix.values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        } else {
            for v in matrix.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        try AtomicFile.write(data, to: path)
    }
}

/// The element types lss reads from .npy files.
enum NumpyElement {
    case float32(bigEndian: Bool), float64(bigEndian: Bool), int32(bigEndian: Bool), int64(bigEndian: Bool)

    init?(descriptor: String) {
        guard descriptor.count == 3, let order = descriptor.first, "<>=|".contains(order) else { return nil }
        let big = order == ">"
        switch descriptor.dropFirst() {
        case "f4": self = .float32(bigEndian: big)
        case "f8": self = .float64(bigEndian: big)
        case "i4": self = .int32(bigEndian: big)
        case "i8": self = .int64(bigEndian: big)
        default: return nil
        }
    }

    var size: Int {
        switch self {
        case .float32, .int32: 4
        case .float64, .int64: 8
        }
    }

    func load(_ p: UnsafeRawPointer) -> Double {
        switch self {
        case .float32(let big):
            let raw = p.loadUnaligned(as: UInt32.self)
            return Double(Float(bitPattern: big ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)))
        case .float64(let big):
            let raw = p.loadUnaligned(as: UInt64.self)
            return Double(bitPattern: big ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw))
        case .int32(let big):
            let raw = p.loadUnaligned(as: UInt32.self)
            return Double(Int32(bitPattern: big ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)))
        case .int64(let big):
            let raw = p.loadUnaligned(as: UInt64.self)
            return Double(Int64(bitPattern: big ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)))
        }
    }
}

/// The few pieces of the header's Python dict literal that matter.
enum NumpyHeader {
    static func value(of key: String, in header: String) -> Substring? {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        guard let colon = header[keyRange.upperBound...].firstIndex(of: ":") else { return nil }
        return header[header.index(after: colon)...].drop(while: \.isWhitespace)
    }

    static func stringValue(of key: String, in header: String, fail: (String) -> KineticsError) throws -> String {
        guard let rest = value(of: key, in: header), let quote = rest.first, quote == "'" || quote == "\"",
              let end = rest.dropFirst().firstIndex(of: quote) else { throw fail("the header has no '\(key)'") }
        return String(rest[rest.index(after: rest.startIndex)..<end])
    }

    static func boolValue(of key: String, in header: String, fail: (String) -> KineticsError) throws -> Bool {
        guard let rest = value(of: key, in: header) else { throw fail("the header has no '\(key)'") }
        if rest.hasPrefix("True") { return true }
        if rest.hasPrefix("False") { return false }
        throw fail("'\(key)' is neither True nor False")
    }

    static func shape(in header: String, fail: (String) -> KineticsError) throws -> [Int] {
        guard let rest = value(of: "shape", in: header), rest.first == "(", let close = rest.firstIndex(of: ")") else {
            throw fail("the header has no 'shape' tuple")
        }
        let inner = rest[rest.index(after: rest.startIndex)..<close]
        let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let dims = parts.compactMap { Int($0) }
        guard dims.count == parts.count, dims.allSatisfy({ $0 >= 0 }) else { throw fail("the shape (\(inner)) is not a tuple of sizes") }
        return dims
    }
}
