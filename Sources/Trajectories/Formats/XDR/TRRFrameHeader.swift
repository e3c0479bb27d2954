/// The header of one TRR frame (GROMACS trrio):
///
///     int magic (1993), int version-string size (13), XDR string "GMX_trn_file",
///     int ir_size, e_size, box_size, vir_size, pres_size, top_size, sym_size, x_size, v_size, f_size,
///     int natoms, int step, int nre, real t, real lambda
///
/// followed by the blocks whose size is non-zero, in the order box, virial, pressure, x, v, f
/// (reals, rows of three). `real` is Float32 or Float64: the precision is not stored, it follows
/// from the block sizes (box_size / 9, else x_size / (3 natoms), ...).
struct TRRFrameHeader {
    static let magic: Int32 = 1993
    static let version = "GMX_trn_file"
    /// Enough bytes for any header this reader accepts (version strings up to 128 bytes).
    static let maximumSize = 12 + 128 + 13 * 4 + 16
    static let longestVersion = 128

    /// Bytes per real: 4 (single precision) or 8 (double).
    var realSize: Int
    var atomCount: Int
    var step: Int32
    var time: Double
    var lambda: Double
    var boxSize: Int
    var virialSize: Int
    var pressureSize: Int
    var positionSize: Int
    var velocitySize: Int
    var forceSize: Int
    /// Bytes of the header itself; the blocks follow.
    var headerSize: Int

    var hasBox: Bool { boxSize > 0 }
    var hasPositions: Bool { positionSize > 0 }
    var hasVelocities: Bool { velocitySize > 0 }
    var hasForces: Bool { forceSize > 0 }
    var isDoublePrecision: Bool { realSize == 8 }

    /// Offsets of the blocks from the frame start.
    var boxOffset: Int { headerSize }
    var positionOffset: Int { headerSize + boxSize + virialSize + pressureSize }
    var velocityOffset: Int { positionOffset + positionSize }
    var forceOffset: Int { velocityOffset + velocitySize }
    var frameSize: Int { forceOffset + forceSize }

    /// Parses the header at the start of `bytes` (`available` in memory, `fileRemaining` left in the
    /// file from the frame start); checks every block size and that the frame fits in the file.
    static func parse(_ bytes: UnsafeRawPointer, available: Int, fileRemaining: Int64) throws(XDRProblem)
        -> TRRFrameHeader {
        var decoder = XDRDecoder(bytes, count: available)
        let magicNumber = decoder.int32()
        guard !decoder.overran else { throw XDRProblem("the file ends inside a frame header") }
        guard magicNumber == magic else {
            throw XDRProblem("bad magic number \(magicNumber) where a TRR frame starts (expected \(magic)); not a TRR file, or a corrupt frame")
        }
        _ = decoder.int32() // the string's size including its terminating zero
        let versionLength = Int(decoder.int32())
        guard versionLength >= 0, versionLength <= longestVersion else {
            throw XDRProblem("the version string claims \(versionLength) bytes")
        }
        decoder.skipOpaque(versionLength)
        var sizes = [Int]()
        for _ in 0 ..< 10 { sizes.append(Int(decoder.int32())) }
        let atoms = Int(decoder.int32())
        let step = decoder.int32()
        _ = decoder.int32() // nre, unused since GROMACS 3
        guard !decoder.overran else { throw XDRProblem("the file ends inside a frame header") }

        let names = ["ir", "e", "box", "virial", "pressure", "top", "sym", "x", "v", "f"]
        for (name, size) in zip(names, sizes) where size < 0 {
            throw XDRProblem("negative size \(size) of the \(name) block")
        }
        guard atoms >= 0 else { throw XDRProblem("negative atom count \(atoms)") }
        for (name, size) in zip(names, sizes) where ["ir", "e", "top", "sym"].contains(name) && size != 0 {
            throw XDRProblem(.unsupported, "the frame has a \(name) block (\(size) bytes), which GROMACS stopped writing and reading long ago")
        }
        let (box, virial, pressure, x, v, f) = (sizes[2], sizes[3], sizes[4], sizes[7], sizes[8], sizes[9])
        let vectorBlock = atoms * 3
        let realSize: Int
        if box > 0 { realSize = box / 9 }
        else if x > 0, vectorBlock > 0 { realSize = x / vectorBlock }
        else if v > 0, vectorBlock > 0 { realSize = v / vectorBlock }
        else if f > 0, vectorBlock > 0 { realSize = f / vectorBlock }
        else {
            throw XDRProblem("the frame has no box, positions, velocities or forces, so its precision cannot be told")
        }
        guard realSize == 4 || realSize == 8 else {
            throw XDRProblem("block sizes fit neither single nor double precision (box \(box), x \(x), v \(v), f \(f) bytes for \(atoms) atoms)")
        }
        for (name, size, expected) in [("box", box, 9), ("virial", virial, 9), ("pressure", pressure, 9),
                                       ("position", x, vectorBlock), ("velocity", v, vectorBlock),
                                       ("force", f, vectorBlock)] where size != 0 && size != expected * realSize {
            throw XDRProblem("the \(name) block has \(size) bytes; \(atoms) atoms in \(realSize == 8 ? "double" : "single") precision need \(expected * realSize)")
        }
        let time = realSize == 8 ? decoder.double() : Double(decoder.float())
        let lambda = realSize == 8 ? decoder.double() : Double(decoder.float())
        guard !decoder.overran else { throw XDRProblem("the file ends inside a frame header") }
        guard time.isFinite else { throw XDRProblem(.nonFinite, "the frame time is not a finite number") }
        let header = TRRFrameHeader(realSize: realSize, atomCount: atoms, step: step, time: time, lambda: lambda,
                                    boxSize: box, virialSize: virial, pressureSize: pressure, positionSize: x,
                                    velocitySize: v, forceSize: f, headerSize: decoder.offset)
        guard Int64(header.frameSize) <= fileRemaining else {
            throw XDRProblem("the frame needs \(header.frameSize) bytes but the file has \(fileRemaining) left (truncated file, or block sizes that point past its end)")
        }
        return header
    }
}
