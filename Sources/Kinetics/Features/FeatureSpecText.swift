/// The short text form of feature settings, for the command line.
///
/// Grammar (spaces around names, keys and values are ignored; values cannot contain `,` or `;`):
///
///     list    := item ( ";" item )*
///     item    := name [ ":" option ( "," option )* ]
///     option  := key "=" value
///
/// Names and their options (defaults in brackets; BOOL is true/false, yes/no or 1/0; SEL is an
/// `AtomSelection` text; K a whole number of residues; NM a distance in nm):
///
///     distances           select=SEL (required), exclude=K [0], periodic=BOOL [true]
///     ca-distances        exclude=K [0], periodic [true]           (distances of "name CA")
///     ca-angles           select=SEL ["name CA"], periodic [true]  (i, i+1, i+2; radians)
///     ca-dihedrals        select=SEL ["name CA"], periodic [true]  (i .. i+3; cos, sin)
///     backbone-torsions   omega=BOOL [false], select=SEL [all], periodic [true]   (φ, ψ [, ω]; cos, sin)
///     phi | psi | omega | chi1   select=SEL [all], periodic [true]               (cos, sin)
///     contacts            scheme=closest-heavy|ca [closest-heavy], cutoff=NM [none: distances],
///                         exclude=K [2], periodic [true]
///     q                   reference=PATH (required), select=SEL [heavy atoms], cutoff=NM [0.45],
///                         exclude=K [3], beta [50], lambda [1.8], periodic [true]
///     rmsd                reference=PATH (required), select=SEL [backbone], fit=SEL [same as select],
///                         mass=BOOL [false]   (nm, after superposing the fit atoms on the reference)
///     rg                  select=SEL [all], mass=BOOL [false]   (radius of gyration, nm)
///
/// Examples: `ca-distances:exclude=2`, `backbone-torsions;chi1`, `distances:select=name CA or name CB`,
/// `contacts:cutoff=0.5`, `q:reference=native.pdb`, `rmsd:reference=native.pdb,select=name CA`,
/// `rg:select=protein,mass=true`. `periodic=true` uses the minimum image when the frames have a box
/// and plain distances when they do not; RMSD and Rg are never periodic (make molecules whole first).
extension FeatureSpec {
    /// Parses a `;`-separated list of feature items (grammar above).
    public static func parseList(_ text: String) throws -> [FeatureSpec] {
        let items = text.split(separator: ";", omittingEmptySubsequences: false).map { trim($0) }
        guard !items.isEmpty, !items.allSatisfy(\.isEmpty) else {
            throw KineticsError(.invalidArgument, "feature list \"\(text)\" is empty; name features such as ca-distances or backbone-torsions")
        }
        return try items.map { item in
            guard !item.isEmpty else {
                throw KineticsError(.invalidArgument, "feature list \"\(text)\" has an empty item between ';'")
            }
            return try parse(item)
        }
    }

    /// Parses one feature item such as `ca-distances:exclude=2`.
    public static func parse(_ text: String) throws -> FeatureSpec {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = trim(parts[0]).lowercased()
        var options = try OptionList(parts.count > 1 ? String(parts[1]) : "", item: text)
        let spec: FeatureSpec
        switch name {
        case "distances":
            guard let selection = options.take("select") else {
                throw KineticsError(.invalidArgument, "feature \"\(text)\": distances needs select=<atom selection>, e.g. distances:select=name CA or name CB")
            }
            spec = .distances(selection: selection, exclude: try options.integer("exclude", default: 0),
                              periodic: try options.bool("periodic", default: true))
        case "ca-distances":
            spec = .distances(selection: alphaCarbonSelection, exclude: try options.integer("exclude", default: 0),
                              periodic: try options.bool("periodic", default: true))
        case "ca-angles":
            spec = .alphaCarbonAngles(selection: options.take("select") ?? alphaCarbonSelection,
                                      periodic: try options.bool("periodic", default: true))
        case "ca-dihedrals":
            spec = .alphaCarbonDihedrals(selection: options.take("select") ?? alphaCarbonSelection,
                                         periodic: try options.bool("periodic", default: true))
        case "backbone-torsions":
            let omega = try options.bool("omega", default: false)
            spec = .torsions(kinds: omega ? [.phi, .psi, .omega] : [.phi, .psi], selection: options.take("select"),
                             periodic: try options.bool("periodic", default: true))
        case "phi", "psi", "omega", "chi1":
            spec = .torsions(kinds: [TorsionKind(rawValue: name)!], selection: options.take("select"),
                             periodic: try options.bool("periodic", default: true))
        case "contacts":
            let schemeText = options.take("scheme") ?? ContactScheme.closestHeavy.rawValue
            guard let scheme = ContactScheme(rawValue: schemeText.lowercased()) else {
                throw KineticsError(.invalidArgument, "feature \"\(text)\": scheme \"\(schemeText)\" is not one of closest-heavy, ca")
            }
            spec = .contacts(scheme: scheme, cutoff: try options.number("cutoff"), exclude: try options.integer("exclude", default: 2),
                             periodic: try options.bool("periodic", default: true))
        case "q":
            guard let reference = options.take("reference") else {
                throw KineticsError(.invalidArgument, "feature \"\(text)\": q needs reference=<structure file>, e.g. q:reference=native.pdb")
            }
            spec = .nativeContacts(NativeContactsSpec(
                reference: reference, selection: options.take("select"), cutoff: try options.number("cutoff") ?? 0.45,
                exclude: try options.integer("exclude", default: 3), beta: try options.number("beta") ?? 50,
                lambda: try options.number("lambda") ?? 1.8, periodic: try options.bool("periodic", default: true)))
        case "rmsd":
            guard let reference = options.take("reference") else {
                throw KineticsError(.invalidArgument, "feature \"\(text)\": rmsd needs reference=<structure file>, e.g. rmsd:reference=native.pdb")
            }
            spec = .rmsd(RMSDSpec(reference: reference, selection: options.take("select") ?? RMSDSpec.defaultSelection,
                                  fitSelection: options.take("fit"), massWeighted: try options.bool("mass", default: false)))
        case "rg":
            spec = .radiusOfGyration(selection: options.take("select") ?? "all", massWeighted: try options.bool("mass", default: false))
        default:
            throw KineticsError(.invalidArgument,
                                "feature \"\(text)\": unknown feature \"\(name)\"; use one of distances, ca-distances, ca-angles, ca-dihedrals, backbone-torsions, phi, psi, omega, chi1, contacts, q, rmsd, rg")
        }
        if let unused = options.remainingKeys.first {
            throw KineticsError(.invalidArgument, "feature \"\(text)\": \(name) has no option \"\(unused)\"")
        }
        return spec
    }

    /// The canonical text form; `parse(spec.text)` gives `spec` back (a Q or RMSD reference's
    /// stored positions aside).
    public var text: String {
        func flag(_ periodic: Bool) -> String { periodic ? "" : ",periodic=false" }
        func options(_ name: String, _ list: String) -> String { list.isEmpty ? name : "\(name):\(list.hasPrefix(",") ? String(list.dropFirst()) : list)" }
        switch self {
        case let .distances(selection, exclude, periodic):
            if selection == FeatureSpec.alphaCarbonSelection { return options("ca-distances", "exclude=\(exclude)" + flag(periodic)) }
            return options("distances", "select=\(selection),exclude=\(exclude)" + flag(periodic))
        case let .alphaCarbonAngles(selection, periodic):
            return options("ca-angles", (selection == FeatureSpec.alphaCarbonSelection ? "" : "select=\(selection)") + flag(periodic))
        case let .alphaCarbonDihedrals(selection, periodic):
            return options("ca-dihedrals", (selection == FeatureSpec.alphaCarbonSelection ? "" : "select=\(selection)") + flag(periodic))
        case let .torsions(kinds, selection, periodic):
            let rest = (selection.map { ",select=\($0)" } ?? "") + flag(periodic)
            switch kinds {
            case [.phi, .psi]: return options("backbone-torsions", rest)
            case [.phi, .psi, .omega]: return options("backbone-torsions", "omega=true" + rest)
            default: return kinds.map { options($0.rawValue, rest) }.joined(separator: ";")
            }
        case let .contacts(scheme, cutoff, exclude, periodic):
            return options("contacts", "scheme=\(scheme.rawValue)" + (cutoff.map { ",cutoff=\($0)" } ?? "") + ",exclude=\(exclude)" + flag(periodic))
        case let .nativeContacts(q):
            return options("q", "reference=\(q.reference)" + (q.selection.map { ",select=\($0)" } ?? "")
                + ",cutoff=\(q.cutoff),exclude=\(q.exclude),beta=\(q.beta),lambda=\(q.lambda)" + flag(q.periodic))
        case let .rmsd(r):
            return options("rmsd", "reference=\(r.reference),select=\(r.selection)" + (r.fitSelection.map { ",fit=\($0)" } ?? "")
                + (r.massWeighted ? ",mass=true" : ""))
        case let .radiusOfGyration(selection, massWeighted):
            return options("rg", (selection == "all" ? "" : "select=\(selection)") + (massWeighted ? ",mass=true" : ""))
        }
    }
}

private func trim(_ text: Substring) -> String {
    String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
}

/// The key=value options of one item, consumed as the parser reads them.
private struct OptionList {
    let item: String
    private var values: [(key: String, value: String)]

    init(_ text: String, item: String) throws {
        self.item = item
        values = []
        guard !trim(Substring(text)).isEmpty else { return }
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = trim(pair[0]).lowercased()
            guard pair.count == 2, !key.isEmpty else {
                throw KineticsError(.invalidArgument, "feature \"\(item)\": option \"\(trim(piece))\" is not key=value")
            }
            guard !values.contains(where: { $0.key == key }) else {
                throw KineticsError(.invalidArgument, "feature \"\(item)\": option \"\(key)\" is given twice")
            }
            values.append((key, trim(pair[1])))
        }
    }

    var remainingKeys: [String] { values.map(\.key) }

    mutating func take(_ key: String) -> String? {
        guard let index = values.firstIndex(where: { $0.key == key }) else { return nil }
        return values.remove(at: index).value
    }

    mutating func integer(_ key: String, default value: Int) throws -> Int {
        guard let text = take(key) else { return value }
        guard let number = Int(text), number >= 0 else {
            throw KineticsError(.invalidArgument, "feature \"\(item)\": \(key)=\"\(text)\" is not a whole number ≥ 0")
        }
        return number
    }

    mutating func number(_ key: String) throws -> Double? {
        guard let text = take(key) else { return nil }
        guard let number = Double(text), number.isFinite, number > 0 else {
            throw KineticsError(.invalidArgument, "feature \"\(item)\": \(key)=\"\(text)\" is not a positive number")
        }
        return number
    }

    mutating func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let text = take(key) else { return value }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw KineticsError(.invalidArgument, "feature \"\(item)\": \(key)=\"\(text)\" is not true or false")
        }
    }
}
