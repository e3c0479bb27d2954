/// The parsed form of an atom selection (see `AtomSelection` for the language).
indirect enum SelectionNode: Sendable, Equatable {
    case all
    case none
    case group(SelectionGroup)
    case not(SelectionNode)
    case and(SelectionNode, SelectionNode)
    case or(SelectionNode, SelectionNode)
    /// Property equal to any of the values (or inside any of the ranges).
    case match(SelectionProperty, [SelectionValue])
    /// Numeric property compared with a number: `mass > 2`, `resid <= 10`.
    case compare(SelectionProperty, SelectionComparison, Double)
}

/// Named sets of atoms.
enum SelectionGroup: String, Sendable, Equatable {
    case backbone, sidechain, heavy, hydrogen, protein, nucleic, water, ion, solvent
}

/// Per-atom properties that take values.
enum SelectionProperty: String, Sendable, Equatable {
    case name, element, resname, resid, resindex, index, chain, chainindex, segid, mass

    var isNumeric: Bool {
        switch self {
        case .resid, .resindex, .index, .chainindex, .mass: true
        case .name, .element, .resname, .chain, .segid: false
        }
    }
}

enum SelectionValue: Sendable, Equatable {
    /// A name, possibly with the wildcards * and ?.
    case text(String)
    /// An inclusive numeric range; a single number is the range number...number.
    case range(Double, Double)
    /// A residue number with an insertion code: `resid 37A`.
    case residueWithInsertion(Int, String)
}

enum SelectionComparison: String, Sendable, Equatable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

    func holds(_ lhs: Double, _ rhs: Double) -> Bool {
        switch self {
        case .less: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greater: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        }
    }
}

/// One token of a selection with its zero-based character position in the text.
struct SelectionToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case word, quoted, open, close, comparison }
    var kind: Kind
    var text: String
    var position: Int
}

/// Splits a selection into tokens: words, quoted strings, parentheses and comparison operators.
enum SelectionTokenizer {
    static func tokens(of text: String) throws(SelectionError) -> [SelectionToken] {
        let characters = Array(text)
        var tokens: [SelectionToken] = []
        var index = 0
        let operatorCharacters: Set<Character> = ["<", ">", "=", "!"]
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace { index += 1; continue }
            if character == "(" || character == ")" {
                tokens.append(SelectionToken(kind: character == "(" ? .open : .close, text: String(character),
                                             position: index))
                index += 1
            } else if operatorCharacters.contains(character) {
                let start = index
                index += 1
                if index < characters.count, characters[index] == "=" { index += 1 }
                var op = String(characters[start ..< index])
                if op == "=" { op = "==" }
                tokens.append(SelectionToken(kind: op == "!" ? .word : .comparison, text: op, position: start))
            } else if character == "\"" || character == "'" {
                let start = index
                index += 1
                while index < characters.count, characters[index] != character { index += 1 }
                guard index < characters.count else {
                    throw SelectionError(text: text, position: start, token: String(characters[start...]),
                                         problem: "the quoted value has no closing \(character)")
                }
                tokens.append(SelectionToken(kind: .quoted, text: String(characters[(start + 1) ..< index]),
                                             position: start))
                index += 1
            } else {
                let start = index
                while index < characters.count {
                    let c = characters[index]
                    if c.isWhitespace || c == "(" || c == ")" || operatorCharacters.contains(c) { break }
                    index += 1
                }
                tokens.append(SelectionToken(kind: .word, text: String(characters[start ..< index]), position: start))
            }
        }
        return tokens
    }
}

/// Recursive-descent parser: `or` binds loosest, then `and`, then `not`; parentheses group.
struct SelectionParser {
    let text: String
    let tokens: [SelectionToken]
    var cursor = 0

    static let groupKeywords: [String: SelectionNode] = [
        "all": .all, "everything": .all, "none": .none, "nothing": .none,
        "backbone": .group(.backbone), "sidechain": .group(.sidechain), "heavy": .group(.heavy),
        "hydrogen": .group(.hydrogen), "protein": .group(.protein), "nucleic": .group(.nucleic),
        "water": .group(.water), "waters": .group(.water), "ion": .group(.ion), "ions": .group(.ion),
        "solvent": .group(.solvent),
    ]
    static let propertyKeywords: [String: SelectionProperty] = [
        "name": .name, "element": .element, "symbol": .element, "resname": .resname, "resn": .resname,
        "resid": .resid, "resi": .resid, "residue": .resid, "resseq": .resid, "resindex": .resindex,
        "index": .index, "chain": .chain, "chainindex": .chainindex, "segid": .segid, "segname": .segid,
        "mass": .mass,
    ]
    /// Keywords that mean something else in other tools; refused with advice instead of guessed.
    static let ambiguousKeywords: [String: String] = [
        "chainid": "use 'chain A' for chain identifiers or 'chainindex 0' for zero-based chain indices",
        "type": "use 'element C' for elements (force-field atom types are not selectable)",
    ]

    init(text: String) throws(SelectionError) {
        self.text = text
        self.tokens = try SelectionTokenizer.tokens(of: text)
    }

    mutating func parse() throws(SelectionError) -> SelectionNode {
        guard !tokens.isEmpty else {
            throw SelectionError(text: text, position: 0, token: "", problem: "the selection is empty")
        }
        let node = try parseOr()
        if let extra = peek {
            let problem = extra.kind == .close
                ? "this ')' has no matching '('"
                : "expected 'and', 'or' or the end of the selection"
            throw error(at: extra, problem)
        }
        return node
    }

    // MARK: - Grammar

    private mutating func parseOr() throws(SelectionError) -> SelectionNode {
        var node = try parseAnd()
        while let token = peek, isWord(token, "or", "||") {
            cursor += 1
            node = .or(node, try parseAnd())
        }
        return node
    }

    private mutating func parseAnd() throws(SelectionError) -> SelectionNode {
        var node = try parseNot()
        while let token = peek, isWord(token, "and", "&&") {
            cursor += 1
            node = .and(node, try parseNot())
        }
        return node
    }

    private mutating func parseNot() throws(SelectionError) -> SelectionNode {
        if let token = peek, isWord(token, "not", "!") {
            cursor += 1
            return .not(try parseNot())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(SelectionError) -> SelectionNode {
        guard let token = peek else { throw endError("expected a keyword or '('") }
        cursor += 1
        switch token.kind {
        case .open:
            let node = try parseOr()
            guard let close = peek, close.kind == .close else {
                if let other = peek { throw error(at: other, "expected ')' to close the '(' at position \(token.position)") }
                throw endError("the '(' at position \(token.position) is never closed")
            }
            cursor += 1
            return node
        case .close:
            throw error(at: token, "')' without a matching '(' or with nothing inside")
        case .comparison, .quoted:
            throw error(at: token, "expected a keyword such as name, resname, protein or '('")
        case .word:
            let keyword = token.text.lowercased()
            if let node = Self.groupKeywords[keyword] { return node }
            if let property = Self.propertyKeywords[keyword] { return try parseProperty(property, keyword: token) }
            if let advice = Self.ambiguousKeywords[keyword] { throw error(at: token, "'\(token.text)' is not supported: \(advice)") }
            if ["and", "or", "&&", "||"].contains(keyword) { throw error(at: token, "'\(token.text)' needs a selection on its left") }
            throw error(at: token, "unknown keyword '\(token.text)'")
        }
    }

    private mutating func parseProperty(_ property: SelectionProperty,
                                        keyword: SelectionToken) throws(SelectionError) -> SelectionNode {
        if let op = peek, op.kind == .comparison {
            cursor += 1
            guard property.isNumeric else {
                throw error(at: op, "'\(keyword.text)' is not numeric; compare it by listing values")
            }
            guard let operand = peek else { throw endError("'\(op.text)' needs a number after it") }
            cursor += 1
            return .compare(property, SelectionComparison(rawValue: op.text) ?? .equal,
                            try number(operand, for: property))
        }
        var values: [SelectionValue] = []
        while let token = peek, isValue(token) {
            if token.kind == .word {
                let lower = token.text.lowercased()
                if Self.groupKeywords[lower] != nil || Self.propertyKeywords[lower] != nil {
                    throw error(at: token, "'\(token.text)' is a keyword, not a value of '\(keyword.text)' "
                                + "(missing 'and'/'or'? quote it to use it as a value)")
                }
            }
            cursor += 1
            if let to = peek, to.kind == .word, to.text.lowercased() == "to" {
                cursor += 1
                guard property.isNumeric else { throw error(at: to, "'\(keyword.text)' takes no ranges") }
                guard let upper = peek, isValue(upper) else { throw endOrError("'to' needs a number after it") }
                cursor += 1
                values.append(.range(try number(token, for: property), try number(upper, for: property)))
            } else {
                values.append(try value(token, for: property))
            }
        }
        guard !values.isEmpty else { throw endOrError("'\(keyword.text)' needs at least one value") }
        return .match(property, values)
    }

    // MARK: - Values

    private func value(_ token: SelectionToken, for property: SelectionProperty) throws(SelectionError) -> SelectionValue {
        switch property {
        case .name, .resname, .chain, .segid:
            return .text(token.text)
        case .element:
            guard Element(symbol: token.text) != nil else {
                throw error(at: token, "'\(token.text)' is not an element symbol lss knows")
            }
            return .text(token.text)
        case .resid:
            if let number = Int(token.text) { return .range(Double(number), Double(number)) }
            let digits = token.text.prefix { $0.isNumber || $0 == "-" }
            let code = token.text.dropFirst(digits.count)
            if let number = Int(digits), code.count == 1, code.first?.isLetter == true {
                return .residueWithInsertion(number, String(code))
            }
            throw error(at: token, "'\(token.text)' is not a residue number (like 37 or 37A)")
        case .resindex, .index, .chainindex, .mass:
            let number = try number(token, for: property)
            return .range(number, number)
        }
    }

    private func number(_ token: SelectionToken, for property: SelectionProperty) throws(SelectionError) -> Double {
        if property == .mass {
            guard let value = Double(token.text), value.isFinite else {
                throw error(at: token, "'\(token.text)' is not a number")
            }
            return value
        }
        guard let value = Int(token.text) else {
            throw error(at: token, "'\(token.text)' is not an integer (\(property.rawValue) takes whole numbers)")
        }
        return Double(value)
    }

    // MARK: - Helpers

    private var peek: SelectionToken? { cursor < tokens.count ? tokens[cursor] : nil }

    private func isWord(_ token: SelectionToken, _ spellings: String...) -> Bool {
        token.kind == .word && spellings.contains(token.text.lowercased())
    }

    /// Tokens that can be values: words other than the logical operators, and quoted strings.
    private func isValue(_ token: SelectionToken) -> Bool {
        switch token.kind {
        case .quoted: return true
        case .word: return !["and", "or", "not", "&&", "||", "!"].contains(token.text.lowercased())
        case .open, .close, .comparison: return false
        }
    }

    private func error(at token: SelectionToken, _ problem: String) -> SelectionError {
        SelectionError(text: text, position: token.position, token: token.text, problem: problem)
    }

    private func endError(_ problem: String) -> SelectionError {
        SelectionError(text: text, position: text.count, token: "", problem: "the selection ends too early: \(problem)")
    }

    private func endOrError(_ problem: String) -> SelectionError {
        if let token = peek { return error(at: token, problem) }
        return endError(problem)
    }
}
