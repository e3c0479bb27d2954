/// The PDB record types lss reads, told apart by their first columns.
enum PDBRecordKind {
    case atom, model, endModel, end, ter, cryst1, conect, other

    static func of(_ line: LineBytes) -> PDBRecordKind {
        guard line.count >= 3 else { return .other }
        switch line[0] {
        case UInt8(ascii: "A"):
            return ColumnFields.hasPrefix(line, "ATOM  ") || (line.count == 4 && ColumnFields.hasPrefix(line, "ATOM"))
                ? .atom : .other
        case UInt8(ascii: "H"):
            return ColumnFields.hasPrefix(line, "HETATM") ? .atom : .other
        case UInt8(ascii: "M"):
            return ColumnFields.hasPrefix(line, "MODEL") ? .model : .other
        case UInt8(ascii: "E"):
            if ColumnFields.hasPrefix(line, "ENDMDL") { return .endModel }
            // "END" alone or followed by blanks; not ENDBRANCH/ENDROOT of other dialects.
            if ColumnFields.hasPrefix(line, "END") && ColumnFields.isBlank(line, 3, line.count) { return .end }
            return .other
        case UInt8(ascii: "T"):
            return ColumnFields.hasPrefix(line, "TER") && (line.count == 3 || ColumnFields.isSpace(line[3]))
                ? .ter : .other
        case UInt8(ascii: "C"):
            if ColumnFields.hasPrefix(line, "CRYST1") { return .cryst1 }
            if ColumnFields.hasPrefix(line, "CONECT") { return .conect }
            return .other
        default:
            return .other
        }
    }
}

/// Field decoding for PDB records (columns as in the wwPDB format guide, zero-based here).
enum PDBRecords {
    /// Coordinates end at column 54; a shorter ATOM/HETATM line is truncated.
    static let minimumAtomLineLength = 54

    /// The x, y, z of an ATOM/HETATM line in Å.
    @inline(__always)
    static func coordinates(_ line: LineBytes, path: String, lineNumber: Int, frame: Int) throws -> SIMD3<Double> {
        guard line.count >= minimumAtomLineLength else {
            throw TrajectoryError(.malformed, path: path, frame: frame,
                                  "line \(lineNumber): the atom record is truncated (\(line.count) columns; the coordinates need columns 31-54)")
        }
        guard let x = ColumnFields.double(line, 30, 38), let y = ColumnFields.double(line, 38, 46),
              let z = ColumnFields.double(line, 46, 54), x.isFinite, y.isFinite, z.isFinite else {
            for (from, to) in [(30, 38), (38, 46), (46, 54)] where ColumnFields.spellsNonFinite(line, from, to) {
                throw TrajectoryError(.nonFinite, path: path, frame: frame,
                                      "line \(lineNumber): coordinate '\(ColumnFields.text(line, from, to))' is not finite")
            }
            throw TrajectoryError(.malformed, path: path, frame: frame,
                                  "line \(lineNumber): the coordinates in columns 31-54 ('\(ColumnFields.rawText(line, 30, 54))') are not three numbers")
        }
        return SIMD3(x, y, z)
    }

    /// The unit cell of a CRYST1 record in nm, or nil for a degenerate cell.
    static func box(_ line: LineBytes, path: String, lineNumber: Int) throws -> Box? {
        let fields = [(6, 15), (15, 24), (24, 33), (33, 40), (40, 47), (47, 54)]
        var values: [Double] = []
        for (from, to) in fields {
            guard let value = ColumnFields.double(line, from, to), value.isFinite else {
                throw TrajectoryError(.malformed, path: path,
                                      "line \(lineNumber): CRYST1 needs a, b, c, alpha, beta, gamma in columns 7-54; found '\(ColumnFields.rawText(line, 6, 54))'")
            }
            values.append(value)
        }
        guard values[0] > 0, values[1] > 0, values[2] > 0,
              values[3 ... 5].allSatisfy({ $0 > 0 && $0 < 180 }) else { return nil }
        let box = Box(lengths: SIMD3(values[0], values[1], values[2]) / 10, angles: SIMD3(values[3], values[4], values[5]))
        return box.isValid ? box : nil
    }

    /// Drops boxes that cannot be a simulation cell: the PDB's 1 Å placeholder for structures
    /// without one, recognized as MDTraj does by a density above 1000 atoms per nm³.
    static func plausible(_ box: Box?, atomCount: Int) -> Box? {
        guard let box, box.volume > 0 else { return nil }
        return Double(atomCount) / box.volume > 1000 ? nil : box
    }

    /// The serial numbers of a CONECT record: the atom, then up to four bonded atoms.
    static func conectSerials(_ line: LineBytes) -> [Int] {
        stride(from: 6, to: 31, by: 5).compactMap { from -> Int? in
            guard !ColumnFields.isBlank(line, from, from + 5) else { return nil }
            return Hybrid36.decode(ColumnFields.rawText(line, from, from + 5), width: 5)
        }
    }

    /// The atom name of columns 13-16 without blanks, packed into an integer for quick comparison.
    @inline(__always)
    static func packedName(_ line: LineBytes) -> UInt32 {
        var packed: UInt32 = 0
        for column in 12 ..< max(12, min(16, line.count)) where !ColumnFields.isSpace(line[column]) {
            packed = packed << 8 | UInt32(line[column])
        }
        return packed
    }

    static func packedName(_ name: String) -> UInt32 {
        var packed: UInt32 = 0
        for byte in name.utf8.prefix(4) where byte != ColumnFields.space { packed = packed << 8 | UInt32(byte) }
        return packed
    }

    /// A formal charge as written in columns 79-80 ("2+", "1-", also "+2"), in e.
    static func formalCharge(_ line: LineBytes) -> Double? {
        let text = ColumnFields.text(line, 78, 80)
        guard !text.isEmpty else { return nil }
        if let value = Int(text) { return Double(value) }
        if let value = Int(String(text.reversed())) { return Double(value) }
        return nil
    }
}

/// Keeps the first alternate location of each atom and drops the others, as MDTraj does: within a
/// residue, a record whose name was already seen with a different alternate-location indicator is
/// another position of that atom. A repeated name with the same indicator is a new atom.
struct PDBAlternateLocationFilter {
    private var residueColumns = [UInt8](repeating: 0, count: 27)
    private var haveResidue = false
    private var names: [UInt32] = []
    /// Indicators seen per name, as a bit set over the printable ASCII range.
    private var seen: [(UInt64, UInt64)] = []

    mutating func reset() {
        haveResidue = false
        names.removeAll(keepingCapacity: true)
        seen.removeAll(keepingCapacity: true)
    }

    mutating func keep(_ line: LineBytes) -> Bool {
        let indicator = line.count > 16 ? line[16] : ColumnFields.space
        let sameSite = haveResidue && ColumnFields.sameColumns(line, residueColumns, 21, 27)
        let sameName = haveResidue && ColumnFields.sameColumns(line, residueColumns, 17, 21)
        if !sameSite || (!sameName && indicator == ColumnFields.space) {
            for column in 17 ..< 27 { residueColumns[column] = column < line.count ? line[column] : ColumnFields.space }
            haveResidue = true
            names.removeAll(keepingCapacity: true)
            seen.removeAll(keepingCapacity: true)
        }
        let name = PDBRecords.packedName(line)
        let bit = indicator >= 64 ? (UInt64(0), UInt64(1) << UInt64((indicator - 64) & 63))
                                  : (UInt64(1) << UInt64(indicator & 63), UInt64(0))
        if let existing = names.lastIndex(of: name) {
            let mask = seen[existing]
            if (mask.0 & bit.0) == 0 && (mask.1 & bit.1) == 0 {
                seen[existing] = (mask.0 | bit.0, mask.1 | bit.1)
                return false
            }
            // The same name and indicator again: a new atom, which in practice starts a new residue
            // whose number the file could not show ("****"). Starting afresh keeps the scan short.
            names.removeAll(keepingCapacity: true)
            seen.removeAll(keepingCapacity: true)
        }
        names.append(name)
        seen.append(bit)
        return true
    }
}
