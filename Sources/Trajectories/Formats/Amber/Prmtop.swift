/// AMBER parameter/topology files (prmtop, parm7): the topology part.
///
/// The file is a sequence of `%FLAG NAME` sections, each with a `%FORMAT(...)` line giving a
/// Fortran edit descriptor (20a4, 10I8, 5E16.8) by which its data lines are cut into values.
/// lss reads the sections that make a topology: POINTERS (NATOM, NBONH, MBONA, NRES, IFBOX),
/// ATOM_NAME, CHARGE (stored in units of e/18.2223, as AMBER's internal charge unit), MASS,
/// ATOMIC_NUMBER, AMBER_ATOM_TYPE, RESIDUE_LABEL, RESIDUE_POINTER, BONDS_INC_HYDROGEN and
/// BONDS_WITHOUT_HYDROGEN (atom indices stored as 3 × index), BOX_DIMENSIONS, and ParmEd's
/// optional RESIDUE_NUMBER, RESIDUE_ICODE and RESIDUE_CHAINID. Old prmtops without %FLAG
/// sections (AMBER 6 and before) are refused.
///
/// Chains come from RESIDUE_CHAINID when present, else the whole system is one chain (as MDTraj
/// reads it). The box uses ParmEd's reading of BOX_DIMENSIONS (β, a, b, c): all three angles β,
/// which is exact for rectangular and truncated-octahedral cells.
public enum AmberPrmtop {
    /// AMBER stores charges multiplied by 18.2223 (so that q_i q_j / r is in kcal/mol).
    public static let chargeScale = 18.2223

    public static func read(path: String) throws -> Topology {
        let sections = try PrmtopSections(path: path)
        return try PrmtopTopologyBuilder(sections: sections, path: path).build()
    }
}

/// A Fortran edit descriptor such as 20a4 or 5E16.8: values per line, kind, field width.
struct FortranFormat: Equatable {
    enum Kind { case text, integer, real }
    var kind: Kind
    var width: Int

    /// Parses the text between the parentheses of `%FORMAT(...)`.
    init?(_ descriptor: String) {
        let text = descriptor.trimmingCharacters(in: .whitespaces)
        let letters = text.drop { $0.isNumber }
        guard let letter = letters.first else { return nil }
        switch letter {
        case "a", "A": kind = .text
        case "i", "I": kind = .integer
        case "e", "E", "f", "F", "d", "D", "g", "G": kind = .real
        default: return nil
        }
        let widthText = letters.dropFirst().prefix { $0.isNumber }
        guard let width = Int(widthText), width > 0, width <= 1024 else { return nil }
        self.width = width
    }
}

/// The sections of a prmtop that lss needs, cut into values by their formats.
struct PrmtopSections {
    enum Values {
        case text([String]), integers([Int]), reals([Double])

        var count: Int {
            switch self {
            case .text(let v): v.count
            case .integers(let v): v.count
            case .reals(let v): v.count
            }
        }
    }

    struct Section {
        var values: Values
        /// Line of the %FLAG record, for messages.
        var line: Int
    }

    static let wanted: Set<String> = [
        "POINTERS", "ATOM_NAME", "CHARGE", "MASS", "ATOMIC_NUMBER", "AMBER_ATOM_TYPE", "RESIDUE_LABEL",
        "RESIDUE_POINTER", "BONDS_INC_HYDROGEN", "BONDS_WITHOUT_HYDROGEN", "BOX_DIMENSIONS",
        "RESIDUE_NUMBER", "RESIDUE_ICODE", "RESIDUE_CHAINID",
    ]

    private(set) var sections: [String: Section] = [:]
    let fileSize: Int64

    init(path: String) throws {
        let lines = try ColumnTextReader(path: path)
        defer { lines.close() }
        fileSize = lines.fileSize
        var flag: String?, flagLine = 0
        var format: FortranFormat?
        var texts: [String] = [], integers: [Int] = [], reals: [Double] = []
        var sawFlag = false

        func store() {
            guard let flag, let format, Self.wanted.contains(flag) else { return }
            let values: Values
            switch format.kind {
            case .text: values = .text(texts)
            case .integer: values = .integers(integers)
            case .real: values = .reals(reals)
            }
            sections[flag] = Section(values: values, line: flagLine)
        }

        while let line = try lines.nextLine() {
            if line.first == UInt8(ascii: "%") {
                if ColumnFields.hasPrefix(line, "%FLAG") {
                    store()
                    flag = ColumnFields.text(line, 5, line.count)
                    flagLine = lines.lineNumber
                    format = nil
                    texts = []; integers = []; reals = []
                    sawFlag = true
                } else if ColumnFields.hasPrefix(line, "%FORMAT") {
                    let text = ColumnFields.string(line)
                    guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close,
                          let parsed = FortranFormat(String(text[text.index(after: open) ..< close])) else {
                        throw TrajectoryError(.malformed, path: path, "line \(lines.lineNumber): cannot read the Fortran format '\(text)'")
                    }
                    guard flag != nil else {
                        throw TrajectoryError(.malformed, path: path, "line \(lines.lineNumber): %FORMAT before any %FLAG")
                    }
                    format = parsed
                }
                continue  // %VERSION, %COMMENT
            }
            guard sawFlag else {
                if ColumnFields.isBlank(line, 0, line.count) { continue }
                throw TrajectoryError(.unsupported, path: path,
                                      "line \(lines.lineNumber): data before any %FLAG; this is an old-format (pre-AMBER 7) prmtop, which lss does not read (convert it with ParmEd or tleap)")
            }
            guard let flag, Self.wanted.contains(flag) else { continue }
            guard let format else {
                throw TrajectoryError(.malformed, path: path, "line \(lines.lineNumber): %FLAG \(flag) has no %FORMAT line")
            }
            if ColumnFields.isBlank(line, 0, line.count) { continue }
            // Blanks padding a line after its last value are not values (of any kind).
            var lineEnd = line.count
            while lineEnd > 0 && ColumnFields.isSpace(line[lineEnd - 1]) { lineEnd -= 1 }
            if format.kind == .text { lineEnd = min(line.count, (lineEnd + format.width - 1) / format.width * format.width) }
            var start = 0
            while start < lineEnd {
                let end = min(start + format.width, lineEnd)
                switch format.kind {
                case .text:
                    texts.append(ColumnFields.text(line, start, end))
                case .integer:
                    if !ColumnFields.isBlank(line, start, end) {
                        guard let value = ColumnFields.integer(line, start, end) else {
                            throw valueError(path, lines.lineNumber, flag, line, start, end, "an integer")
                        }
                        integers.append(value)
                    }
                case .real:
                    if !ColumnFields.isBlank(line, start, end) {
                        guard let value = ColumnFields.double(line, start, end), value.isFinite else {
                            throw valueError(path, lines.lineNumber, flag, line, start, end, "a finite number")
                        }
                        reals.append(value)
                    }
                }
                start = end
            }
        }
        store()
        guard sawFlag else {
            throw TrajectoryError(.unsupported, path: path, "no %FLAG sections: not a prmtop, or an old-format one that lss does not read")
        }
    }

    private func valueError(_ path: String, _ line: Int, _ flag: String, _ bytes: LineBytes,
                            _ from: Int, _ to: Int, _ expected: String) -> TrajectoryError {
        TrajectoryError(.malformed, path: path,
                        "line \(line): %FLAG \(flag): '\(ColumnFields.rawText(bytes, from, to))' in columns \(from + 1)-\(to) is not \(expected)")
    }

    func section(_ flag: String) -> Section? { sections[flag] }
}

/// Turns the prmtop sections into a `Topology`, checking every count against POINTERS.
struct PrmtopTopologyBuilder {
    let sections: PrmtopSections
    let path: String

    func build() throws -> Topology {
        let pointers = try integers("POINTERS", atLeast: 12)
        let atomCount = pointers[0], hydrogenBonds = pointers[2], heavyBonds = pointers[3]
        let residueCount = pointers[11], boxType = pointers.count > 27 ? pointers[27] : 0
        guard atomCount >= 0, residueCount >= 0, hydrogenBonds >= 0, heavyBonds >= 0 else {
            throw malformed("POINTERS holds a negative count")
        }
        // Every atom needs at least its four-character name in the file.
        guard Int64(atomCount) <= sections.fileSize / 4, Int64(residueCount) <= sections.fileSize / 4 else {
            throw malformed("POINTERS declares \(atomCount) atoms and \(residueCount) residues, more than the file can hold")
        }
        let names = try texts("ATOM_NAME", count: atomCount)
        let residueLabels = try texts("RESIDUE_LABEL", count: residueCount)
        let residuePointers = try integers("RESIDUE_POINTER", count: residueCount)
        let charges = try optionalReals("CHARGE", count: atomCount)
        let masses = try optionalReals("MASS", count: atomCount)
        let atomicNumbers = try optionalIntegers("ATOMIC_NUMBER", count: atomCount)
        let types = try optionalTexts("AMBER_ATOM_TYPE", count: atomCount)
        let residueNumbers = try optionalIntegers("RESIDUE_NUMBER", count: residueCount)
        let insertionCodes = try optionalTexts("RESIDUE_ICODE", count: residueCount)
        let chainIDs = try optionalTexts("RESIDUE_CHAINID", count: residueCount)

        var topology = Topology()
        var residueOfAtom = [Int](repeating: 0, count: atomCount)
        for residue in 0 ..< residueCount {
            let first = residuePointers[residue] - 1
            let end = residue + 1 < residueCount ? residuePointers[residue + 1] - 1 : atomCount
            guard first >= 0, first < end, end <= atomCount, residue > 0 || first == 0 else {
                throw malformed("RESIDUE_POINTER \(residue + 1) (\(residuePointers[residue])) does not start a non-empty run of atoms 1-\(atomCount) in order")
            }
            let chainID = chainIDs?[residue] ?? ""
            if topology.chains.last?.id != chainID || topology.chains.isEmpty {
                topology.chains.append(Topology.Chain(id: chainID))
            }
            topology.residues.append(Topology.Residue(
                name: residueLabels[residue], number: residueNumbers?[residue] ?? residue + 1,
                insertionCode: insertionCodes?[residue] ?? "", chainIndex: topology.chains.count - 1))
            for atom in first ..< end { residueOfAtom[atom] = residue }
        }
        guard residueCount > 0 || atomCount == 0 else { throw malformed("atoms without residues (NRES = 0)") }

        var residueSizes = [Int](repeating: 0, count: residueCount)
        for residue in residueOfAtom where residueCount > 0 { residueSizes[residue] += 1 }
        for atom in 0 ..< atomCount {
            let residue = residueOfAtom[atom]
            let mass = masses?[atom]
            let element: Element?
            if let atomicNumber = atomicNumbers?[atom] {
                element = atomicNumber > 0 ? Element(atomicNumber: atomicNumber) : nil
            } else {
                element = ElementInference.element(atomName: names[atom], residueName: residueLabels[residue],
                                                   residueAtomCount: residueSizes[residue], mass: mass)
            }
            topology.atoms.append(Topology.Atom(
                name: names[atom], element: element, residueIndex: residue, serial: atom + 1, mass: mass,
                charge: charges.map { $0[atom] / AmberPrmtop.chargeScale }, type: types?[atom]))
        }

        var bonds: [Topology.Bond] = []
        for (flag, count) in [("BONDS_INC_HYDROGEN", hydrogenBonds), ("BONDS_WITHOUT_HYDROGEN", heavyBonds)] {
            guard count > 0 else { continue }
            let triplets = try integers(flag, count: 3 * count)
            for bond in 0 ..< count {
                let i = triplets[3 * bond], j = triplets[3 * bond + 1]
                guard i >= 0, j >= 0, i % 3 == 0, j % 3 == 0, i / 3 < atomCount, j / 3 < atomCount, i != j else {
                    throw malformed("%FLAG \(flag): bond \(bond + 1) refers to atoms \(i) and \(j), which are not 3 × an atom index below \(atomCount)")
                }
                bonds.append(Topology.Bond(i / 3, j / 3))
            }
        }
        topology.bonds = bonds

        if boxType > 0, let dimensions = try optionalReals("BOX_DIMENSIONS", count: 4) {
            let box = Box(lengths: SIMD3(dimensions[1], dimensions[2], dimensions[3]) / 10,
                          angles: SIMD3(repeating: dimensions[0]))
            topology.box = box.isValid ? box : nil
        }
        return topology
    }

    // MARK: - Sections with checked sizes

    private func values(_ flag: String) throws -> PrmtopSections.Section {
        guard let section = sections.section(flag) else { throw malformed("missing %FLAG \(flag)") }
        return section
    }

    private func checkCount(_ section: PrmtopSections.Section, _ flag: String, _ count: Int, exact: Bool) throws {
        let found = section.values.count
        if exact ? found != count : found < count {
            throw malformed("line \(section.line): %FLAG \(flag) has \(found) values; \(exact ? "" : "at least ")\(count) expected")
        }
    }

    private func integers(_ flag: String, count: Int) throws -> [Int] {
        let section = try values(flag)
        try checkCount(section, flag, count, exact: true)
        guard case .integers(let list) = section.values else { throw wrongKind(flag, section, "integers") }
        return list
    }

    private func integers(_ flag: String, atLeast count: Int) throws -> [Int] {
        let section = try values(flag)
        try checkCount(section, flag, count, exact: false)
        guard case .integers(let list) = section.values else { throw wrongKind(flag, section, "integers") }
        return list
    }

    private func texts(_ flag: String, count: Int) throws -> [String] {
        let section = try values(flag)
        try checkCount(section, flag, count, exact: true)
        guard case .text(let list) = section.values else { throw wrongKind(flag, section, "text") }
        return list
    }

    private func optionalIntegers(_ flag: String, count: Int) throws -> [Int]? {
        sections.section(flag) == nil ? nil : try integers(flag, count: count)
    }

    private func optionalTexts(_ flag: String, count: Int) throws -> [String]? {
        sections.section(flag) == nil ? nil : try texts(flag, count: count)
    }

    private func optionalReals(_ flag: String, count: Int) throws -> [Double]? {
        guard let section = sections.section(flag) else { return nil }
        try checkCount(section, flag, count, exact: true)
        guard case .reals(let list) = section.values else { throw wrongKind(flag, section, "numbers") }
        return list
    }

    private func wrongKind(_ flag: String, _ section: PrmtopSections.Section, _ expected: String) -> TrajectoryError {
        malformed("line \(section.line): %FLAG \(flag) should hold \(expected); its %FORMAT says otherwise")
    }

    private func malformed(_ problem: String) -> TrajectoryError {
        TrajectoryError(.malformed, path: path, problem)
    }
}
