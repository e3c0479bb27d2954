import Foundation
import Trajectories

/// Valid small files of every fuzzed format, written by lss's own writers, as libFuzzer's starting
/// points: each corpus entry is the format's selector byte followed by the file's bytes.
enum SeedCorpus {
    static func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lss-corpus-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for (selector, format) in ReaderExercise.formats.enumerated() where format != .lammpsDump {
            for atoms in [3, 12] {
                let path = "\(scratch)/seed.\(format.extensions[0])"
                try writeSample(path, format: format, atoms: atoms)
                var bytes = Data([UInt8(selector)])
                bytes.append(try Data(contentsOf: URL(fileURLWithPath: path)))
                try bytes.write(to: URL(fileURLWithPath: "\(directory)/\(format.rawValue)-\(atoms)"))
            }
        }
        // LAMMPS dumps are read only: a hand-written two-frame custom dump.
        let dump = """
            ITEM: TIMESTEP
            0
            ITEM: NUMBER OF ATOMS
            2
            ITEM: BOX BOUNDS pp pp pp
            0 10
            0 10
            0 10
            ITEM: ATOMS id type x y z vx vy vz
            1 1 1.0 2.0 3.0 0.1 0.2 0.3
            2 1 4.0 5.0 6.0 -0.1 -0.2 -0.3
            ITEM: TIMESTEP
            100
            ITEM: NUMBER OF ATOMS
            2
            ITEM: BOX BOUNDS xy xz yz pp pp pp
            0 10 0.5
            0 10 0
            0 10 0
            ITEM: ATOMS id type xs ys zs
            2 1 0.4 0.5 0.6
            1 1 0.1 0.2 0.3

            """
        let selector = UInt8(ReaderExercise.formats.firstIndex(of: .lammpsDump)!)
        try (Data([selector]) + Data(dump.utf8)).write(to: URL(fileURLWithPath: "\(directory)/lammpstrj-2"))
    }

    static func writeSample(_ path: String, format: TrajectoryFormat, atoms: Int) throws {
        let topology = Topology(
            chains: [.init(id: "A")],
            residues: (0 ..< atoms).map { .init(name: "ALA", number: $0 + 1, chainIndex: 0) },
            atoms: (0 ..< atoms).map { .init(name: "CA", element: .carbon, residueIndex: $0) })
        let writer = try TrajectoryFile.makeWriter(path, format: format, atomCount: atoms, topology: topology)
        for frame in 0 ..< (format.isSingleFrame ? 1 : 3) {
            let positions = (0 ..< atoms).map { SIMD3(Double($0) * 0.15, Double(frame) * 0.01 + 1, 1.5) }
            try writer.write(Frame(positions: positions,
                                   velocities: positions.map { $0 * 0.1 },
                                   box: Box(lengths: [3, 3, 3], angles: [90, 90, 90]),
                                   time: Double(frame), step: frame * 10))
        }
        try writer.close()
    }
}
