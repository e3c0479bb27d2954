/// Big-endian (XDR, RFC 4506) values as GROMACS stores them: every item occupies a multiple of four
/// bytes, integers and IEEE floats are big-endian, opaque data and strings are padded with zeros to
/// a four-byte boundary.
enum XDR {
    /// `count` rounded up to the next multiple of four, the space XDR gives opaque data.
    @inline(__always)
    static func padded(_ count: Int) -> Int { (count &+ 3) & ~3 }
}

/// Reads XDR values from bytes already in memory. A read past the end returns zero and sets
/// `overran` instead of touching memory it does not own, so a header parser can read all its fields
/// and check once.
struct XDRDecoder {
    private let base: UnsafeRawPointer
    let count: Int
    private(set) var offset: Int = 0
    private(set) var overran = false

    init(_ base: UnsafeRawPointer, count: Int) {
        self.base = base
        self.count = count
    }

    private mutating func claim(_ size: Int) -> Int? {
        guard !overran, size <= count - offset else {
            overran = true
            return nil
        }
        defer { offset += size }
        return offset
    }

    mutating func uint32() -> UInt32 {
        guard let at = claim(4) else { return 0 }
        return UInt32(bigEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    mutating func int32() -> Int32 { Int32(bitPattern: uint32()) }

    /// An XDR hyper integer (eight bytes, big-endian).
    mutating func int64() -> Int64 {
        guard let at = claim(8) else { return 0 }
        return Int64(bigEndian: base.loadUnaligned(fromByteOffset: at, as: Int64.self))
    }

    mutating func float() -> Float { Float(bitPattern: uint32()) }

    mutating func double() -> Double {
        guard let at = claim(8) else { return 0 }
        return Double(bitPattern: UInt64(bigEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
    }

    /// Skips `size` bytes of opaque data and their padding.
    mutating func skipOpaque(_ size: Int) {
        guard size >= 0 else { overran = true; return }
        _ = claim(XDR.padded(size))
    }
}

/// Bulk conversion of big-endian arrays, the inner loops of TRR and small-XTC reading.
enum XDRArrays {
    /// Converts `count` big-endian Float32 at `source` into `destination`; returns the index of the
    /// first value that is not finite, or nil.
    static func readFloats(_ source: UnsafeRawPointer, count: Int,
                           into destination: UnsafeMutablePointer<Float>) -> Int? {
        var allFinite = true
        for index in 0 ..< count {
            let bits = UInt32(bigEndian: source.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
            let value = Float(bitPattern: bits)
            allFinite = allFinite && value.isFinite
            destination[index] = value
        }
        return allFinite ? nil : firstNonFinite(destination, count: count)
    }

    /// Converts `count` big-endian Float64 at `source` into Float32 `destination` (narrowing); returns
    /// the index of the first value that is not finite in the file, or nil.
    static func readDoubles(_ source: UnsafeRawPointer, count: Int,
                            into destination: UnsafeMutablePointer<Float>) -> Int? {
        var firstBad: Int?
        for index in 0 ..< count {
            let bits = UInt64(bigEndian: source.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self))
            let value = Double(bitPattern: bits)
            if !value.isFinite, firstBad == nil { firstBad = index }
            destination[index] = Float(value)
        }
        return firstBad
    }

    /// Reads `count` values of `width` bytes (4: Float32, 8: Float64) as Float64, keeping every digit.
    static func readWide(_ source: UnsafeRawPointer, count: Int, width: Int) -> [Double] {
        (0 ..< count).map { index in
            if width == 8 {
                let bits = source.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
                return Double(bitPattern: UInt64(bigEndian: bits))
            }
            let bits = source.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
            return Double(Float(bitPattern: UInt32(bigEndian: bits)))
        }
    }

    private static func firstNonFinite(_ values: UnsafeMutablePointer<Float>, count: Int) -> Int? {
        (0 ..< count).first { !values[$0].isFinite }
    }
}

/// Accumulates XDR-encoded bytes for one or more frames before they go to disk.
struct XDREncoder {
    private(set) var bytes: [UInt8] = []

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    mutating func uint32(_ value: UInt32) {
        let big = value.bigEndian
        withUnsafeBytes(of: big) { bytes.append(contentsOf: $0) }
    }

    mutating func int32(_ value: Int32) { uint32(UInt32(bitPattern: value)) }

    mutating func int64(_ value: Int64) {
        let big = value.bigEndian
        withUnsafeBytes(of: big) { bytes.append(contentsOf: $0) }
    }

    mutating func float(_ value: Float) { uint32(value.bitPattern) }

    mutating func double(_ value: Double) {
        let big = value.bitPattern.bigEndian
        withUnsafeBytes(of: big) { bytes.append(contentsOf: $0) }
    }

    /// An XDR string: its length, then its bytes padded to four.
    mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        int32(Int32(utf8.count))
        opaque(utf8)
    }

    /// Raw bytes padded with zeros to a multiple of four.
    mutating func opaque(_ data: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: data)
        bytes.append(contentsOf: repeatElement(0, count: XDR.padded(data.count) - data.count))
    }

    mutating func opaque(_ data: [UInt8]) {
        data.withUnsafeBufferPointer { opaque($0) }
    }

    /// Appends `values` as big-endian Float32.
    mutating func floats(_ values: UnsafeBufferPointer<Float>) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: values.count * 4))
        bytes.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.bitPattern.bigEndian, toByteOffset: start + index * 4, as: UInt32.self)
            }
        }
    }

    /// Appends `values` as big-endian Float64.
    mutating func doubles(_ values: UnsafeBufferPointer<Float>) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: values.count * 8))
        bytes.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: Double(value).bitPattern.bigEndian, toByteOffset: start + index * 8,
                               as: UInt64.self)
            }
        }
    }
}
