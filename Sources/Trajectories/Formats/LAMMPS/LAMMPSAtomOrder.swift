/// Puts the atoms of every frame in the order of their ids, since LAMMPS writes them in whatever
/// order its processors hold them unless `dump_modify sort id` is used.
///
/// The order comes from the first frame read. The common case, ids 1...N, maps an id straight to
/// its slot; other id sets (atoms deleted, ids with gaps) go through a dictionary of the sorted ids.
struct LAMMPSAtomOrder {
    private let isContiguous: Bool
    private let slots: [Int: Int]
    let count: Int

    /// nil when an id appears twice.
    init?(ids: [Int]) {
        count = ids.count
        let sorted = ids.sorted()
        for index in sorted.indices.dropFirst() where sorted[index] == sorted[index - 1] { return nil }
        isContiguous = sorted.first == 1 && sorted.last == ids.count
        slots = isContiguous ? [:] : Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
    }

    /// Zero-based slot of `id`, or nil when the first frame had no such atom.
    @inline(__always)
    func slot(of id: Int) -> Int? {
        if isContiguous { return id >= 1 && id <= count ? id - 1 : nil }
        return slots[id]
    }
}
