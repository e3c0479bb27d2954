/// Facts of the DCD format that the reader and the writer share.
///
/// A DCD file is a sequence of Fortran unformatted records: each record's payload is framed by a
/// 4-byte length marker before and after it. The byte order is whatever the writing machine used,
/// so it is detected from the first marker, which is always 84 (the header record's length).
///
/// Header records:
///  1. 84 bytes: "CORD", then 20 32-bit integers ICNTRL. ICNTRL[0] NSET (frames), [1] ISTART (step
///     of the first frame), [2] NSAVC (steps between frames), [3] NSTEP (last step), [8] NAMNF (fixed
///     atoms), [9] DELTA (the MD time step in AKMA units), [10] unit-cell flag, [11] 4-D flag,
///     [19] CHARMM version. A non-zero version marks the CHARMM flavour, in which DELTA is a 32-bit
///     float; without it the file is X-PLOR's, where DELTA is a 64-bit float over ICNTRL[9...10] and
///     the flags do not exist. NAMD (2.1 and later), OpenMM, MDTraj, VMD and LAMMPS all write the
///     CHARMM flavour with version 24.
///  2. Title: a 32-bit count and that many 80-character lines.
///  3. 4 bytes: the atom count.
///  4. Only when NAMNF > 0: the 1-based indices of the NATOM − NAMNF free (moving) atoms.
///
/// Each frame: an optional unit-cell record of six doubles (see `DCDUnitCell`), then the x, y and z
/// records of 32-bit floats in Å. With fixed atoms, the first frame holds every atom and the later
/// frames only the free ones.
enum DCDFormat {
    /// One AKMA time unit (CHARMM's internal unit, Å·√(amu/(kcal/mol))) in ps: 48.88821 fs.
    static let akmaTimeInPicoseconds = 0.04888821
    static let headerRecordLength = 84
    static let unitCellRecordLength = 48
    static let hostIsLittleEndian = 1.littleEndian == 1
}

/// The parsed header of a DCD file and the layout of its frames.
struct DCDHeader {
    enum Flavour: Equatable {
        /// CHARMM-style header (also NAMD, OpenMM, MDTraj, LAMMPS), with its version number.
        case charmm(version: Int)
        /// X-PLOR: no version, 64-bit DELTA, no unit cell.
        case xplor
    }

    var isBigEndian: Bool
    var flavour: Flavour
    /// NSET as written; 0 when the writer never updated it.
    var framesInHeader: Int
    /// ISTART: MD step of the first frame.
    var firstStep: Int
    /// NSAVC: MD steps between frames.
    var stepsBetweenFrames: Int
    /// DELTA: the MD time step in AKMA time units.
    var timeStepAKMA: Double
    var hasUnitCell: Bool
    var atomCount: Int
    /// Zero-based indices of the free atoms when the file has fixed atoms (NAMNF > 0), else nil.
    var freeAtoms: [Int]?
    var titles: [String]
    /// Byte offset of the first frame.
    var firstFrameOffset: Int

    /// True when the bytes must be reversed to read numbers on this machine.
    var needsSwap: Bool { isBigEndian == DCDFormat.hostIsLittleEndian }

    /// Size in bytes of a frame that stores `atoms` atoms.
    func frameSize(atoms: Int) -> Int {
        (hasUnitCell ? DCDFormat.unitCellRecordLength + 8 : 0) + 3 * (8 + 4 * atoms)
    }

    /// Size of frame 0 (all atoms) and of every later frame (only the free atoms with fixed atoms).
    var firstFrameSize: Int { frameSize(atoms: atomCount) }
    var laterFrameSize: Int { frameSize(atoms: freeAtoms?.count ?? atomCount) }

    /// Byte offset of frame `index` (which may be one past the last frame).
    func offset(ofFrame index: Int) -> Int {
        index == 0 ? firstFrameOffset : firstFrameOffset + firstFrameSize + (index - 1) * laterFrameSize
    }

    /// Number of complete frames in a file of `fileSize` bytes.
    func completeFrames(inFileOfSize fileSize: Int) -> Int {
        let payload = fileSize - firstFrameOffset
        guard payload >= firstFrameSize else { return 0 }
        return 1 + (payload - firstFrameSize) / laterFrameSize
    }
}

extension DCDHeader {
    /// Reads and validates the header records of `file`.
    static func read(from file: PositionalFile) throws -> DCDHeader {
        let path = file.path
        let fileSize = try file.size()
        func malformed(_ problem: String) -> TrajectoryError { TrajectoryError(.malformed, path: path, problem) }

        var scratch = [UInt8]()
        guard fileSize >= 4, try file.readExactly(into: &scratch, count: 4, at: 0) else {
            throw malformed("not a DCD file: it is \(fileSize) bytes long, too short for a header")
        }
        let firstMarker = scratch.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        let isBigEndian: Bool
        if UInt32(littleEndian: firstMarker) == UInt32(DCDFormat.headerRecordLength) {
            isBigEndian = false
        } else if UInt32(bigEndian: firstMarker) == UInt32(DCDFormat.headerRecordLength) {
            isBigEndian = true
        } else {
            throw malformed("not a DCD file: the first record marker is \(UInt32(littleEndian: firstMarker)) "
                + "(little-endian) / \(UInt32(bigEndian: firstMarker)) (big-endian); a DCD header record is 84 bytes "
                + "(64-bit record markers are not supported)")
        }
        var records = DCDRecordCursor(file: file, fileSize: fileSize, isBigEndian: isBigEndian)

        // Record 1: "CORD" and ICNTRL.
        let control = try records.next(what: "header record", expectedLength: DCDFormat.headerRecordLength)
        let magic = String(decoding: control[0 ..< 4], as: UTF8.self)
        if magic == "VELD" { throw TrajectoryError(.unsupported, path: path, "a velocity DCD (VELD) is not a trajectory of positions") }
        guard magic == "CORD" else { throw malformed("not a DCD file: the header starts with \"\(magic)\", expected \"CORD\"") }
        let order = DCDByteOrder(isBigEndian: isBigEndian)
        let icntrl: [Int] = control.withUnsafeBytes { bytes in
            (0 ..< 20).map { Int(order.int32(bytes, at: 4 + 4 * $0)) }
        }
        let version = icntrl[19]
        let flavour: Flavour = version != 0 ? .charmm(version: version) : .xplor
        let delta: Double = control.withUnsafeBytes { bytes in
            version != 0 ? Double(order.float32(bytes, at: 4 + 36)) : order.float64(bytes, at: 4 + 36)
        }
        let hasUnitCell = version != 0 && icntrl[10] != 0
        if version != 0 && icntrl[11] != 0 {
            throw TrajectoryError(.unsupported, path: path, "a 4-D DCD (CHARMM's fourth dimension) is not supported")
        }
        guard icntrl[0] >= 0 else { throw malformed("the header's frame count (NSET) is negative: \(icntrl[0])") }
        let fixedCount = icntrl[8]

        // Record 2: titles.
        let titleRecord = try records.next(what: "title record", expectedLength: nil)
        guard titleRecord.count >= 4 else { throw malformed("the title record is \(titleRecord.count) bytes, too short") }
        let titleCount = titleRecord.withUnsafeBytes { Int(order.int32($0, at: 0)) }
        var titles: [String] = []
        if titleCount >= 0, titleRecord.count == 4 + 80 * titleCount {
            titles = (0 ..< titleCount).map { line in
                let bytes = titleRecord[(4 + 80 * line) ..< (4 + 80 * (line + 1))].prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self).trimmingTrailingSpaces()
            }
        }

        // Record 3: atom count.
        let atomRecord = try records.next(what: "atom-count record", expectedLength: 4)
        let atomCount = atomRecord.withUnsafeBytes { Int(order.int32($0, at: 0)) }
        guard atomCount > 0 else { throw malformed("the header's atom count is \(atomCount)") }

        // Record 4: free atoms, only with fixed atoms.
        var freeAtoms: [Int]?
        if fixedCount != 0 {
            guard fixedCount > 0, fixedCount < atomCount else {
                throw malformed("the header's fixed-atom count (NAMNF) \(fixedCount) is impossible for \(atomCount) atoms")
            }
            let freeCount = atomCount - fixedCount
            let freeRecord = try records.next(what: "free-atom index record", expectedLength: 4 * freeCount)
            let indices: [Int] = freeRecord.withUnsafeBytes { bytes in
                (0 ..< freeCount).map { Int(order.int32(bytes, at: 4 * $0)) - 1 }
            }
            if let bad = indices.first(where: { $0 < 0 || $0 >= atomCount }) {
                throw malformed("free-atom index \(bad + 1) is outside 1...\(atomCount)")
            }
            freeAtoms = indices
        }

        return DCDHeader(isBigEndian: isBigEndian, flavour: flavour, framesInHeader: icntrl[0],
                         firstStep: icntrl[1], stepsBetweenFrames: icntrl[2], timeStepAKMA: delta,
                         hasUnitCell: hasUnitCell, atomCount: atomCount, freeAtoms: freeAtoms, titles: titles,
                         firstFrameOffset: records.offset)
    }
}

/// Walks the header's Fortran records, checking that both markers agree and fit in the file
/// before anything is allocated.
struct DCDRecordCursor {
    let file: PositionalFile
    let fileSize: Int
    let order: DCDByteOrder
    private(set) var offset = 0

    init(file: PositionalFile, fileSize: Int, isBigEndian: Bool) {
        self.file = file
        self.fileSize = fileSize
        order = DCDByteOrder(isBigEndian: isBigEndian)
    }

    mutating func next(what: String, expectedLength: Int?) throws -> [UInt8] {
        let path = file.path
        var marker = [UInt8]()
        guard offset + 4 <= fileSize, try file.readExactly(into: &marker, count: 4, at: offset) else {
            throw TrajectoryError(.malformed, path: path, "the file ends before the \(what) (truncated header)")
        }
        let length = marker.withUnsafeBytes { Int(order.int32($0, at: 0)) }
        if let expectedLength, length != expectedLength {
            throw TrajectoryError(.malformed, path: path, "the \(what) is \(length) bytes, expected \(expectedLength)")
        }
        guard length >= 0, length <= fileSize - offset - 8 else {
            throw TrajectoryError(.malformed, path: path,
                                  "the \(what) claims \(length) bytes, more than the file holds (truncated header)")
        }
        var record = [UInt8]()
        _ = try file.readExactly(into: &record, count: length + 4, at: offset + 4)
        let closing = record.withUnsafeBytes { Int(order.int32($0, at: length)) }
        guard closing == length else {
            throw TrajectoryError(.malformed, path: path,
                                  "the \(what)'s closing marker is \(closing), its opening marker \(length)")
        }
        offset += length + 8
        return Array(record[0 ..< length])
    }
}

/// Numbers in a DCD file's byte order, loaded from unaligned bytes.
struct DCDByteOrder {
    let swap: Bool
    init(isBigEndian: Bool) { swap = isBigEndian == DCDFormat.hostIsLittleEndian }

    @inline(__always) func uint32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return swap ? raw.byteSwapped : raw
    }
    @inline(__always) func int32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int32 {
        Int32(bitPattern: uint32(bytes, at: offset))
    }
    @inline(__always) func float32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Float {
        Float(bitPattern: uint32(bytes, at: offset))
    }
    @inline(__always) func float64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Double {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return Double(bitPattern: swap ? raw.byteSwapped : raw)
    }
}

fileprivate extension String {
    func trimmingTrailingSpaces() -> String {
        var view = Substring(self)
        while let last = view.last, last == " " || last == "\0" { view = view.dropLast() }
        return String(view)
    }
}
