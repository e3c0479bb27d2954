import Foundation

/// Makes molecules whole across periodic boundaries.
///
/// A molecule is a connected component of the topology's bond graph. Each is walked breadth-first
/// from its lowest-numbered atom, which stays where it is; every other atom moves to the image of
/// itself nearest to the atom it was reached from, so that every bond of the spanning tree becomes
/// its minimum image (the same walk MDTraj's `make_molecules_whole` does). Atoms without bonds are
/// left alone. Built once per topology, used for any number of chunks.
public struct MoleculeUnwrapper: Sendable {
    public let atomCount: Int
    /// Atoms of each molecule with bonds, in walk order (the first is the anchor).
    public let molecules: [[Int]]
    /// Atoms without any bond.
    public let unbondedAtoms: [Int]
    /// The walk as (atom, atom it is reached from) pairs, molecule after molecule.
    private let steps: [(atom: Int, from: Int)]

    public init(topology: Topology) throws(PeriodicError) {
        let count = topology.atomCount
        atomCount = count
        // Compressed adjacency lists, neighbours in bond order.
        var degree = [Int](repeating: 0, count: count + 1)
        for bond in topology.bonds {
            guard (0 ..< count).contains(bond.first), (0 ..< count).contains(bond.second), bond.first != bond.second else {
                throw PeriodicError("bond (\(bond.first), \(bond.second)) refers to an atom outside 0..<\(count)")
            }
            degree[bond.first + 1] += 1
            degree[bond.second + 1] += 1
        }
        for atom in 0 ..< count { degree[atom + 1] += degree[atom] }
        var fill = degree, neighbours = [Int](repeating: 0, count: topology.bonds.count * 2)
        for bond in topology.bonds {
            neighbours[fill[bond.first]] = bond.second; fill[bond.first] += 1
            neighbours[fill[bond.second]] = bond.first; fill[bond.second] += 1
        }

        var visited = [Bool](repeating: false, count: count)
        var molecules = [[Int]](), unbonded = [Int](), steps = [(atom: Int, from: Int)]()
        steps.reserveCapacity(count)
        for root in 0 ..< count where !visited[root] {
            visited[root] = true
            guard degree[root + 1] > degree[root] else { unbonded.append(root); continue }
            var members = [root], head = 0
            while head < members.count {
                let current = members[head]
                head += 1
                for slot in degree[current] ..< degree[current + 1] {
                    let next = neighbours[slot]
                    guard !visited[next] else { continue }
                    visited[next] = true
                    members.append(next)
                    steps.append((next, current))
                }
            }
            molecules.append(members)
        }
        self.molecules = molecules
        unbondedAtoms = unbonded
        self.steps = steps
    }

    /// Makes every molecule whole in every frame of `chunk`, in place. With `wrapCentres`, each
    /// whole molecule (and each unbonded atom) is then moved by a lattice vector so that its
    /// geometric centre lies in the primary cell {s·(a, b, c) : 0 ≤ s < 1}.
    public func makeWhole(_ chunk: inout FrameChunk, wrapCentres: Bool = false) throws(PeriodicError) {
        guard chunk.atomCount == atomCount else {
            throw PeriodicError("the chunk has \(chunk.atomCount) atoms but the topology \(atomCount)")
        }
        guard let boxes = chunk.boxes else { throw PeriodicError("the chunk has no unit cell; there is nothing to unwrap") }
        let cells: [PeriodicCell]
        do {
            cells = try boxes.map { box throws(PeriodicError) in try PeriodicCell(box) }
        } catch {
            let frame = boxes.firstIndex { !$0.isValid }
            throw PeriodicError(frame: frame, error.problem)
        }
        let width = atomCount * 3
        chunk.positions.withUnsafeMutableBufferPointer { positions in
            for (frame, cell) in cells.enumerated() {
                let base = frame * width
                func point(_ atom: Int) -> SIMD3<Double> {
                    let o = base + atom * 3
                    return SIMD3(Double(positions[o]), Double(positions[o + 1]), Double(positions[o + 2]))
                }
                func store(_ atom: Int, _ p: SIMD3<Double>) {
                    let o = base + atom * 3
                    positions[o] = Float(p.x); positions[o + 1] = Float(p.y); positions[o + 2] = Float(p.z)
                }
                for step in steps {
                    let anchor = point(step.from)
                    store(step.atom, anchor + cell.minimumImage(point(step.atom) - anchor))
                }
                guard wrapCentres else { continue }
                func wrap(_ atoms: [Int]) {
                    var centre = SIMD3<Double>()
                    for atom in atoms { centre += point(atom) }
                    let shift = cell.shiftIntoPrimaryCell(centre / Double(atoms.count))
                    guard shift != .zero else { return }
                    for atom in atoms { store(atom, point(atom) + shift) }
                }
                for molecule in molecules { wrap(molecule) }
                for atom in unbondedAtoms { wrap([atom]) }
            }
        }
    }
}
