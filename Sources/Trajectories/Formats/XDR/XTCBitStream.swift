/// The bit-level layer of XTC compression (xdr3dfcoord).
///
/// Bits are packed most significant first. Three bounded integers (x, y, z with 0 ≤ v < size) are
/// combined into one number N = (x·s_y + y)·s_z + z, which is stored in a fixed number of bits as its
/// bytes, least significant byte first, each byte (and the final partial byte) written most
/// significant bit first. These types implement that layout with 64-bit windows instead of a byte
/// at a time.

/// Reads the XTC bit stream from memory. `position` counts bits. A read loads eight bytes at the
/// current byte, so the caller guarantees eight readable bytes past any position it reaches (the
/// input window keeps spare bytes for this) and checks `position` against the payload size.
struct XTCBitReader {
    private let bytes: UnsafeRawPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawPointer) { self.bytes = bytes }

    /// The next `count` bits (1...57) as an unsigned number.
    @inline(__always)
    mutating func read(_ count: Int) -> UInt64 {
        let word = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: position &>> 3, as: UInt64.self))
        let aligned = word &<< UInt64(position & 7)
        position &+= count
        return aligned &>> UInt64(64 &- count)
    }

    /// A packed number of `count` bits (1...56): its bytes arrive least significant first.
    @inline(__always)
    mutating func readPacked(_ count: Int) -> UInt64 {
        let fullBytes = count &>> 3, partialBits = count & 7
        let raw = read(count)
        let top = raw & ((1 &<< UInt64(partialBits)) &- 1)
        guard fullBytes > 0 else { return top }
        // The full bytes, first byte read in the highest position; a byte swap puts it lowest.
        let low = ((raw &>> UInt64(partialBits)) &<< UInt64(64 &- 8 &* fullBytes)).byteSwapped
        return low | (top &<< UInt64(8 &* fullBytes))
    }

    /// A packed number of up to 72 bits as (high, low) 64-bit halves, for the rare wide triples.
    mutating func readWidePacked(_ count: Int) -> (high: UInt64, low: UInt64) {
        var high: UInt64 = 0, low: UInt64 = 0
        var remaining = count, byteIndex = 0
        while remaining > 0 {
            let width = min(8, remaining)
            let value = read(width)
            if byteIndex < 8 { low |= value &<< UInt64(8 &* byteIndex) } else { high |= value &<< UInt64(8 &* (byteIndex &- 8)) }
            remaining &-= width
            byteIndex &+= 1
        }
        return (high, low)
    }
}

/// Exact division by a fixed divisor with multiplications instead of a `div` instruction
/// (Lemire, Kaser & Kurz, "Faster remainder by direct computation", 2019): with c = ⌈2^F / d⌉,
/// ⌊n / d⌋ = ⌊c·n / 2^F⌋ for every n of N bits when F ≥ N + log2 d. F = 64 serves numbers below
/// 2^32 with one multiplication, F = 128 any 64-bit number with two.
struct XTCDivisor {
    let divisor: UInt64
    /// ⌈2^64 / d⌉, 0 when d = 1.
    private let multiplier: UInt64
    /// ⌈2^128 / d⌉ as two halves, 0 when d = 1.
    private let wideHigh: UInt64
    private let wideLow: UInt64

    init(_ divisor: UInt64) {
        let d = max(divisor, 1)
        self.divisor = d
        guard d > 1 else {
            multiplier = 0
            wideHigh = 0
            wideLow = 0
            return
        }
        multiplier = UInt64.max / d &+ 1
        // ⌊(2^128 − 1) / d⌋ + 1 by long division of the two all-ones halves.
        let high = UInt64.max / d, carry = UInt64.max % d
        let low = d.dividingFullWidth((carry, UInt64.max)).quotient
        let (sum, overflow) = low.addingReportingOverflow(1)
        wideLow = sum
        wideHigh = overflow ? high &+ 1 : high
    }

    /// Quotient and remainder of `value` (< 2^32).
    @inline(__always)
    func divide(small value: UInt64) -> (quotient: UInt64, remainder: UInt64) {
        let quotient = multiplier == 0 ? value : multiplier.multipliedFullWidth(by: value).high
        return (quotient, value &- quotient &* divisor)
    }

    /// Quotient and remainder of any 64-bit `value`.
    @inline(__always)
    func divide(_ value: UInt64) -> (quotient: UInt64, remainder: UInt64) {
        guard wideHigh | wideLow != 0 else { return (value, 0) }
        // ⌊c·n / 2^128⌋ from the partial products c_high·n and c_low·n.
        let lowProduct = wideLow.multipliedFullWidth(by: value)
        let highProduct = wideHigh.multipliedFullWidth(by: value)
        let (_, carry) = highProduct.low.addingReportingOverflow(lowProduct.high)
        let quotient = highProduct.high &+ (carry ? 1 : 0)
        return (quotient, value &- quotient &* divisor)
    }
}

/// The sizes of the three integers of a packed triple and the bit count of their product.
struct XTCTripleLayout {
    let bits: Int
    let y: XTCDivisor
    let z: XTCDivisor

    init(sizes: SIMD3<UInt64>, bits: Int) {
        self.bits = bits
        y = XTCDivisor(sizes.y)
        z = XTCDivisor(sizes.z)
    }

    /// Bits needed for a triple of these sizes: the bit length of sx·sy·sz (sizes ≤ 2^24).
    static func bitCount(_ sizes: SIMD3<UInt64>) -> Int {
        let xy = sizes.x &* sizes.y
        let product = xy.multipliedFullWidth(by: sizes.z)
        return product.high != 0 ? 128 - product.high.leadingZeroBitCount : 64 - product.low.leadingZeroBitCount
    }

    /// Bit length of a size, at most 32 (the per-coordinate layout for very large ranges).
    static func bitCount(_ size: UInt64) -> Int { min(32, 64 - size.leadingZeroBitCount) }
}

extension XTCBitReader {
    /// Reads one packed triple and splits it into its three integers.
    @inline(__always)
    mutating func readTriple(_ layout: XTCTripleLayout) -> (x: UInt64, y: UInt64, z: UInt64) {
        let bits = layout.bits
        if bits <= 32 {
            let packed = readPacked(bits)
            let (rest, z) = layout.z.divide(small: packed)
            let (x, y) = layout.y.divide(small: rest)
            return (x, y, z)
        }
        if bits <= 56 {
            let packed = readPacked(bits)
            let (rest, z) = layout.z.divide(packed)
            let (x, y) = layout.y.divide(rest)
            return (x, y, z)
        }
        // 57...72 bits: 128-by-64 division in two steps (the high half is below 2^8).
        let (high, low) = readWidePacked(bits)
        func divide(_ high: UInt64, _ low: UInt64, by divisor: UInt64) -> (UInt64, UInt64, UInt64) {
            let quotientHigh = high / divisor, carry = high % divisor
            let (quotientLow, remainder) = divisor.dividingFullWidth((carry, low))
            return (quotientHigh, quotientLow, remainder)
        }
        let (high1, low1, z) = divide(high, low, by: layout.z.divisor)
        let (_, x, y) = divide(high1, low1, by: layout.y.divisor)
        return (x, y, z)
    }
}

/// Writes the XTC bit stream into a byte buffer whose capacity the caller sized for the worst case.
struct XTCBitWriter {
    private let bytes: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var pending: UInt64 = 0
    private var pendingBits = 0

    init(_ bytes: UnsafeMutablePointer<UInt8>) { self.bytes = bytes }

    /// Appends the low `bitCount` bits (0...56) of `value`, most significant first.
    @inline(__always)
    mutating func write(_ value: UInt64, bits bitCount: Int) {
        guard bitCount > 0 else { return }
        pending = (pending &<< UInt64(bitCount)) | (value & ((1 &<< UInt64(bitCount)) &- 1))
        pendingBits &+= bitCount
        while pendingBits >= 8 {
            pendingBits &-= 8
            bytes[count] = UInt8(truncatingIfNeeded: pending &>> UInt64(pendingBits))
            count &+= 1
        }
    }

    /// Appends a triple packed into `layout.bits` bits.
    mutating func writeTriple(_ x: UInt64, _ y: UInt64, _ z: UInt64, _ layout: XTCTripleLayout) {
        // N = (x·sy + y)·sz + z, at most 72 bits.
        let xy = x &* layout.y.divisor &+ y
        var (high, low) = xy.multipliedFullWidth(by: layout.z.divisor)
        let (sum, carry) = low.addingReportingOverflow(z)
        low = sum
        if carry { high &+= 1 }
        var remaining = layout.bits, byteIndex = 0
        while remaining > 0 {
            let width = min(8, remaining)
            let byte = byteIndex < 8 ? low &>> UInt64(8 &* byteIndex) : high &>> UInt64(8 &* (byteIndex &- 8))
            write(byte & 0xff, bits: width)
            remaining &-= width
            byteIndex &+= 1
        }
    }

    /// Completes the last partial byte with zero bits; returns the number of bytes written.
    mutating func finish() -> Int {
        if pendingBits > 0 {
            bytes[count] = UInt8(truncatingIfNeeded: pending &<< UInt64(8 &- pendingBits))
            count &+= 1
            pendingBits = 0
        }
        return count
    }
}
