/// The XTC coordinate compression of GROMACS (Frans van Hoesel's xdr3dfcoord), decode and encode.
///
/// Coordinates are multiplied by the precision and rounded to integers. The first atom of each
/// group is stored relative to the frame's minimum in a bit width that covers the frame's range
/// (a packed triple, or three separate fields when a range exceeds 2^24). The atoms that follow it,
/// while they stay close to their predecessor, form a run of up to eight small triples stored as
/// offsets from the previous atom in `smallIndex` bits. Before each run a flag says whether the run
/// length changed, and the new length carries in the same five bits whether the small bit width
/// grows, shrinks or stays (run + change + 1 with run a multiple of 3). The first two atoms of a run
/// are stored swapped, which makes water (O, H, H) compress better.
///
/// The decoder reproduces GROMACS/xdrfile arithmetic exactly (Float32 scale by the rounded inverse
/// precision), so coordinates are bit-identical to MDTraj's; the encoder makes the same choices as
/// GROMACS, so the bytes match what GROMACS and MDTraj write for the same Float32 input.
enum XTCCompression {
    /// Size of the integer range at each small bit width: magicInts[i]³ fits in i bits.
    static let magicInts: [Int32] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 10, 12, 16, 20, 25, 32, 40, 50, 64,
        80, 101, 128, 161, 203, 256, 322, 406, 512, 645, 812, 1024, 1290,
        1625, 2048, 2580, 3250, 4096, 5060, 6501, 8192, 10321, 13003,
        16384, 20642, 26007, 32768, 41285, 52015, 65536, 82570, 104031,
        131072, 165140, 208063, 262144, 330280, 416127, 524287, 660561,
        832255, 1048576, 1321122, 1664510, 2097152, 2642245, 3329021,
        4194304, 5284491, 6658042, 8388607, 10568983, 13316085, 16777216,
    ]
    /// Smallest and largest usable small bit widths (indices into `magicInts`).
    static let firstIndex = 9
    static let lastIndex = 72
    /// A range wider than this (2^24 − 1) is stored as three separate bit fields.
    static let widestPackedRange: UInt64 = 0xff_ffff

    /// Triple layouts of the small runs, one per small bit width.
    static let smallLayouts: [XTCTripleLayout] = (0 ... lastIndex).map { index in
        let size = UInt64(max(magicInts[index], 1))
        return XTCTripleLayout(sizes: SIMD3(repeating: size), bits: index)
    }
}

/// The fields of a compressed XTC frame that precede its payload.
struct XTCCompressedHeader {
    var precision: Float
    var minimum: SIMD3<Int32>
    var maximum: SIMD3<Int32>
    var smallIndex: Int32
    var byteCount: Int
}

enum XTCCompressionError: Error {
    /// The payload or its header is inconsistent; the text says how.
    case malformed(String)
    /// The coordinate of this atom is NaN or infinite.
    case nonFinite(atom: Int)
    /// The coordinate of this atom times the precision does not fit in 32 bits.
    case outOfRange(atom: Int, value: Float)
    /// The coordinates span more than 2^31 precision units along one axis.
    case spanTooLarge
}

/// How the first atom of each group is stored: one packed triple, or three fields when a range is
/// wider than 2^24.
private struct XTCLargeLayout {
    let packed: XTCTripleLayout
    let fieldBits: SIMD3<Int>?

    init(sizes: SIMD3<UInt64>) {
        if sizes.x > XTCCompression.widestPackedRange || sizes.y > XTCCompression.widestPackedRange
            || sizes.z > XTCCompression.widestPackedRange {
            fieldBits = SIMD3(XTCTripleLayout.bitCount(sizes.x), XTCTripleLayout.bitCount(sizes.y),
                              XTCTripleLayout.bitCount(sizes.z))
            packed = XTCTripleLayout(sizes: sizes, bits: 0)
        } else {
            fieldBits = nil
            packed = XTCTripleLayout(sizes: sizes, bits: XTCTripleLayout.bitCount(sizes))
        }
    }
}

// MARK: - Decoding

extension XTCCompression {
    /// Decodes `atomCount` atoms from `payload` (which has readable spare bytes after it) into
    /// `output` as x, y, z Float32 in nm.
    static func decode(_ payload: UnsafeRawPointer, header: XTCCompressedHeader, atomCount: Int,
                       into output: UnsafeMutablePointer<Float>) throws(XTCCompressionError) {
        let precision = header.precision
        guard precision.isFinite, precision > 0 else {
            throw .malformed("the precision \(precision) is not a positive number")
        }
        var sizes = SIMD3<UInt64>()
        for axis in 0 ..< 3 {
            let span = Int64(header.maximum[axis]) - Int64(header.minimum[axis]) + 1
            guard span >= 1 else {
                throw .malformed("the integer range of axis \(axis) is empty (minimum \(header.minimum[axis]), maximum \(header.maximum[axis]))")
            }
            sizes[axis] = UInt64(span)
        }
        var smallIndex = Int(header.smallIndex)
        guard smallIndex >= firstIndex, smallIndex <= lastIndex else {
            throw .malformed("the small-integer width \(smallIndex) is outside \(firstIndex)...\(lastIndex)")
        }
        guard header.byteCount >= 0 else { throw .malformed("negative payload size \(header.byteCount)") }

        let large = XTCLargeLayout(sizes: sizes)
        let minimum = header.minimum
        // xdrfile and GROMACS scale by the inverse precision rounded to Float32.
        let inverse = Float(1.0 / Double(precision))
        let bitLimit = header.byteCount &* 8
        var reader = XTCBitReader(payload)
        var out = output
        var atom = 0
        var run = 0
        let layouts = smallLayouts
        var small = layouts[smallIndex]
        var smallHalf = magicInts[smallIndex] / 2
        while atom < atomCount {
            // One group reads at most ~110 bytes, far less than the spare bytes after the payload.
            guard reader.position <= bitLimit else {
                throw .malformed("the compressed data end before atom \(atom) of \(atomCount)")
            }
            var first: SIMD3<Int32>
            if let bits = large.fieldBits {
                first = SIMD3(Int32(truncatingIfNeeded: reader.read(bits.x)),
                              Int32(truncatingIfNeeded: reader.read(bits.y)),
                              Int32(truncatingIfNeeded: reader.read(bits.z)))
            } else {
                let (x, y, z) = reader.readTriple(large.packed)
                first = SIMD3(Int32(truncatingIfNeeded: x), Int32(truncatingIfNeeded: y),
                              Int32(truncatingIfNeeded: z))
            }
            first &+= minimum
            atom &+= 1

            var widthChange = 0
            if reader.read(1) == 1 {
                let code = Int(reader.read(5))
                widthChange = code % 3 - 1
                run = code - code % 3
            }
            if run > 0 {
                guard atom + run / 3 <= atomCount else {
                    throw .malformed("a run of \(run / 3) atoms after atom \(atom - 1) passes the atom count \(atomCount)")
                }
                var previous = first
                var k = 0
                while k < run {
                    let (x, y, z) = reader.readTriple(small)
                    var current = SIMD3(Int32(truncatingIfNeeded: x), Int32(truncatingIfNeeded: y),
                                        Int32(truncatingIfNeeded: z)) &+ previous &- smallHalf
                    if k == 0 {
                        // The encoder swapped the group's first two atoms; put them back.
                        swap(&current, &previous)
                        store(previous, inverse, &out)
                    } else {
                        previous = current
                    }
                    store(current, inverse, &out)
                    atom &+= 1
                    k &+= 3
                }
            } else {
                store(first, inverse, &out)
            }
            if widthChange != 0 {
                smallIndex &+= widthChange
                guard smallIndex >= firstIndex, smallIndex <= lastIndex else {
                    throw .malformed("the small-integer width leaves \(firstIndex)...\(lastIndex) at atom \(atom)")
                }
                small = layouts[smallIndex]
                smallHalf = magicInts[smallIndex] / 2
            }
        }
        guard reader.position <= bitLimit else {
            throw .malformed("the compressed data are shorter than the \(atomCount) atoms need")
        }
    }

    @inline(__always)
    private static func store(_ value: SIMD3<Int32>, _ inverse: Float, _ out: inout UnsafeMutablePointer<Float>) {
        out[0] = Float(value.x) * inverse
        out[1] = Float(value.y) * inverse
        out[2] = Float(value.z) * inverse
        out += 3
    }
}

// MARK: - Encoding

/// Compresses frames; keeps its scratch buffers between frames.
final class XTCEncoder {
    private var integers: UnsafeMutablePointer<Int32>
    private var integerCapacity = 0
    /// The compressed bytes of the last frame (`byteCount` of them are valid).
    private(set) var payload: UnsafeMutablePointer<UInt8>
    private var payloadCapacity = 0

    init() {
        integers = .allocate(capacity: 1)
        payload = .allocate(capacity: 1)
    }

    deinit {
        integers.deallocate()
        payload.deallocate()
    }

    private func reserve(atoms: Int) {
        if integerCapacity < 3 * atoms {
            integers.deallocate()
            integerCapacity = 3 * atoms
            integers = .allocate(capacity: integerCapacity)
        }
        // Worst case per atom: a 96-bit first atom and a 6-bit run code (13 bytes).
        let bytesNeeded = 13 * atoms + 64
        if payloadCapacity < bytesNeeded {
            payload.deallocate()
            payloadCapacity = bytesNeeded
            payload = .allocate(capacity: payloadCapacity)
        }
    }

    /// Compresses `atomCount` (> 9) atoms of x, y, z in nm; returns the header fields (the payload
    /// is in `payload`).
    func encode(_ coordinates: UnsafePointer<Float>, atomCount: Int, precision: Float)
        throws(XTCCompressionError) -> XTCCompressedHeader {
        reserve(atoms: atomCount)
        let (minimum, maximum, closestStep) = try quantize(coordinates, atomCount: atomCount, precision: precision)
        for axis in 0 ..< 3 where Double(Float(maximum[axis]) - Float(minimum[axis])) >= 2_147_483_645 {
            throw .spanTooLarge
        }
        var sizes = SIMD3<UInt64>()
        for axis in 0 ..< 3 { sizes[axis] = UInt64(Int64(maximum[axis]) - Int64(minimum[axis]) + 1) }
        let large = XTCLargeLayout(sizes: sizes)

        let magic = XTCCompression.magicInts
        var smallIndex = XTCCompression.firstIndex
        while smallIndex < XTCCompression.lastIndex, Int64(magic[smallIndex]) < closestStep { smallIndex += 1 }
        let initialSmallIndex = smallIndex
        // The width may grow by at most 8 and shrink back to where it started.
        let maxIndex = min(XTCCompression.lastIndex, smallIndex + 8)
        let minIndex = maxIndex - 8
        var smaller = magic[max(XTCCompression.firstIndex, smallIndex - 1)] / 2
        var smallHalf = magic[smallIndex] / 2
        let larger = Int64(magic[maxIndex] / 2)
        var small = XTCCompression.smallLayouts[smallIndex]

        var writer = XTCBitWriter(payload)
        var runValues = SIMD32<UInt64>()
        var previousRun = -1
        var previous = SIMD3<Int32>()
        let ints = integers
        var atom = 0
        func near(_ a: UnsafeMutablePointer<Int32>, _ b: SIMD3<Int32>, within limit: Int64) -> Bool {
            abs(Int64(a[0]) - Int64(b.x)) < limit && abs(Int64(a[1]) - Int64(b.y)) < limit
                && abs(Int64(a[2]) - Int64(b.z)) < limit
        }
        func load(_ a: UnsafeMutablePointer<Int32>) -> SIMD3<Int32> { SIMD3(a[0], a[1], a[2]) }

        while atom < atomCount {
            let current = ints + 3 * atom
            var inRun = false
            var widthChange: Int
            if smallIndex < maxIndex, atom >= 1, near(current, previous, within: larger) {
                widthChange = 1
            } else if smallIndex > minIndex {
                widthChange = -1
            } else {
                widthChange = 0
            }
            if atom + 1 < atomCount, near(current, load(current + 3), within: Int64(smallHalf)) {
                // Swap the first two atoms of the run (helps water: the run starts at a hydrogen).
                for axis in 0 ..< 3 { swap(&current[axis], &current[3 + axis]) }
                inRun = true
            }
            let first = load(current)
            if let bits = large.fieldBits {
                writer.write(UInt64(UInt32(bitPattern: first.x &- minimum.x)), bits: bits.x)
                writer.write(UInt64(UInt32(bitPattern: first.y &- minimum.y)), bits: bits.y)
                writer.write(UInt64(UInt32(bitPattern: first.z &- minimum.z)), bits: bits.z)
            } else {
                writer.writeTriple(UInt64(UInt32(bitPattern: first.x &- minimum.x)),
                                   UInt64(UInt32(bitPattern: first.y &- minimum.y)),
                                   UInt64(UInt32(bitPattern: first.z &- minimum.z)), large.packed)
            }
            previous = first
            atom += 1

            var run = 0
            if !inRun, widthChange == -1 { widthChange = 0 }
            while inRun, run < 24 {
                let next = load(ints + 3 * atom)
                if widthChange == -1 {
                    // Shrink only if every atom of the run would fit the smaller width (32-bit
                    // arithmetic, as GROMACS does it).
                    let d = next &- previous
                    let squared = d.x &* d.x &+ d.y &* d.y &+ d.z &* d.z
                    if squared >= smaller &* smaller { widthChange = 0 }
                }
                let offset = next &- previous &+ smallHalf
                runValues[run] = UInt64(UInt32(bitPattern: offset.x))
                runValues[run + 1] = UInt64(UInt32(bitPattern: offset.y))
                runValues[run + 2] = UInt64(UInt32(bitPattern: offset.z))
                run += 3
                previous = next
                atom += 1
                inRun = atom < atomCount && near(ints + 3 * atom, previous, within: Int64(smallHalf))
            }
            if run != previousRun || widthChange != 0 {
                previousRun = run
                writer.write(1, bits: 1)
                writer.write(UInt64(run + widthChange + 1), bits: 5)
            } else {
                writer.write(0, bits: 1)
            }
            var k = 0
            while k < run {
                writer.writeTriple(runValues[k], runValues[k + 1], runValues[k + 2], small)
                k += 3
            }
            if widthChange != 0 {
                smallIndex += widthChange
                if widthChange < 0 {
                    smallHalf = smaller
                    smaller = magic[smallIndex - 1] / 2
                } else {
                    smaller = smallHalf
                    smallHalf = magic[smallIndex] / 2
                }
                small = XTCCompression.smallLayouts[smallIndex]
            }
        }
        let byteCount = writer.finish()
        return XTCCompressedHeader(precision: precision, minimum: minimum, maximum: maximum,
                                   smallIndex: Int32(initialSmallIndex), byteCount: byteCount)
    }

    /// Rounds every coordinate × precision to the nearest integer (halves away from zero, in the
    /// same Float32/Float64 steps as GROMACS) into `integers`; returns the bounds and the smallest
    /// Manhattan distance between consecutive atoms.
    private func quantize(_ coordinates: UnsafePointer<Float>, atomCount: Int, precision: Float)
        throws(XTCCompressionError) -> (SIMD3<Int32>, SIMD3<Int32>, Int64) {
        var minimum = SIMD3<Int32>(repeating: .max), maximum = SIMD3<Int32>(repeating: .min)
        var closestStep = Int64(Int32.max)
        var last = SIMD3<Int64>()
        for atom in 0 ..< atomCount {
            var current = SIMD3<Int32>()
            for axis in 0 ..< 3 {
                let value = coordinates[3 * atom + axis]
                guard value.isFinite else { throw .nonFinite(atom: atom) }
                let scaled = value * precision
                let rounded = Float(Double(scaled) + (value >= 0 ? 0.5 : -0.5))
                guard abs(Double(rounded)) <= 2_147_483_645 else { throw .outOfRange(atom: atom, value: value) }
                current[axis] = Int32(rounded)
            }
            let slot = integers + 3 * atom
            slot[0] = current.x
            slot[1] = current.y
            slot[2] = current.z
            minimum = pointwiseMin(minimum, current)
            maximum = pointwiseMax(maximum, current)
            let wide = SIMD3<Int64>(truncatingIfNeeded: current)
            let step = abs(wide.x - last.x) + abs(wide.y - last.y) + abs(wide.z - last.z)
            if atom >= 1, step < closestStep { closestStep = step }
            last = wide
        }
        return (minimum, maximum, closestStep)
    }
}
