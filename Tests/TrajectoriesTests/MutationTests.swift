import Foundation
import Testing
import Trajectories

/// Randomized corruption of valid files of every binary format: truncations, flipped bits,
/// overwritten words (huge counts, negative sizes, NaN bit patterns) and spliced blocks. Every case
/// must end either in frames or in a TrajectoryError that names the file; a trap or a foreign
/// error fails the test (a trap kills the whole test process, which fails the run too).
@Suite("Bad input: mutated binary files never crash the readers")
struct MutationTests {
    static let binaryFormats: [TrajectoryFormat] = [.dcd, .xtc, .trr, .amberNetCDF, .amberNetCDFRestart, .mdtrajHDF5]
    static let casesPerFormat = 150

    @Test("mutated files give frames or a TrajectoryError naming the file", arguments: binaryFormats)
    func mutations(format: TrajectoryFormat) throws {
        let workspace = try Workspace()
        let valid = workspace.path("valid.\(format.extensions[0])")
        try writeSample(valid, format: format)
        let original = try Data(contentsOf: URL(fileURLWithPath: valid))
        var random = SplitMix64(seed: 0x5eed_0000 + UInt64(TrajectoryFormat.allCases.firstIndex(of: format) ?? 0))
        var outcomes = [String: Int]()
        for index in 0 ..< Self.casesPerFormat {
            let (mutated, kind) = mutate(original, &random)
            let path = workspace.path("case\(index).\(format.extensions[0])")
            try mutated.write(to: URL(fileURLWithPath: path))
            do {
                try readEverything(path, format: format)
                outcomes["read", default: 0] += 1
            } catch let error as TrajectoryError {
                #expect(error.path == path, "case \(index) (\(kind)): error names \(error.path)")
                #expect(!error.problem.isEmpty)
                outcomes["error", default: 0] += 1
            } catch {
                Issue.record("case \(index) (\(kind)): \(type(of: error)) instead of TrajectoryError: \(error)")
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        // The mutations must actually break files; if every case read cleanly the harness is broken.
        #expect(outcomes["error", default: 0] > Self.casesPerFormat / 10, "\(outcomes)")
    }

    @Test("a file cut anywhere inside its last frame is an error naming that frame, not a short read",
          arguments: binaryFormats.filter { $0 != .amberNetCDFRestart })
    func truncatedLastFrame(format: TrajectoryFormat) throws {
        let workspace = try Workspace()
        let valid = workspace.path("valid.\(format.extensions[0])")
        try writeSample(valid, format: format)
        let original = try Data(contentsOf: URL(fileURLWithPath: valid))
        let cut = workspace.path("cut.\(format.extensions[0])")
        // Drop the final 8 bytes: the last frame's last coordinates are gone.
        try original.prefix(original.count - 8).write(to: URL(fileURLWithPath: cut))
        #expect(throws: TrajectoryError.self) { try readEverything(cut, format: format) }
    }

    /// A small valid file: 30 atoms, 6 frames, a triclinic box, times 0, 2, 4 ... ps.
    func writeSample(_ path: String, format: TrajectoryFormat) throws {
        let atoms = 30
        var random = SplitMix64(seed: 42)
        let topology = Topology.sample(atoms: atoms)
        let writer = try TrajectoryFile.makeWriter(path, format: format, atomCount: atoms, topology: topology)
        let frames = format.isSingleFrame ? 1 : 6
        for frame in 0 ..< frames {
            let positions = (0 ..< atoms).map { _ in SIMD3(random.uniform() * 3, random.uniform() * 3, random.uniform() * 3) }
            let velocities = (0 ..< atoms).map { _ in SIMD3(random.uniform() - 0.5, random.uniform() - 0.5, random.uniform() - 0.5) }
            try writer.write(Frame(positions: positions, velocities: velocities,
                                   box: Box(lengths: [3, 3.2, 3.4], angles: [80, 95, 100]),
                                   time: Double(frame) * 2, step: frame * 1000))
        }
        try writer.close()
    }

    func readEverything(_ path: String, format: TrajectoryFormat) throws {
        let reader = try TrajectoryFile.openReader(path, format: format)
        defer { reader.close() }
        let count = try reader.countFrames()
        var frames = 0
        while let chunk = try reader.read(maxFrames: 4) {
            frames += chunk.frameCount
            #expect(chunk.firstNonFinite() == nil, "\(path): non-finite coordinates delivered without an error")
        }
        #expect(frames == count, "\(path): countFrames said \(count), reading gave \(frames)")
        if count > 0 {
            try reader.seek(toFrame: count - 1)
            _ = try reader.readFrame()
        }
    }

    func mutate(_ data: Data, _ random: inout SplitMix64) -> (Data, String) {
        var bytes = [UInt8](data)
        switch random.below(6) {
        case 0:
            let length = random.below(bytes.count)
            return (Data(bytes.prefix(length)), "truncated to \(length)")
        case 1:
            for _ in 0 ... random.below(8) {
                let at = random.below(bytes.count)
                bytes[at] ^= UInt8(1) << UInt8(random.below(8))
            }
            return (Data(bytes), "bit flips")
        case 2:
            // A header-sized word overwritten with an extreme value, in either byte order.
            let extremes: [UInt32] = [0, 0xffff_ffff, 0x7fff_ffff, 0x8000_0000, 0x7fc0_0000, 0x0100_0000, 3]
            let word = extremes[random.below(extremes.count)]
            let at = random.below(max(1, min(bytes.count - 4, 512)))
            for k in 0 ..< 4 { bytes[at + k] = UInt8(truncatingIfNeeded: word >> (8 * UInt32(k))) }
            return (Data(bytes), "word at \(at) = \(word)")
        case 3:
            let at = random.below(bytes.count)
            let length = min(bytes.count - at, 1 + random.below(64))
            for k in 0 ..< length { bytes[at + k] = UInt8(truncatingIfNeeded: random.next()) }
            return (Data(bytes), "random block at \(at)")
        case 4:
            let from = random.below(bytes.count), to = random.below(bytes.count)
            let length = min(bytes.count - max(from, to), 1 + random.below(256))
            for k in 0 ..< length { bytes[to + k] = bytes[from + k] }
            return (Data(bytes), "spliced \(length) bytes")
        default:
            let at = random.below(bytes.count)
            bytes.insert(contentsOf: (0 ..< 1 + random.below(16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
            return (Data(bytes), "inserted bytes at \(at)")
        }
    }
}


extension Topology {
    /// `atoms` argon atoms, one residue each, for formats that need atom names.
    static func sample(atoms: Int) -> Topology {
        Topology(chains: [Chain(id: "A")],
                 residues: (0 ..< atoms).map { Residue(name: "AR", number: $0 + 1, chainIndex: 0) },
                 atoms: (0 ..< atoms).map { Atom(name: "AR", element: Element(symbol: "Ar"), residueIndex: $0) })
    }
}
