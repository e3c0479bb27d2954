/// What each column of a dump's "ITEM: ATOMS" line holds, as far as lss uses it.
///
/// Positions are taken from the first complete set among x y z (as written, possibly wrapped),
/// xu yu zu (unwrapped), xs ys zs (scaled by the box) and xsu ysu zsu (scaled, unwrapped).
/// Velocities come from vx vy vz and forces from fx fy fz when all three are present. Other
/// columns (type, image flags, charges, ...) are skipped.
struct LAMMPSColumns: Equatable {
    enum Role: UInt8 {
        case skip, id, px, py, pz, vx, vy, vz, fx, fy, fz
    }

    /// One role per column, in file order.
    var roles: [Role]
    /// Whether positions are fractional and need the box.
    var scaledPositions: Bool
    var hasIDs: Bool
    var hasVelocities: Bool
    var hasForces: Bool
    /// The names as written, to recognise the same header on the next frame cheaply.
    var names: [String]

    /// nil with a reason when the columns do not include a complete position set.
    static func parse(_ names: [String]) -> Result<LAMMPSColumns, LAMMPSColumnError> {
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        let positionSets: [(names: [String], scaled: Bool)] = [
            (["x", "y", "z"], false), (["xu", "yu", "zu"], false), (["xs", "ys", "zs"], true), (["xsu", "ysu", "zsu"], true),
        ]
        guard let chosen = positionSets.first(where: { set in set.names.allSatisfy { index[$0] != nil } }) else {
            return .failure(LAMMPSColumnError(names: names))
        }
        var roles = [Role](repeating: .skip, count: names.count)
        func assign(_ set: [String], _ assigned: [Role]) -> Bool {
            guard set.allSatisfy({ index[$0] != nil }) else { return false }
            for (name, role) in zip(set, assigned) { if let column = index[name] { roles[column] = role } }
            return true
        }
        _ = assign(chosen.names, [.px, .py, .pz])
        let hasVelocities = assign(["vx", "vy", "vz"], [.vx, .vy, .vz])
        let hasForces = assign(["fx", "fy", "fz"], [.fx, .fy, .fz])
        let hasIDs = assign(["id"], [.id])
        return .success(LAMMPSColumns(roles: roles, scaledPositions: chosen.scaled, hasIDs: hasIDs,
                                      hasVelocities: hasVelocities, hasForces: hasForces, names: names))
    }
}

struct LAMMPSColumnError: Error {
    var names: [String]
    var description: String {
        "the ATOMS columns (\(names.joined(separator: " "))) have no complete position set: "
            + "x y z, xu yu zu, xs ys zs or xsu ysu zsu"
    }
}
