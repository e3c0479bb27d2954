import Foundation

/// The topology MDTraj keeps as one JSON string in the /topology dataset of its HDF5 files:
/// `{"chains": [{"index", "chain_id", "residues": [{"index", "name", "resSeq", "segmentID",
/// "atoms": [{"index", "name", "element"}]}]}], "bonds": [[i, j], ...]}`.
///
/// MDTraj orders chains, residues and atoms by their "index" fields and numbers atoms by position in
/// that order; bonds refer to those positions. Two fields differ in where lss keeps them: MDTraj's
/// segment identifier belongs to each residue, lss's to the chain (the chain takes its first
/// residue's; writing gives every residue its chain's), and MDTraj has no insertion codes or serial
/// numbers (they are not written and read back empty).
public enum MDTrajTopologyJSON {
    /// Decodes the JSON text; malformed JSON and bonds to atoms that do not exist throw a
    /// `TrajectoryError` naming `path`.
    public static func decode(_ json: Data, path: String) throws -> Topology {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch let error as DecodingError {
            throw TrajectoryError(.malformed, path: path, "the topology JSON is malformed: \(describe(error))")
        } catch {
            throw TrajectoryError(.malformed, path: path, "the topology JSON is malformed: \(error)")
        }
        var topology = Topology()
        for chain in ordered(document.chains, by: \.index) {
            let chainIndex = topology.chains.count
            let residues = ordered(chain.residues, by: \.index)
            topology.chains.append(Topology.Chain(id: chain.chain_id ?? "",
                                                  segmentID: residues.first?.segmentID ?? ""))
            for residue in residues {
                let residueIndex = topology.residues.count
                topology.residues.append(Topology.Residue(name: residue.name, number: residue.resSeq ?? residueIndex,
                                                          chainIndex: chainIndex))
                for atom in ordered(residue.atoms, by: \.index) {
                    let element = atom.element.flatMap { $0.isEmpty ? nil : Element(symbol: $0) }
                    topology.atoms.append(Topology.Atom(name: atom.name, element: element, residueIndex: residueIndex))
                }
            }
        }
        let atomCount = topology.atoms.count
        topology.bonds.reserveCapacity(document.bonds?.count ?? 0)
        for (number, pair) in (document.bonds ?? []).enumerated() {
            guard pair.count == 2, pair[0] != pair[1],
                  (0 ..< atomCount).contains(pair[0]), (0 ..< atomCount).contains(pair[1]) else {
                throw TrajectoryError(.malformed, path: path,
                                      "the topology JSON has bond \(number) between atoms \(pair), but it has \(atomCount) atoms")
            }
            topology.bonds.append(Topology.Bond(pair[0], pair[1]))
        }
        return topology
    }

    /// The JSON text MDTraj writes for `topology` (ASCII only: other characters are \u escapes, as
    /// Python's json.dumps does).
    public static func encode(_ topology: Topology) -> String {
        var out = "{\"chains\": ["
        out.reserveCapacity(64 + topology.atoms.count * 48 + topology.bonds.count * 12)
        // Grouped here rather than with Topology.atomsByResidue, so that a topology with a dangling
        // residue or chain index loses those entries instead of trapping.
        var atomsByResidue = Array(repeating: [Int](), count: topology.residues.count)
        for (index, atom) in topology.atoms.enumerated() where atomsByResidue.indices.contains(atom.residueIndex) {
            atomsByResidue[atom.residueIndex].append(index)
        }
        var residuesByChain = Array(repeating: [Int](), count: topology.chains.count)
        for (index, residue) in topology.residues.enumerated() where residuesByChain.indices.contains(residue.chainIndex) {
            residuesByChain[residue.chainIndex].append(index)
        }
        // Atoms are numbered by position in chain, residue, atom order, which is file order in
        // every topology lss builds; the bond indices below assume that.
        for (chainIndex, chain) in topology.chains.enumerated() {
            if chainIndex > 0 { out += ", " }
            out += "{\"residues\": ["
            for (number, residueIndex) in residuesByChain[chainIndex].enumerated() {
                let residue = topology.residues[residueIndex]
                if number > 0 { out += ", " }
                out += "{\"index\": \(residueIndex), \"name\": \(quoted(residue.name)), \"atoms\": ["
                for (position, atomIndex) in atomsByResidue[residueIndex].enumerated() {
                    let atom = topology.atoms[atomIndex]
                    if position > 0 { out += ", " }
                    out += "{\"index\": \(atomIndex), \"name\": \(quoted(atom.name)), \"element\": \(quoted(atom.element?.symbol ?? ""))}"
                }
                out += "], \"resSeq\": \(residue.number), \"segmentID\": \(quoted(chain.segmentID))}"
            }
            out += "], \"index\": \(chainIndex), \"chain_id\": \(chain.id.isEmpty ? "null" : quoted(chain.id))}"
        }
        out += "], \"bonds\": ["
        for (number, bond) in topology.bonds.enumerated() {
            if number > 0 { out += ", " }
            out += "[\(bond.first), \(bond.second)]"
        }
        out += "]}"
        return out
    }

    /// True when atoms are stored chain by chain and residue by residue (the order MDTraj numbers
    /// them in), so that atom positions in the JSON equal lss's atom indices.
    static func isInFileOrder(_ topology: Topology) -> Bool {
        var lastResidue = -1, lastChain = -1
        for atom in topology.atoms {
            guard topology.residues.indices.contains(atom.residueIndex) else { return false }
            if atom.residueIndex != lastResidue {
                guard atom.residueIndex > lastResidue else { return false }
                let chain = topology.residues[atom.residueIndex].chainIndex
                guard topology.chains.indices.contains(chain), chain >= lastChain else { return false }
                lastResidue = atom.residueIndex
                lastChain = chain
            }
        }
        return true
    }

    // MARK: - JSON shape

    private struct Document: Decodable {
        var chains: [Chain]
        var bonds: [[Int]]?
    }

    private struct Chain: Decodable {
        var index: Int?
        var chain_id: String?
        var residues: [Residue]
    }

    private struct Residue: Decodable {
        var index: Int?
        var name: String
        var resSeq: Int?
        var segmentID: String?
        var atoms: [Atom]
    }

    private struct Atom: Decodable {
        var index: Int?
        var name: String
        var element: String?
    }

    /// Stable sort by the "index" field, as MDTraj reads them; entries without one keep their place.
    private static func ordered<T>(_ items: [T], by key: KeyPath<T, Int?>) -> [T] {
        guard items.contains(where: { $0[keyPath: key] != nil }) else { return items }
        return items.enumerated()
            .sorted { ($0.element[keyPath: key] ?? $0.offset, $0.offset) < ($1.element[keyPath: key] ?? $1.offset, $1.offset) }
            .map(\.element)
    }

    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [CodingKey]) -> String {
            path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(place(context.codingPath)) has no \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(place(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// A JSON string literal with ASCII-only output.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x20 ..< 0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: out += String(format: "\\u%04x", unit)
            }
        }
        return out + "\""
    }
}
