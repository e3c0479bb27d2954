/// Guesses an atom's element from its name, its residue and (where the file has one) its mass,
/// for files that do not state elements: PDB without columns 77-78, GRO, PSF, old prmtops.
///
/// The rules, in order:
/// 1. Atoms of protein, nucleic-acid and water residues follow PDB naming, where the first letter
///    (after any leading digits, as in 1HH3) is the element: CA of ALA is carbon, HD11 hydrogen.
/// 2. A residue holding one atom, or an atom named like its residue, is an ion or a lone atom:
///    CA in residue CA is calcium, NA/Na sodium, CL/Cl chlorine, CHARMM's SOD/CLA/POT/CAL too.
/// 3. In a PDB file, a name that starts in column 13 (not 14) carries a two-letter element
///    (FE, CL in a ligand), and a four-letter name starting with H is hydrogen (the PDB rule that
///    MDTraj also follows).
/// 4. Otherwise a mixed-case prefix that spells an element (Cl1, Br) is that element, and else the
///    first letter after leading digits.
///
/// Where MDTraj differs: MDTraj reads " NA " / " Cl " (name in column 14) of an ion residue as
/// nitrogen / carbon, and its GRO reader makes NA and CL nitrogen and carbon; rule 2 gives the ions.
public enum ElementInference {
    /// The element of an atom from its name and residue. `pdbNameField` is the raw four-column
    /// name field (columns 13-16) of a PDB record, whose alignment carries information.
    public static func element(atomName: String, residueName: String, residueAtomCount: Int? = nil,
                               pdbNameField: String? = nil) -> Element? {
        let name = atomName.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        let upper = name.uppercased()
        let letters = leadingLetters(upper)
        let residue = residueName.trimmingCharacters(in: .whitespaces)
        let residueUpper = residue.uppercased()

        if StandardResidues.isPolymerOrWater(residue) {
            if residueUpper == "MSE" && letters == "SE" { return Element(symbol: "Se") }
            return letters.first.flatMap { Element(symbol: String($0)) }
        }

        let residueLetters = leadingLetters(residueUpper)
        if residueAtomCount == 1 || (!letters.isEmpty && letters == residueLetters) {
            if let symbol = StandardResidues.charmmIonElements[upper] ?? StandardResidues.charmmIonElements[letters] {
                return Element(symbol: symbol)
            }
            if letters.count >= 2, let two = Element(symbol: String(letters.prefix(2))) { return two }
            return letters.first.flatMap { Element(symbol: String($0)) }
        }

        if let field = pdbNameField {
            let columns = Array(field)
            if let first = columns.first, first.isLetter {
                if name.count == 4 && (first == "H" || first == "h") { return .hydrogen }
                if columns.count >= 2, columns[1].isLetter,
                   let two = Element(symbol: String(columns[0 ... 1])) { return two }
            }
            return letters.first.flatMap { Element(symbol: String($0)) }
        }

        let characters = Array(name.drop(while: \.isNumber))
        if characters.count >= 2, characters[0].isUppercase, characters[1].isLowercase,
           let two = Element(symbol: String(characters[0 ... 1])) {
            return two
        }
        return letters.first.flatMap { Element(symbol: String($0)) }
    }

    /// The element for a topology that also gives masses (PSF, prmtop without ATOMIC_NUMBER).
    /// Massless particles (lone pairs, TIP4P's M site, Drude-free virtual sites) get none. The name's
    /// element is kept when the mass fits it, including hydrogen-mass repartitioning (H up to
    /// about 4 u, a heavy atom lighter by up to three repartitioned hydrogens); otherwise the element
    /// closest in mass wins (MDTraj's PSF rule).
    public static func element(atomName: String, residueName: String, residueAtomCount: Int? = nil,
                               mass: Double?) -> Element? {
        let guess = element(atomName: atomName, residueName: residueName, residueAtomCount: residueAtomCount)
        guard let mass, mass.isFinite else { return guess }
        if mass < 0.5 { return nil }
        if let guess, isCompatible(guess, mass: mass) { return guess }
        return element(closestToMass: mass)
    }

    /// The known element whose standard atomic weight is closest to `mass` (g/mol).
    public static func element(closestToMass mass: Double) -> Element? {
        guard mass.isFinite, mass > 0 else { return nil }
        return Element.all.min { abs($0.mass - mass) < abs($1.mass - mass) }
    }

    private static func isCompatible(_ element: Element, mass: Double) -> Bool {
        if element.atomicNumber == 1 { return mass > 0.5 && mass < 4.6 }
        return mass > element.mass - 6.5 && mass < element.mass + 1.0
    }

    /// The run of letters after any leading digits: "1HH3" → "HH", "NA+" → "NA", "CL1" → "CL".
    private static func leadingLetters(_ text: String) -> String {
        String(text.drop(while: \.isNumber).prefix(while: \.isLetter))
    }
}
