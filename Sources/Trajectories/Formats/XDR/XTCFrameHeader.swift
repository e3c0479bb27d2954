/// A problem found in the bytes of an XDR file, before the reader adds the path and frame.
struct XDRProblem: Error {
    var kind: TrajectoryError.Kind
    var text: String

    init(_ kind: TrajectoryError.Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    init(_ text: String) { self.init(.malformed, text) }

    func error(path: String, frame: Int?) -> TrajectoryError {
        TrajectoryError(kind, path: path, frame: frame, text)
    }
}

/// The fixed fields of one XTC frame (GROMACS xtcio):
///
///     int magic (1995, or 2023 for > 298 M atoms), int natoms, int step, float time,
///     float box[3][3] (rows are the box vectors, nm), int natoms (again),
///     natoms ≤ 9: float x[natoms][3] uncompressed;
///     otherwise: float precision, int minint[3], int maxint[3], int smallidx,
///                int byte count (int64 with magic 2023), opaque bytes padded to 4.
struct XTCFrameHeader {
    static let magic: Int32 = 1995
    /// GROMACS 2023 writes this magic (and a 64-bit byte count) for systems above 298,261,617 atoms.
    static let largeMagic: Int32 = 2023
    static let largeSystemAtoms = 298_261_617
    /// Atom counts up to this are stored as plain floats.
    static let uncompressedAtomLimit = 9
    /// Bytes up to and including the second atom count.
    static let fixedSize = 56
    /// The most bytes a header can take (magic 2023, compressed).
    static let maximumSize = 96

    var atomCount: Int
    var step: Int32
    var time: Float
    /// The nine box components, vector by vector.
    var boxValues: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)
    /// The compression fields, nil for frames of ≤ 9 atoms.
    var compressed: XTCCompressedHeader?
    /// Offset from the frame start to the coordinates (floats or compressed bytes).
    var coordinateOffset: Int
    /// The whole frame, header and padding included.
    var frameSize: Int

    /// GROMACS writes a zero box when there is no periodic cell.
    var hasBox: Bool {
        boxValues.0 != .zero || boxValues.1 != .zero || boxValues.2 != .zero
    }

    var box: Box {
        func widen(_ v: SIMD3<Float>) -> SIMD3<Double> { SIMD3(Double(v.x), Double(v.y), Double(v.z)) }
        return Box(a: widen(boxValues.0), b: widen(boxValues.1), c: widen(boxValues.2))
    }

    /// Parses the header at the start of `bytes` (`available` of them in memory, `fileRemaining` left
    /// in the file from the frame start) and checks that the whole frame lies inside the file.
    static func parse(_ bytes: UnsafeRawPointer, available: Int, fileRemaining: Int64) throws(XDRProblem)
        -> XTCFrameHeader {
        guard available >= fixedSize else {
            throw XDRProblem("the file ends inside a frame header (\(fileRemaining) bytes left, a header needs at least \(fixedSize))")
        }
        var decoder = XDRDecoder(bytes, count: available)
        let magicNumber = decoder.int32()
        guard magicNumber == magic || magicNumber == largeMagic else {
            throw XDRProblem("bad magic number \(magicNumber) where an XTC frame starts (expected \(magic)); not an XTC file, or a corrupt frame")
        }
        let atoms = decoder.int32()
        let step = decoder.int32()
        let time = decoder.float()
        // Arguments evaluate left to right: x, y, z of each box vector in file order.
        let a = SIMD3(decoder.float(), decoder.float(), decoder.float())
        let b = SIMD3(decoder.float(), decoder.float(), decoder.float())
        let c = SIMD3(decoder.float(), decoder.float(), decoder.float())
        let atomsAgain = decoder.int32()
        guard atoms >= 0 else { throw XDRProblem("negative atom count \(atoms)") }
        guard atomsAgain == atoms else {
            throw XDRProblem("the frame header gives two different atom counts (\(atoms) and \(atomsAgain))")
        }
        guard time.isFinite else { throw XDRProblem(.nonFinite, "the frame time is not a finite number") }
        func finite(_ v: SIMD3<Float>) -> Bool { v.x.isFinite && v.y.isFinite && v.z.isFinite }
        guard finite(a), finite(b), finite(c) else {
            throw XDRProblem(.nonFinite, "the box has a non-finite component")
        }
        var header = XTCFrameHeader(atomCount: Int(atoms), step: step, time: time,
                                    boxValues: (a, b, c), compressed: nil,
                                    coordinateOffset: fixedSize, frameSize: 0)
        if Int(atoms) <= uncompressedAtomLimit {
            header.frameSize = fixedSize + 12 * Int(atoms)
        } else {
            let precision = decoder.float()
            let minimum = SIMD3(decoder.int32(), decoder.int32(), decoder.int32())
            let maximum = SIMD3(decoder.int32(), decoder.int32(), decoder.int32())
            let smallIndex = decoder.int32()
            let byteCount = magicNumber == largeMagic ? decoder.int64() : Int64(decoder.int32())
            guard !decoder.overran else {
                throw XDRProblem("the file ends inside a frame header (\(fileRemaining) bytes left)")
            }
            guard byteCount >= 0, byteCount <= fileRemaining else {
                throw XDRProblem("the compressed size \(byteCount) bytes points past the end of the file (\(fileRemaining) bytes left from the frame start)")
            }
            // Every atom costs at least 2 bits (a 1-bit first atom and its run flag, or a 9-bit run
            // member), so a larger count is corrupt; checking it bounds what a reader allocates.
            guard Int64(atoms) <= 4 * byteCount else {
                throw XDRProblem("the frame claims \(atoms) atoms but holds only \(byteCount) compressed bytes")
            }
            header.coordinateOffset = decoder.offset
            header.compressed = XTCCompressedHeader(precision: precision, minimum: minimum, maximum: maximum,
                                                    smallIndex: smallIndex, byteCount: Int(byteCount))
            header.frameSize = decoder.offset + XDR.padded(Int(byteCount))
        }
        guard Int64(header.frameSize) <= fileRemaining else {
            throw XDRProblem("the file ends inside the frame: it needs \(header.frameSize) bytes, \(fileRemaining) are left (truncated file?)")
        }
        return header
    }
}
