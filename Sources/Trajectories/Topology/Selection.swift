/// A parsed atom selection, evaluated against a topology to zero-based atom indices.
///
/// The language (keywords are case-insensitive, values are not, except element symbols):
/// - groups: `all`, `none`, `protein`, `nucleic`, `backbone` (N, CA, C, O of protein residues),
///   `sidechain` (protein atoms other than N, CA, C, O, HA, H), `heavy` (known element, not H),
///   `hydrogen`, `water`, `ion`/`ions` (monatomic ion residues), `solvent` (water or ion);
/// - properties with one or more values (any may match): `name CA CB`, `resname ALA GLY`,
///   `element C` (alias `symbol`), `chain A`, `segid PROA`; text values take the wildcards `*` and
///   `?` (`name H*`) and may be quoted (`name "O5'"`);
/// - numeric properties with values, inclusive ranges and comparisons: `resid 5`, `resid 3 to 10`,
///   `resid 37A` (number with insertion code), `resindex 0 to 4`, `index 0 to 21`,
///   `chainindex 0`, `mass > 2`, `index < 100`;
/// - `not`, `and`, `or` (also `!`, `&&`, `||`) with the usual precedence, and parentheses.
///
/// Differences from MDTraj's `Topology.select`:
/// - `resid` is the residue number as written in the file (MDTraj's `residue`/`resSeq`); MDTraj's
///   `resid` is the zero-based residue index, which is `resindex` here. `resid 37` matches 37 and
///   37A; `resid 37A` only the latter.
/// - `chain` takes chain identifiers; MDTraj's `chainid` (a zero-based index) is `chainindex` here,
///   and `chainid` is refused rather than guessed.
/// - `protein`, `nucleic` and `water` use lss's residue lists (`StandardResidues`): AMBER/CHARMM
///   variants such as HIE, HID, CYX, ASH and terminal NALA count as protein (MDTraj's list, from the
///   PDB component dictionary, misses some of these when names are not standardized, but has many
///   crystallographic modified residues that lss does not).
/// - `heavy` leaves out atoms without a known element (virtual sites); MDTraj has no `heavy`, and
///   its `not element H` keeps them. `ion` and `solvent` have no MDTraj counterpart.
/// - `element` compares symbols case-insensitively (`element CL` finds chlorine).
/// - `mass` uses the file's mass when it has one (prmtop, PSF), else the element's.
/// - Names are matched as the file wrote them: lss does not standardize names the way MDTraj's
///   readers do by default (terminal OC1/OC2 stay OC1/OC2, not O/OXT, so they are not `backbone`;
///   an N-terminal H1 stays H1 and is `sidechain` by MDTraj's own definition).
public struct AtomSelection: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    let root: SelectionNode

    public init(_ text: String) throws(SelectionError) {
        var parser = try SelectionParser(text: text)
        self.text = text
        self.root = try parser.parse()
    }

    public var description: String { text }

    /// Indices of the selected atoms, ascending and without duplicates.
    public func indices(in topology: Topology) -> [Int] {
        let evaluator = SelectionEvaluator(topology: topology)
        let mask = evaluator.mask(root)
        return mask.indices.filter { mask[$0] }
    }
}

/// A selection that cannot be parsed: the offending token and its zero-based character position.
public struct SelectionError: Error, CustomStringConvertible, Equatable, Sendable {
    public var text: String
    public var position: Int
    public var token: String
    public var problem: String

    public init(text: String, position: Int, token: String, problem: String) {
        self.text = text
        self.position = position
        self.token = token
        self.problem = problem
    }

    public var description: String {
        let near = token.isEmpty ? "" : " ('\(token)')"
        return "selection \"\(text)\": at position \(position)\(near): \(problem)"
    }
}

/// Evaluates a selection tree to one Boolean per atom.
struct SelectionEvaluator {
    let topology: Topology

    func mask(_ node: SelectionNode) -> [Bool] {
        let count = topology.atoms.count
        switch node {
        case .all: return Array(repeating: true, count: count)
        case .none: return Array(repeating: false, count: count)
        case .not(let inner): return mask(inner).map { !$0 }
        case .and(let lhs, let rhs):
            let left = mask(lhs), right = mask(rhs)
            return (0 ..< count).map { left[$0] && right[$0] }
        case .or(let lhs, let rhs):
            let left = mask(lhs), right = mask(rhs)
            return (0 ..< count).map { left[$0] || right[$0] }
        case .group(let group):
            let inGroup = groupTest(group)
            return (0 ..< count).map(inGroup)
        case .match(let property, let values):
            return (0 ..< count).map { atom in values.contains { matches(atom, property, $0) } }
        case .compare(let property, let comparison, let operand):
            return (0 ..< count).map { atom in
                guard let value = numeric(atom, property) else { return false }
                return comparison.holds(value, operand)
            }
        }
    }

    // MARK: - Groups

    private func groupTest(_ group: SelectionGroup) -> (Int) -> Bool {
        let needsSizes = group == .ion || group == .solvent
        let residueSizes = needsSizes ? topology.atomsByResidue().map(\.count) : []
        func residueName(_ atom: Int) -> String { topology.residues[topology.atoms[atom].residueIndex].name }
        func isProtein(_ atom: Int) -> Bool { StandardResidues.isProtein(residueName(atom)) }
        func isWater(_ atom: Int) -> Bool { StandardResidues.isWater(residueName(atom)) }
        /// A monatomic ion: an ion element alone in its residue, or in a residue named as an ion.
        func isIon(_ atom: Int) -> Bool {
            let record = topology.atoms[atom]
            guard let symbol = record.element?.symbol, StandardResidues.ionElements.contains(symbol) else { return false }
            return residueSizes[record.residueIndex] == 1
                || StandardResidues.ions.contains(residueName(atom).uppercased())
        }
        switch group {
        case .protein: return isProtein
        case .nucleic: return { StandardResidues.isNucleic(residueName($0)) }
        case .water: return isWater
        case .ion: return isIon
        case .solvent: return { isWater($0) || isIon($0) }
        case .backbone:
            return { isProtein($0) && StandardResidues.backboneNames.contains(topology.atoms[$0].name) }
        case .sidechain:
            return { isProtein($0) && !StandardResidues.nonSidechainNames.contains(topology.atoms[$0].name) }
        case .hydrogen: return { topology.atoms[$0].element?.atomicNumber == 1 }
        case .heavy:
            return { atom in topology.atoms[atom].element.map { $0.atomicNumber != 1 } ?? false }
        }
    }

    // MARK: - Properties

    private func matches(_ atom: Int, _ property: SelectionProperty, _ value: SelectionValue) -> Bool {
        let record = topology.atoms[atom]
        switch value {
        case .text(let pattern):
            switch property {
            case .name: return Glob.matches(record.name, pattern)
            case .resname: return Glob.matches(topology.residues[record.residueIndex].name, pattern)
            case .chain: return Glob.matches(chain(of: atom).id, pattern)
            case .segid: return Glob.matches(chain(of: atom).segmentID, pattern)
            case .element: return record.element?.symbol.uppercased() == pattern.uppercased()
            default: return false
            }
        case .range(let lower, let upper):
            guard let number = numeric(atom, property) else { return false }
            return number >= lower && number <= upper
        case .residueWithInsertion(let number, let code):
            let residue = topology.residues[record.residueIndex]
            return residue.number == number && residue.insertionCode == code
        }
    }

    private func numeric(_ atom: Int, _ property: SelectionProperty) -> Double? {
        let record = topology.atoms[atom]
        switch property {
        case .index: return Double(atom)
        case .resindex: return Double(record.residueIndex)
        case .resid: return Double(topology.residues[record.residueIndex].number)
        case .chainindex: return Double(topology.residues[record.residueIndex].chainIndex)
        case .mass: return record.mass ?? record.element?.mass
        case .name, .element, .resname, .chain, .segid: return nil
        }
    }

    private func chain(of atom: Int) -> Topology.Chain {
        topology.chains[topology.residues[topology.atoms[atom].residueIndex].chainIndex]
    }
}

/// Shell-style wildcards: `*` matches any run of characters, `?` any one character.
enum Glob {
    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard pattern.contains(where: { $0 == "*" || $0 == "?" }) else { return text == pattern }
        let t = Array(text), p = Array(pattern)
        var ti = 0, pi = 0, starPattern = -1, starText = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                ti += 1; pi += 1
            } else if pi < p.count, p[pi] == "*" {
                starPattern = pi; starText = ti; pi += 1
            } else if starPattern >= 0 {
                pi = starPattern + 1; starText += 1; ti = starText
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
