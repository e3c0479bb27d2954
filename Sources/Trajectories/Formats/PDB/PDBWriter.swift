/// Writes PDB files: one MODEL/ENDMDL block per frame, preceded by CRYST1 when the frame has a box
/// (so that every model keeps its own cell), ATOM records for protein and nucleic residues and
/// HETATM for the rest, TER after each chain, element symbols in columns 77-78, CONECT records for
/// the bonds a reader cannot know from residue templates (bonds touching a non-standard residue,
/// and disulfides), and END.
///
/// Serial numbers count from 1 (TER takes one, as the format says) and switch to hybrid-36 above
/// 99,999 atoms, as do residue numbers above 9,999. Coordinates are %8.3f Å; a coordinate that
/// does not fit eight columns (beyond -999.999 ... 9999.999 Å) is an error, not a silent cut.
public final class PDBWriter: TrajectoryWriter {
    public let path: String
    private let atomCount: Int
    private let topology: Topology
    private let output: ColumnTextWriter
    /// Per atom, columns 1-30 (record name to insertion code) and 55-80 (occupancy to charge).
    private let atomPrefixes: [[UInt8]]
    private let atomSuffixes: [[UInt8]]
    /// TER records to write after the atom with the given index.
    private let terminators: [Int: [UInt8]]
    private let conectLines: [String]
    private var modelCount = 0
    private var closed = false

    public init(path: String, atomCount: Int, topology: Topology? = nil) throws {
        guard let topology else {
            throw TrajectoryError(.unsupported, path: path, "writing PDB needs a topology (atom and residue names)")
        }
        guard topology.atoms.count == atomCount else {
            throw TrajectoryError(.mismatch, path: path,
                                  "the topology has \(topology.atoms.count) atoms but \(atomCount) were announced")
        }
        self.path = path
        self.atomCount = atomCount
        self.topology = topology
        let layout = try PDBRecordLayout(topology: topology, path: path)
        atomPrefixes = layout.prefixes
        atomSuffixes = layout.suffixes
        terminators = layout.terminators
        conectLines = layout.conectLines
        output = try ColumnTextWriter(path: path)
        output.append("REMARK   1 CREATED WITH LSS\n")
    }

    public func write(_ chunk: FrameChunk) throws {
        try checkWritable(atomCount: chunk.atomCount)
        try chunk.positions.withUnsafeBufferPointer { positions in
            for frame in 0 ..< chunk.frameCount {
                let base = frame * atomCount * 3
                try writeModel(box: chunk.boxes?[frame]) { atom in
                    SIMD3(Double(positions[base + 3 * atom]), Double(positions[base + 3 * atom + 1]),
                          Double(positions[base + 3 * atom + 2]))
                }
            }
        }
    }

    public func write(_ frame: Frame) throws {
        try checkWritable(atomCount: frame.atomCount)
        try writeModel(box: frame.box) { frame.positions[$0] }
    }

    public func close() throws {
        guard !closed else { return }
        closed = true
        for line in conectLines { output.append(line) }
        output.append("END\n")
        try output.finish()
    }

    // MARK: - Records

    private func writeModel(box: Box?, position: (Int) -> SIMD3<Double>) throws {
        let frame = modelCount
        modelCount += 1
        if let box { try writeCrystal(box, frame: frame) }
        output.append("MODEL     \(String(modelCount).leftPadded(to: 4))\n")
        for atom in 0 ..< atomCount {
            let angstrom = position(atom) * 10
            output.buffer.append(contentsOf: atomPrefixes[atom])
            for axis in 0 ..< 3 {
                let value = angstrom[axis]
                guard value.isFinite else {
                    throw TrajectoryError(.nonFinite, path: path, frame: frame,
                                          "atom \(atom + 1) has a non-finite coordinate")
                }
                guard FixedDecimalFormatter.append(value, width: 8, decimals: 3, to: &output.buffer) else {
                    throw TrajectoryError(.unsupported, path: path, frame: frame,
                                          "atom \(atom + 1): coordinate \(value) Å does not fit PDB's 8 columns (-999.999 to 9999.999 Å)")
                }
            }
            output.buffer.append(contentsOf: atomSuffixes[atom])
            if let ter = terminators[atom] { output.buffer.append(contentsOf: ter) }
            try output.flushIfLarge()
        }
        output.append("ENDMDL\n")
    }

    private func writeCrystal(_ box: Box, frame: Int) throws {
        let lengths = box.lengths * 10, angles = box.angles
        output.append("CRYST1")
        for value in [lengths.x, lengths.y, lengths.z] {
            guard FixedDecimalFormatter.append(value, width: 9, decimals: 3, to: &output.buffer) else {
                throw TrajectoryError(.unsupported, path: path, frame: frame,
                                      "box length \(value) Å does not fit CRYST1's 9 columns")
            }
        }
        for value in [angles.x, angles.y, angles.z] {
            guard FixedDecimalFormatter.append(value, width: 7, decimals: 2, to: &output.buffer) else {
                throw TrajectoryError(.unsupported, path: path, frame: frame, "box angle \(value) is not writable")
            }
        }
        output.append(" P 1           1\n")
    }

    private func checkWritable(atomCount count: Int) throws {
        guard !closed else { throw TrajectoryError(.io, path: path, "the writer was closed") }
        guard count == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: modelCount,
                                  "the frame has \(count) atoms; the file has \(atomCount)")
        }
    }
}

/// The fixed parts of every atom record, computed once from the topology.
struct PDBRecordLayout {
    var prefixes: [[UInt8]] = []
    var suffixes: [[UInt8]] = []
    var terminators: [Int: [UInt8]] = [:]
    var conectLines: [String] = []

    static let chainLetters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    init(topology: Topology, path: String) throws {
        var serials = [String](repeating: "", count: topology.atoms.count)
        var nextSerial = 1
        let lastAtomOfChain = Self.lastAtoms(of: topology)
        func serialText(_ value: Int) throws -> String {
            guard let text = Hybrid36.encode(value, width: 5) else {
                throw TrajectoryError(.unsupported, path: path, "atom serial \(value) is beyond PDB's hybrid-36 range")
            }
            return text
        }
        // Columns 18-30 and the record name are the same for every atom of a residue.
        var residueColumns: [[UInt8]] = []
        var residueRecords: [[UInt8]] = []
        for (index, residue) in topology.residues.enumerated() {
            let chainIndex = residue.chainIndex
            let chain = topology.chains[chainIndex]
            let chainID = chain.id.count == 1 ? chain.id : String(Self.chainLetters[chainIndex % 26])
            guard let residueNumber = Hybrid36.encode(residue.number, width: 4) else {
                throw TrajectoryError(.unsupported, path: path,
                                      "residue \(index + 1): number \(residue.number) is beyond PDB's hybrid-36 range")
            }
            var columns = [UInt8]()
            columns.reserveCapacity(13)
            let residueName = String(residue.name.prefix(4))
            if residueName.count <= 3 {
                FixedDecimalFormatter.appendRight(residueName, width: 3, to: &columns)
                columns.append(ColumnFields.space)
            } else {
                FixedDecimalFormatter.appendLeft(residueName, width: 4, to: &columns)
            }
            FixedDecimalFormatter.appendLeft(chainID, width: 1, to: &columns)
            columns += Array(residueNumber.utf8)
            FixedDecimalFormatter.appendLeft(String(residue.insertionCode.prefix(1)), width: 1, to: &columns)
            columns += Array("   ".utf8)
            residueColumns.append(columns)
            let isStandard = StandardResidues.isProtein(residue.name) || StandardResidues.isNucleic(residue.name)
            residueRecords.append(Array((isStandard ? "ATOM  " : "HETATM").utf8))
        }
        let segmentColumns = topology.chains.map { chain -> [UInt8] in
            var columns = Array("  1.00  0.00      ".utf8)
            FixedDecimalFormatter.appendLeft(String(chain.segmentID.prefix(4)), width: 4, to: &columns)
            return columns
        }

        prefixes.reserveCapacity(topology.atoms.count)
        suffixes.reserveCapacity(topology.atoms.count)
        for (index, atom) in topology.atoms.enumerated() {
            let residue = topology.residues[atom.residueIndex]
            let serial = try serialText(nextSerial)
            serials[index] = serial
            nextSerial += 1

            var prefix = residueRecords[atom.residueIndex]
            prefix.reserveCapacity(30)
            prefix += Array(serial.utf8)
            prefix.append(ColumnFields.space)
            FixedDecimalFormatter.appendLeft(Self.alignedName(atom), width: 4, to: &prefix)
            prefix.append(ColumnFields.space)  // alternate location
            prefix += residueColumns[atom.residueIndex]
            prefixes.append(prefix)

            var suffix = segmentColumns[residue.chainIndex]
            FixedDecimalFormatter.appendRight((atom.element?.symbol ?? "").uppercased(), width: 2, to: &suffix)
            suffix += Array(Self.chargeText(atom.charge).utf8)
            suffix.append(0x0A)
            suffixes.append(suffix)

            if lastAtomOfChain.contains(index) {
                var ter = Array("TER   ".utf8)
                ter += Array(try serialText(nextSerial).utf8)
                nextSerial += 1
                ter += Array("      ".utf8)
                // Columns 18-27 of the last residue: name, chain, number, insertion code.
                ter += residueColumns[atom.residueIndex].prefix(10)
                ter += Array("\n".utf8)
                terminators[index] = ter
            }
        }
        conectLines = Self.conectRecords(topology: topology, serials: serials)
    }

    /// PDB alignment: element symbols of one letter sit in column 14, so names shorter than four
    /// characters start there; four-character names and two-letter elements start in column 13.
    static func alignedName(_ atom: Topology.Atom) -> String {
        let name = String(atom.name.prefix(4))
        let oneLetterElement = (atom.element?.symbol.count ?? 1) < 2
        if name.count < 4, name.first?.isLetter == true, oneLetterElement { return " " + name }
        return name
    }

    /// Columns 79-80: an integral charge as "1+"/"2-", blank otherwise.
    static func chargeText(_ charge: Double?) -> String {
        guard let charge, charge != 0, charge == charge.rounded(), abs(charge) <= 9 else { return "  " }
        return "\(Int(abs(charge)))\(charge < 0 ? "-" : "+")"
    }

    private static func lastAtoms(of topology: Topology) -> Set<Int> {
        var last: [Int: Int] = [:]
        for (index, atom) in topology.atoms.enumerated() {
            last[topology.residues[atom.residueIndex].chainIndex] = index
        }
        return Set(last.values)
    }

    /// CONECT for bonds touching a residue outside the protein/nucleic/water templates, and for
    /// disulfide bonds; each atom's record lists up to four partners, continued on more records.
    private static func conectRecords(topology: Topology, serials: [String]) -> [String] {
        func isTemplated(_ atom: Int) -> Bool {
            let name = topology.residues[topology.atoms[atom].residueIndex].name
            return StandardResidues.isPolymerOrWater(name)
        }
        func isDisulfide(_ bond: Topology.Bond) -> Bool {
            let (a, b) = (topology.atoms[bond.first], topology.atoms[bond.second])
            return a.name == "SG" && b.name == "SG" && a.residueIndex != b.residueIndex
        }
        var partners: [Int: [Int]] = [:]
        for bond in topology.bonds where !isTemplated(bond.first) || !isTemplated(bond.second) || isDisulfide(bond) {
            partners[bond.first, default: []].append(bond.second)
            partners[bond.second, default: []].append(bond.first)
        }
        var lines: [String] = []
        for atom in partners.keys.sorted() {
            let bonded = partners[atom, default: []].sorted()
            for start in stride(from: 0, to: bonded.count, by: 4) {
                let group = bonded[start ..< min(start + 4, bonded.count)]
                lines.append("CONECT" + serials[atom] + group.map { serials[$0] }.joined() + "\n")
            }
        }
        return lines
    }
}

fileprivate extension String {
    /// The string right-aligned in `width` columns (not cut when longer).
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
