import Foundation

/// Why a safetensors file could not be read or written.
public struct SafeTensorsError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Reading and writing the safetensors format, so weights move between lss and Python
/// (`safetensors.numpy.load_file`, `safetensors.torch.load_file`).
///
/// Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name
/// to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the end of the header),
/// an optional "__metadata__" object of string values, then the raw little-endian data. lss writes
/// F32 tensors of shape [rows, cols], names sorted, the header padded with spaces to a multiple of 8
/// so the data are aligned. It reads F32, F64 and F16 (widened or narrowed to Float32) of rank 0-2.
public enum SafeTensors {
    /// Writes `tensors` (name → matrix) and string `metadata` to `url`, atomically (a temporary
    /// file renamed into place), so a crash never leaves a half-written file under the real name.
    public static func write(_ tensors: [String: Matrix], metadata: [String: String] = [:], to url: URL) throws {
        let names = tensors.keys.sorted()
        var header: [String] = []
        if !metadata.isEmpty {
            let entries = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            header.append("\"__metadata__\":{\(entries.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let m = tensors[name]!
            let bytes = m.count * 4
            header.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(m.rows),\(m.cols)],"
                          + "\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }

        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        for name in names {
            let m = tensors[name]!
            // Floats are stored little-endian; on a big-endian host, swap.
            if UInt32(1).littleEndian == 1 {
                data.append(UnsafeBufferPointer(start: m.pointer, count: m.count))
            } else {
                for i in 0..<m.count {
                    withUnsafeBytes(of: m.pointer[i].bitPattern.littleEndian) { data.append(contentsOf: $0) }
                }
            }
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw SafeTensorsError(path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// The tensors and metadata of a safetensors file.
    public static func read(from url: URL) throws -> (tensors: [String: Matrix], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        func fail(_ reason: String) -> SafeTensorsError { SafeTensorsError(path: url.path, reason: reason) }
        guard data.count >= 8 else { throw fail("file is shorter than the 8-byte header length: not a safetensors file") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("header length \(headerLength) exceeds the file size \(data.count): truncated or not a safetensors file")
        }
        let dataStart = 8 + Int(headerLength)
        let headerBytes = data.subdata(in: 8..<dataStart)
        guard let object = try? JSONSerialization.jsonObject(with: headerBytes), let header = object as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let meta = header["__metadata__"] {
            guard let dict = meta as? [String: Any] else { throw fail("__metadata__ is not an object") }
            for (k, v) in dict {
                guard let s = v as? String else { throw fail("__metadata__ value for \(k) is not a string") }
                metadata[k] = s
            }
        }
        let payload = data.count - dataStart
        var tensors: [String: Matrix] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2 else {
                throw fail("tensor \(name): entry needs dtype, shape and two data_offsets")
            }
            guard shape.count <= 2, shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor \(name): shape \(shape) is not supported (rank 0 to 2)")
            }
            let rows = shape.count == 2 ? shape[0] : 1
            let cols = shape.count == 2 ? shape[1] : (shape.first ?? 1)
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F64": width = 8
            case "F16": width = 2
            default: throw fail("tensor \(name): dtype \(dtype) is not supported (F32, F64, F16)")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= payload, end - begin == rows * cols * width else {
                throw fail("tensor \(name): data_offsets [\(begin), \(end)] do not match shape \(shape) × \(width) bytes "
                           + "within \(payload) bytes of data")
            }
            let m = Matrix(rows: rows, cols: cols)
            data.withUnsafeBytes { raw in
                let base = raw.baseAddress! + dataStart + begin
                for i in 0..<(rows * cols) {
                    switch width {
                    case 4: m.pointer[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case 8: m.pointer[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                    default: m.pointer[i] = halfToFloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                }
            }
            tensors[name] = m
        }
        return (tensors, metadata)
    }

    /// Saves parameters under their names.
    public static func save(_ parameters: [Parameter], metadata: [String: String] = [:], to url: URL) throws {
        var tensors: [String: Matrix] = [:]
        for p in parameters {
            precondition(tensors[p.name] == nil, "SafeTensors.save: two parameters are named \(p.name)")
            tensors[p.name] = p.value
        }
        try write(tensors, metadata: metadata, to: url)
    }

    /// Loads values into parameters by name; every parameter must be present with its shape.
    /// Returns the file's metadata.
    @discardableResult
    public static func load(into parameters: [Parameter], from url: URL) throws -> [String: String] {
        let (tensors, metadata) = try read(from: url)
        for p in parameters {
            guard let m = tensors[p.name] else {
                throw SafeTensorsError(path: url.path, reason: "no tensor named \(p.name); the file holds "
                                       + tensors.keys.sorted().joined(separator: ", "))
            }
            guard m.rows == p.rows, m.cols == p.cols else {
                throw SafeTensorsError(path: url.path, reason: "tensor \(p.name) is \(m.rows)x\(m.cols), "
                                       + "the model expects \(p.rows)x\(p.cols): the file belongs to another architecture")
            }
            p.value.pointer.update(from: m.pointer, count: m.count)
        }
        return metadata
    }

    /// IEEE binary16 to Float, by hand: Swift's Float16 type does not exist on Intel macOS.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F), fraction = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24                       // zero and subnormals
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
