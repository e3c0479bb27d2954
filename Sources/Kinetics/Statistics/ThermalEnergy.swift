/// The thermal energy kT that converts probabilities into free energies (kJ/mol inside lss,
/// DESIGN.md §6).
public enum ThermalEnergy {
    /// Boltzmann's constant times Avogadro's number, in kJ/(mol K) (CODATA 2018: R = 8.314462618 J/(mol K)).
    public static let boltzmannConstant = 0.0083144626

    /// kT in kJ/mol at `kelvin`.
    public static func kT(temperature kelvin: Double) throws -> Double {
        guard kelvin.isFinite, kelvin > 0 else {
            throw KineticsError(.invalidArgument, "temperature must be a positive number of kelvin, got \(kelvin)")
        }
        return boltzmannConstant * kelvin
    }

    static func check(_ kT: Double) throws {
        guard kT.isFinite, kT > 0 else {
            throw KineticsError(.invalidArgument, "kT must be a positive energy (kJ/mol, or 1 for units of kT), got \(kT)")
        }
    }
}
