/// CHARMM/NAMD/X-PLOR protein structure files (PSF): the topology part.
///
/// The header line `PSF` may carry flags: EXT (wide columns), CMAP, CHEQ, XPLOR (atom types as
/// names rather than numbers), DRUDE. Then come sections, each opened by a count and a `!NAME`
/// tag: !NTITLE (title lines), !NATOM (one line per atom: id, segment, residue id, residue name,
/// atom name, type, charge, mass, and more columns that lss ignores), !NBOND (atom-number pairs,
/// four pairs per line). Later sections (angles, dihedrals, ...) are not needed for a topology.
///
/// Atom lines are read by the fixed columns of the header's flavour (CHARMM's
/// I8,1X,A4,1X,A4,1X,A4,1X,A4,1X,A4 or EXT's I10,1X,A8,1X,A8,1X,A8,1X,A8,1X,A6 for the first six
/// fields, which keeps blank segment names), and by whitespace when the columns do not fit (NAMD and
/// hand-edited files); charge and mass are the two numbers after the type either way. A residue id
/// may carry an insertion code (37A). Chains follow segment ids; elements come from names and masses
/// (`ElementInference`, which agrees with MDTraj's mass rule for unmodified masses).
public enum PSFFile {
    public static func read(path: String) throws -> Topology {
        let lines = try ColumnTextReader(path: path)
        defer { lines.close() }
        var parser = PSFParser(path: path, lines: lines)
        return try parser.parse()
    }
}

/// One atom line's fields.
struct PSFAtomRecord {
    var segment: String
    var residueID: String
    var residueName: String
    var name: String
    var type: String
    var charge: Double
    var mass: Double
}

struct PSFParser {
    let path: String
    let lines: ColumnTextReader
    private var extended = false

    init(path: String, lines: ColumnTextReader) {
        self.path = path
        self.lines = lines
    }

    mutating func parse() throws -> Topology {
        guard let header = try lines.nextLine(), ColumnFields.hasPrefix(header, "PSF") else {
            throw TrajectoryError(.malformed, path: path, "line 1 must start with 'PSF'; this is not a PSF file")
        }
        let flags = Set(ColumnFields.words(header).map { ColumnFields.text(header, $0.lowerBound, $0.upperBound) })
        extended = flags.contains("EXT")

        var atoms: [PSFAtomRecord] = []
        var bondPairs: [Int] = []
        var sawAtoms = false
        while let (count, tag) = try nextSection() {
            switch tag {
            case "NTITLE":
                for _ in 0 ..< count {
                    if try lines.nextLine() == nil {
                        throw malformed("the file ends inside the title (!NTITLE declares \(count) lines)")
                    }
                }
            case "NATOM":
                atoms = try readAtoms(count)
                sawAtoms = true
            case "NBOND":
                guard sawAtoms else { throw malformed("line \(lines.lineNumber): !NBOND before !NATOM") }
                bondPairs = try readIntegers(2 * count, section: "NBOND")
                return try makeTopology(atoms, bondPairs: bondPairs)
            default:
                // A section lss does not need; everything after NBOND is skipped by returning above.
                continue
            }
        }
        guard sawAtoms else { throw malformed("no !NATOM section") }
        return try makeTopology(atoms, bondPairs: bondPairs)
    }

    // MARK: - Sections

    /// The next "count !TAG" line, or nil at the end of the file.
    private mutating func nextSection() throws -> (Int, String)? {
        while let line = try lines.nextLine() {
            let text = ColumnFields.string(line)
            // Lines outside the sections lss reads (data of skipped sections) are passed over.
            guard let bang = text.firstIndex(of: "!") else { continue }
            let countWord = text[..<bang].split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
            let tag = text[text.index(after: bang)...].prefix { $0.isLetter || $0.isNumber }
            guard let count = Int(countWord), count >= 0 else {
                throw malformed("line \(lines.lineNumber): the section !\(tag) has no count")
            }
            // No section can hold more entries than the file has bytes.
            guard Int64(count) <= lines.fileSize else {
                throw malformed("line \(lines.lineNumber): !\(tag) declares \(count) entries, more than the file can hold")
            }
            return (count, String(tag))
        }
        return nil
    }

    private mutating func readAtoms(_ count: Int) throws -> [PSFAtomRecord] {
        var atoms: [PSFAtomRecord] = []
        atoms.reserveCapacity(min(count, 1 << 20))
        for index in 0 ..< count {
            guard let line = try lines.nextLine(), !ColumnFields.isBlank(line, 0, line.count),
                  !line.contains(UInt8(ascii: "!")) else {
                throw malformed("line \(lines.lineNumber): the !NATOM section ends after \(index) of its \(count) atoms")
            }
            let record = try fixedColumns(line, expectedID: index + 1) ?? whitespaceFields(line, expectedID: index + 1)
            atoms.append(record)
        }
        return atoms
    }

    /// The atom line by the columns of its flavour, or nil when the line does not follow them.
    private func fixedColumns(_ line: LineBytes, expectedID: Int) throws -> PSFAtomRecord? {
        let fields: [(Int, Int)] = extended
            ? [(0, 10), (11, 19), (20, 28), (29, 37), (38, 46), (47, 53)]
            : [(0, 8), (9, 13), (14, 18), (19, 23), (24, 28), (29, 33)]
        guard let last = fields.last, line.count > last.1,
              ColumnFields.integer(line, fields[0].0, fields[0].1) == expectedID,
              fields.dropFirst().allSatisfy({ ColumnFields.isSpace(line[$0.0 - 1]) }) else { return nil }
        let texts = fields.dropFirst().map { ColumnFields.text(line, $0.0, $0.1) }
        guard !texts[2].isEmpty, !texts[3].isEmpty, !texts[1].isEmpty else { return nil }
        let rest = ColumnFields.words(UnsafeBufferPointer(rebasing: line[last.1...]))
        guard rest.count >= 2 else { return nil }
        let tail = UnsafeBufferPointer(rebasing: line[last.1...])
        guard let charge = ColumnFields.double(tail, rest[0].lowerBound, rest[0].upperBound),
              let mass = ColumnFields.double(tail, rest[1].lowerBound, rest[1].upperBound) else { return nil }
        return PSFAtomRecord(segment: texts[0], residueID: texts[1], residueName: texts[2], name: texts[3],
                             type: texts[4], charge: charge, mass: mass)
    }

    private func whitespaceFields(_ line: LineBytes, expectedID: Int) throws -> PSFAtomRecord {
        let words = ColumnFields.words(line).map { ColumnFields.text(line, $0.lowerBound, $0.upperBound) }
        guard words.count >= 8 else {
            throw malformed("line \(lines.lineNumber): an atom line needs id, segment, residue id, residue name, name, type, charge and mass; found '\(ColumnFields.string(line))'")
        }
        guard Int(words[0]) == expectedID else {
            throw malformed("line \(lines.lineNumber): atom id '\(words[0])' where \(expectedID) was expected (atoms must be numbered 1, 2, 3, ...)")
        }
        guard let charge = Double(words[6]), let mass = Double(words[7]), charge.isFinite, mass.isFinite else {
            throw malformed("line \(lines.lineNumber): charge '\(words[6])' and mass '\(words[7])' must be numbers")
        }
        return PSFAtomRecord(segment: words[1], residueID: words[2], residueName: words[3], name: words[4],
                             type: words[5], charge: charge, mass: mass)
    }

    private mutating func readIntegers(_ count: Int, section: String) throws -> [Int] {
        var values: [Int] = []
        values.reserveCapacity(min(count, 1 << 22))
        while values.count < count {
            guard let line = try lines.nextLine(), !ColumnFields.isBlank(line, 0, line.count),
                  !line.contains(UInt8(ascii: "!")) else {
                throw malformed("line \(lines.lineNumber): the !\(section) section ends after \(values.count) of its \(count) numbers")
            }
            for word in ColumnFields.words(line) {
                guard let value = ColumnFields.integer(line, word.lowerBound, word.upperBound) else {
                    throw malformed("line \(lines.lineNumber): '\(ColumnFields.text(line, word.lowerBound, word.upperBound))' in !\(section) is not an atom number")
                }
                values.append(value)
            }
        }
        guard values.count == count else {
            throw malformed("line \(lines.lineNumber): the !\(section) section holds \(values.count) numbers; \(count) expected")
        }
        return values
    }

    // MARK: - Topology

    private func makeTopology(_ records: [PSFAtomRecord], bondPairs: [Int]) throws -> Topology {
        var topology = Topology()
        var residueKey: (String, String, String)?
        for record in records {
            if topology.chains.last?.segmentID != record.segment || topology.chains.isEmpty {
                topology.chains.append(Topology.Chain(id: record.segment, segmentID: record.segment))
                residueKey = nil
            }
            let key = (record.segment, record.residueID, record.residueName)
            if residueKey.map({ $0 != key }) ?? true {
                let (number, code) = Self.splitResidueID(record.residueID)
                guard let number else {
                    throw malformed("residue id '\(record.residueID)' of atom \(topology.atoms.count + 1) is not a number (with an optional insertion code)")
                }
                topology.residues.append(Topology.Residue(name: record.residueName, number: number,
                                                          insertionCode: code, chainIndex: topology.chains.count - 1))
                residueKey = key
            }
            topology.atoms.append(Topology.Atom(
                name: record.name, element: nil, residueIndex: topology.residues.count - 1,
                serial: topology.atoms.count + 1, mass: record.mass, charge: record.charge, type: record.type))
        }
        var residueSizes = [Int](repeating: 0, count: topology.residues.count)
        for atom in topology.atoms { residueSizes[atom.residueIndex] += 1 }
        for index in topology.atoms.indices {
            let residue = topology.atoms[index].residueIndex
            topology.atoms[index].element = ElementInference.element(
                atomName: topology.atoms[index].name, residueName: topology.residues[residue].name,
                residueAtomCount: residueSizes[residue], mass: topology.atoms[index].mass)
        }
        for pair in 0 ..< bondPairs.count / 2 {
            let i = bondPairs[2 * pair], j = bondPairs[2 * pair + 1]
            guard i >= 1, j >= 1, i <= records.count, j <= records.count, i != j else {
                throw malformed("!NBOND: bond \(pair + 1) joins atoms \(i) and \(j); atoms are numbered 1-\(records.count)")
            }
            topology.bonds.append(Topology.Bond(i - 1, j - 1))
        }
        return topology
    }

    /// "37" → (37, ""), "37A" → (37, "A"), "-2" → (-2, "").
    static func splitResidueID(_ text: String) -> (Int?, String) {
        if let number = Int(text) { return (number, "") }
        let digits = text.prefix { $0.isNumber || $0 == "-" || $0 == "+" }
        return (Int(digits), String(text.dropFirst(digits.count)))
    }

    private func malformed(_ problem: String) -> TrajectoryError {
        TrajectoryError(.malformed, path: path, problem)
    }
}
