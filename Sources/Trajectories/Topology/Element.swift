import Foundation

/// A chemical element: symbol, atomic number and standard atomic weight (g/mol, IUPAC conventional
/// values). The table covers the first four periods and the heavier elements found in biomolecular
/// simulations (ions, heavy-atom labels).
public struct Element: Sendable, Hashable, CustomStringConvertible {
    public let symbol: String
    public let atomicNumber: Int
    public let mass: Double

    public var description: String { symbol }

    /// Every element lss knows, by atomic number.
    public static let all: [Element] = [
        ("H", 1, 1.008), ("He", 2, 4.0026), ("Li", 3, 6.94), ("Be", 4, 9.0122), ("B", 5, 10.81),
        ("C", 6, 12.011), ("N", 7, 14.007), ("O", 8, 15.999), ("F", 9, 18.998), ("Ne", 10, 20.180),
        ("Na", 11, 22.990), ("Mg", 12, 24.305), ("Al", 13, 26.982), ("Si", 14, 28.085), ("P", 15, 30.974),
        ("S", 16, 32.06), ("Cl", 17, 35.45), ("Ar", 18, 39.948), ("K", 19, 39.098), ("Ca", 20, 40.078),
        ("Sc", 21, 44.956), ("Ti", 22, 47.867), ("V", 23, 50.942), ("Cr", 24, 51.996), ("Mn", 25, 54.938),
        ("Fe", 26, 55.845), ("Co", 27, 58.933), ("Ni", 28, 58.693), ("Cu", 29, 63.546), ("Zn", 30, 65.38),
        ("Ga", 31, 69.723), ("Ge", 32, 72.630), ("As", 33, 74.922), ("Se", 34, 78.971), ("Br", 35, 79.904),
        ("Kr", 36, 83.798), ("Rb", 37, 85.468), ("Sr", 38, 87.62), ("Mo", 42, 95.95), ("Ru", 44, 101.07),
        ("Pd", 46, 106.42), ("Ag", 47, 107.87), ("Cd", 48, 112.41), ("Sn", 50, 118.71), ("I", 53, 126.90),
        ("Xe", 54, 131.29), ("Cs", 55, 132.91), ("Ba", 56, 137.33), ("Gd", 64, 157.25), ("Pt", 78, 195.08),
        ("Au", 79, 196.97), ("Hg", 80, 200.59), ("Pb", 82, 207.2), ("U", 92, 238.03),
    ].map { Element(symbol: $0.0, atomicNumber: $0.1, mass: $0.2) }

    private static let bySymbol: [String: Element] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.symbol.uppercased(), $0) })

    /// The element with this symbol, in any letter case ("CL", "Cl", "cl"), or nil.
    public init?(symbol: String) {
        let key = symbol.trimmingCharacters(in: .whitespaces).uppercased()
        guard let element = Element.bySymbol[key] else { return nil }
        self = element
    }

    /// The element with this atomic number, or nil.
    public init?(atomicNumber: Int) {
        guard let element = Element.all.first(where: { $0.atomicNumber == atomicNumber }) else { return nil }
        self = element
    }

    private init(symbol: String, atomicNumber: Int, mass: Double) {
        self.symbol = symbol
        self.atomicNumber = atomicNumber
        self.mass = mass
    }

    public static let hydrogen = Element(symbol: "H")!
    public static let carbon = Element(symbol: "C")!
    public static let nitrogen = Element(symbol: "N")!
    public static let oxygen = Element(symbol: "O")!
    public static let sulfur = Element(symbol: "S")!
}

