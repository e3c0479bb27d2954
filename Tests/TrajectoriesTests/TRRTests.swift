import Foundation
import Testing
import Trajectories

/// A short GROMACS run of alanine dipeptide (amber99sb-ildn) in a 4 nm cubic box with cut-offs, the
/// pseudo-vacuum setup of ../shared/notes/engines-and-slurm.md §2, made inside a test. Output
/// intervals of 0 leave that output out.
struct GromacsRun {
    let directory: String
    var xtc: String { directory + "/md.xtc" }
    var trr: String { directory + "/md.trr" }
    var tpr: String { directory + "/md.tpr" }

    init(in workspace: Workspace, binary: String = "gmx", steps: Int = 100, xtcEvery: Int = 10,
         positionsEvery: Int = 10, velocitiesEvery: Int = 10, forcesEvery: Int = 10) throws {
        directory = workspace.url.path
        try FileManager.default.copyItem(atPath: Repository.alanineDipeptidePDB, toPath: directory + "/ala2.pdb")
        try runProgram("gmx", ["-quiet", "pdb2gmx", "-f", "ala2.pdb", "-o", "ala2.gro", "-p", "topol.top",
                               "-ff", "amber99sb-ildn", "-water", "tip3p", "-ignh"], in: directory)
        try runProgram("gmx", ["-quiet", "editconf", "-f", "ala2.gro", "-o", "box.gro", "-bt", "cubic", "-box", "4", "-c"],
                       in: directory)
        let mdp = """
        integrator = sd
        dt = 0.002
        nsteps = \(steps)
        ref-t = 300
        tc-grps = System
        tau-t = 1.0
        ld-seed = 42
        pbc = xyz
        cutoff-scheme = Verlet
        coulombtype = cut-off
        rcoulomb = 1.2
        rvdw = 1.2
        constraints = h-bonds
        nstxout-compressed = \(xtcEvery)
        nstxout = \(positionsEvery)
        nstvout = \(velocitiesEvery)
        nstfout = \(forcesEvery)
        nstenergy = 0
        nstlog = 0
        gen-vel = yes
        gen-temp = 300
        gen-seed = 42
        """
        try mdp.write(toFile: directory + "/md.mdp", atomically: true, encoding: .utf8)
        try runProgram(binary, ["-quiet", "grompp", "-f", "md.mdp", "-c", "box.gro", "-p", "topol.top", "-o", "md.tpr"],
                       in: directory)
        try runProgram(binary, ["-quiet", "mdrun", "-deffnm", "md", "-nt", "1"], in: directory)
    }
}

/// Python: MDTraj reads every record of a TRR file, with velocities and forces, and prints them.
let mdtrajReadTRRPython = xdrFramesPython + """
from mdtraj.formats import TRRTrajectoryFile
# MDTraj refuses to read velocities or forces that the first frame lacks: ask for what is there.
for want_v, want_f in [(True, True), (True, False), (False, True), (False, False)]:
    try:
        with TRRTrajectoryFile(sys.argv[1]) as f:
            xyz, time, step, box, lambd, v, frc = f._read(100000, None, get_velocities=want_v, get_forces=want_f)
        break
    except RuntimeError:
        continue
print(json.dumps({'xyz': as_lists(xyz), 'time': as_lists(time), 'step': np.asarray(step).tolist(),
                  'box': as_lists(box), 'velocities': as_lists(v), 'forces': as_lists(frc)}))
"""

/// Flattens frames × atoms × 3 JSON arrays.
private func flat(_ values: [[[Double]]]?) -> [Double]? { values.map { $0.flatMap { $0.flatMap { $0 } } } }

private func floats(_ values: [Float]?) -> [Double]? { values.map { $0.map(Double.init) } }

@Suite("TRR: GROMACS full-precision trajectories against MDTraj and GROMACS")
struct TRRTests {
    @Test("MDTraj-written TRR files (x, v, f, box) read exactly as MDTraj reads them",
          arguments: [(5, true), (300, false)])
    func readsMDTrajFiles(atoms: Int, triclinic: Bool) throws {
        let workspace = try Workspace()
        let path = workspace.path("mdtraj.trr")
        let write = xdrFramesPython + """
        from mdtraj.formats import TRRTrajectoryFile
        atoms = int(sys.argv[2])
        xyz, time, step, box = make_frames(atoms, 5, sys.argv[3] == '1', atoms)
        rng = np.random.default_rng(5)
        v = rng.normal(0, 1, xyz.shape).astype(np.float32)
        frc = rng.normal(0, 500, xyz.shape).astype(np.float32)
        with TRRTrajectoryFile(sys.argv[1], 'w') as f:
            c = np.ascontiguousarray
            f._write(c(xyz), c(time), c(step), c(box), np.zeros(len(time), np.float32), c(v), c(frc))
        """
        try runPython(write, [path, "\(atoms)", triclinic ? "1" : "0"])
        let reference = try decodeJSON(XDRReference.self, from: try runPython(mdtrajReadTRRPython, [path]))
        let reader = try TRRReader(path: path)
        #expect(reader.atomCount == atoms && !reader.isDoublePrecision)
        #expect(try reader.countFrames() == 5)
        let all = try xdrJoined(xdrReadChunks(reader))
        #expect(floats(all.positions) == flat(reference.xyz))
        #expect(floats(all.velocities) == flat(reference.velocities))
        #expect(floats(all.forces) == flat(reference.forces))
        #expect(all.times == reference.time && all.steps == reference.step)
        #expect(xdrBoxRows(try #require(all.boxes)) == reference.box)
    }

    @Test("seek(toFrame:) then read or readFrame gives the frame of a sequential read")
    func randomAccess() throws {
        let workspace = try Workspace()
        let path = workspace.path("lss.trr")
        let chunk = try sampleChunk(workspace, atoms: 40, frames: 9)
        let writer = try TRRWriter(path: path, atomCount: 40)
        try writer.write(chunk)
        try writer.close()
        let reader = try TRRReader(path: path)
        let sequential = try xdrJoined(xdrReadChunks(reader, chunkSize: 4))
        #expect(sequential == chunk)
        var generator = SplitMix64(seed: 9)
        for k in Array(0 ..< 9).shuffled(using: &generator) + [8, 0] {
            try reader.seek(toFrame: k)
            #expect(try reader.read(maxFrames: 1) == sequential.selecting(frames: [k]))
            try reader.seek(toFrame: k)
            #expect(try reader.readFrame() == sequential.frame(k))
        }
        try reader.seek(toFrame: 9)
        #expect(try reader.read(maxFrames: 1) == nil && reader.readFrame() == nil)
        #expect(xdrError { try reader.seek(toFrame: 10) }?.kind == .mismatch)
    }

    @Test("lss-written TRR files (single and double precision) read back in MDTraj exactly",
          arguments: [false, true])
    func writesFilesMDTrajReads(double: Bool) throws {
        let workspace = try Workspace()
        let path = workspace.path("lss.trr")
        let chunk = try sampleChunk(workspace, atoms: 25, frames: 4)
        let writer = try TRRWriter(path: path, atomCount: 25, doublePrecision: double)
        try writer.write(chunk.selecting(frames: [0]))
        try writer.write(chunk.selecting(frames: [1, 2, 3]))
        try writer.close()
        let reference = try decodeJSON(XDRReference.self, from: try runPython(mdtrajReadTRRPython, [path]))
        #expect(flat(reference.xyz) == floats(chunk.positions))
        #expect(flat(reference.velocities) == floats(chunk.velocities))
        #expect(flat(reference.forces) == floats(chunk.forces))
        #expect(reference.time == chunk.times && reference.step == chunk.steps)
        #expect(reference.box == xdrBoxRows(try #require(chunk.boxes)))
        #expect(try TRRReader(path: path).isDoublePrecision == double)
    }

    @Test("a double-precision frame keeps every Float64 digit through TRRWriter and TRRReader")
    func doubleFrameRoundTrip() throws {
        let workspace = try Workspace()
        let path = workspace.path("double.trr")
        var generator = SplitMix64(seed: 3)
        func vectors() -> [SIMD3<Double>] {
            (0 ..< 11).map { _ in SIMD3(.random(in: -3 ... 3, using: &generator), .random(in: -3 ... 3, using: &generator),
                                       .random(in: -3 ... 3, using: &generator)) }
        }
        let frame = Frame(positions: vectors(), velocities: vectors(), forces: nil,
                          box: Box(lengths: [3.1, 3.2, 3.3], angles: [80, 95, 100]), time: 12.345678901234, step: 6789)
        let writer = try TRRWriter(path: path, atomCount: 11, doublePrecision: true)
        try writer.write(frame)
        try writer.close()
        let read = try #require(try TRRReader(path: path).readFrame())
        #expect(read == frame)
        let reference = try decodeJSON(XDRReference.self, from: try runPython(mdtrajReadTRRPython, [path]))
        #expect(flat(reference.xyz) == frame.positions.flatMap { [Double(Float($0.x)), Double(Float($0.y)), Double(Float($0.z))] })
    }

    @Test("a GROMACS mdrun TRR (x, v, f) reads as MDTraj reads it and re-encodes to GROMACS's exact bytes")
    func gromacsTRR() throws {
        let workspace = try Workspace()
        let run = try GromacsRun(in: workspace)
        let reader = try TRRReader(path: run.trr)
        #expect(reader.atomCount == 22 && !reader.isDoublePrecision)
        #expect(try reader.countFrames() == 11)
        let all = try xdrJoined(xdrReadChunks(reader, chunkSize: 3))
        let reference = try decodeJSON(XDRReference.self, from: try runPython(mdtrajReadTRRPython, [run.trr]))
        #expect(floats(all.positions) == flat(reference.xyz))
        #expect(floats(all.velocities) == flat(reference.velocities))
        #expect(floats(all.forces) == flat(reference.forces))
        #expect(all.steps == Array(stride(from: 0, through: 100, by: 10)) && all.steps == reference.step)
        #expect(all.times.map { Float($0) } == reference.time.map { Float($0) })
        #expect(xdrBoxRows(try #require(all.boxes)) == reference.box)

        let copy = workspace.path("copy.trr")
        let writer = try TRRWriter(path: copy, atomCount: 22)
        try writer.write(all)
        try writer.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: run.trr)),
                "lss's TRR differs from the one GROMACS wrote for the same frames")
    }

    @Test("a double-precision GROMACS TRR (gmx_d mdrun) reads in full Float64, equal to gmx_d's 9-decimal .g96 dump")
    func gromacsDoubleTRR() throws {
        let workspace = try Workspace()
        let run = try GromacsRun(in: workspace, binary: "gmx_d", forcesEvery: 0)
        try runProgram("gmx_d", ["-quiet", "trjconv", "-f", run.trr, "-s", run.tpr, "-o", "md.g96"],
                       in: run.directory, input: "0\n")
        let g96 = try G96Frames(path: run.directory + "/md.g96")
        let reader = try TRRReader(path: run.trr)
        #expect(reader.isDoublePrecision)
        #expect(try reader.countFrames() == 11 && g96.positions.count == 11)
        var frames = [Frame]()
        while let frame = try reader.readFrame() { frames.append(frame) }
        #expect(frames.count == 11)
        var float32Misses = 0, values = 0, worst = 0.0
        for (k, frame) in frames.enumerated() where k < g96.positions.count {
            #expect(frame.step == g96.steps[k])
            #expect(abs((frame.time ?? .nan) - g96.times[k]) < 1e-9)
            for (block, text) in [(frame.positions, g96.positions[k]), (frame.velocities ?? [], g96.velocities[k])] {
                let read = block.flatMap { [$0.x, $0.y, $0.z] }
                #expect(read.count == text.count)
                for (value, printed) in zip(read, text) {
                    worst = max(worst, abs(value - printed))
                    if abs(Double(Float(value)) - printed) > 2e-9 { float32Misses += 1 }
                    values += 1
                }
            }
            #expect(frame.box == Box(rectangular: 4, 4, 4))
        }
        // g96 prints 9 decimals: a Float64 reading agrees to 5e-10.
        #expect(worst <= 1e-9, "lss's Float64 values differ from gmx_d's by up to \(worst)")
        // The comparison is sharp enough to tell Float64 from Float32 reading.
        #expect(float32Misses > values / 2)

        // Chunks carry the same values narrowed to Float32.
        try reader.seek(toFrame: 0)
        let chunk = try xdrJoined(xdrReadChunks(reader, chunkSize: 5))
        #expect(chunk.positions == frames.flatMap { $0.positions.flatMap { [Float($0.x), Float($0.y), Float($0.z)] } })

        // Writing the Float64 frames back in double precision reproduces gmx_d's file byte for byte.
        let copy = workspace.path("copy.trr")
        let writer = try TRRWriter(path: copy, atomCount: 22, doublePrecision: true)
        for frame in frames { try writer.write(frame) }
        try writer.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: run.trr)))
    }

    @Test("velocities in every other frame: chunks end where the layout changes, each chunk uniform")
    func velocitiesInSomeFrames() throws {
        let workspace = try Workspace()
        let run = try GromacsRun(in: workspace, positionsEvery: 10, velocitiesEvery: 20, forcesEvery: 0)
        let reader = try TRRReader(path: run.trr)
        let chunks = try xdrReadChunks(reader, chunkSize: 4)
        let reference = try decodeJSON(XDRReference.self, from: try runPython(mdtrajReadTRRPython, [run.trr]))
        #expect(chunks.map(\.frameCount).reduce(0, +) == 11)
        for chunk in chunks {
            let steps = try #require(chunk.steps)
            #expect(chunk.forces == nil)
            let withVelocities = steps.map { $0 % 20 == 0 }
            #expect(Set(withVelocities).count == 1, "a chunk mixes frames with and without velocities")
            #expect((chunk.velocities != nil) == withVelocities[0])
            for (index, step) in steps.enumerated() {
                let k = try #require(reference.step.firstIndex(of: step))
                let atoms = chunk.atomCount * 3
                let mine = chunk.positions[(index * atoms) ..< ((index + 1) * atoms)].map(Double.init)
                #expect(mine == reference.xyz[k].flatMap { $0 })
                if let velocities = chunk.velocities {
                    let v = velocities[(index * atoms) ..< ((index + 1) * atoms)].map(Double.init)
                    #expect(v == reference.velocities?[k].flatMap { $0 })
                }
            }
        }
    }

    @Test("TRR records without positions (nstvout < nstxout) are skipped by reading, counting and seeking")
    func recordsWithoutPositions() throws {
        let workspace = try Workspace()
        let run = try GromacsRun(in: workspace, positionsEvery: 20, velocitiesEvery: 10, forcesEvery: 10)
        let dump = try runProgram("gmx", ["-quiet", "dump", "-f", run.trr], in: run.directory)
        let records = dump.split(separator: "\n").filter { $0.contains(" frame ") && $0.hasSuffix(":") }.count
        #expect(records == 11)
        let reader = try TRRReader(path: run.trr)
        #expect(try reader.countFrames() == 6)
        let all = try xdrJoined(xdrReadChunks(reader))
        #expect(all.steps == [0, 20, 40, 60, 80, 100])
        #expect(all.velocities != nil && all.forces != nil)
        try reader.seek(toFrame: 3)
        #expect(try reader.readFrame()?.step == 60)
    }

    // MARK: Bad input

    @Test("NaN in a TRR frame is a non-finite error naming the path and the frame")
    func nanCoordinates() throws {
        let workspace = try Workspace()
        let path = try writeSampleTRR(workspace, atoms: 10, frames: 4)
        let frameSize = 84 + 36 + 10 * 12 * 3
        for (block, offset) in [("position", 0), ("velocity", 120), ("force", 240)] {
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            let at = 2 * frameSize + 84 + 36 + offset + 2 * 12 + 4
            withUnsafeBytes(of: Float.nan.bitPattern.bigEndian) { data.replaceSubrange(at ..< (at + 4), with: $0) }
            let bad = workspace.path("nan-\(block).trr")
            try data.write(to: URL(fileURLWithPath: bad))
            let (frames, error) = xdrReadUntilError { try TRRReader(path: bad) }
            #expect(frames == 2)
            #expect(error?.kind == .nonFinite && error?.frame == 2 && error?.path == bad)
            #expect(error?.problem.contains(block) == true)
            let reader = try TRRReader(path: bad)
            try reader.seek(toFrame: 2)
            #expect(xdrError { _ = try reader.readFrame() }?.frame == 2)
        }
        #expect(xdrError {
            let writer = try TRRWriter(path: workspace.path("nan.trr"), atomCount: 2)
            try writer.write(FrameChunk(atomCount: 2, positions: [0, 0, 0, .nan, 0, 0], times: [0]))
        }?.kind == .nonFinite)
    }

    @Test("a TRR cut inside a frame, a wrong magic number, or sizes past the end are malformed at that frame")
    func malformed() throws {
        let workspace = try Workspace()
        let path = try writeSampleTRR(workspace, atoms: 10, frames: 4)
        let frameSize = 84 + 36 + 10 * 12 * 3
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var cases: [(String, Data, Int, String)] = [
            ("cut-header", data.prefix(3 * frameSize + 50), 3, "ends inside"),
            ("cut-data", data.prefix(3 * frameSize + 300), 3, "truncated"),
        ]
        var magic = data
        magic[frameSize + 2] = 0x55
        cases.append(("magic", magic, 1, "magic"))
        // The last frame claims double precision: its blocks then need more bytes than the file has.
        var sizes = data
        for (field, value) in [(32, UInt32(72)), (52, UInt32(240)), (56, UInt32(240)), (60, UInt32(240))] {
            withUnsafeBytes(of: value.bigEndian) { sizes.replaceSubrange((3 * frameSize + field) ..< (3 * frameSize + field + 4), with: $0) }
        }
        cases.append(("sizes", sizes, 3, "past its end"))
        for (name, bytes, frame, words) in cases {
            let bad = workspace.path("\(name).trr")
            try bytes.write(to: URL(fileURLWithPath: bad))
            let (frames, error) = xdrReadUntilError { try TRRReader(path: bad) }
            #expect(frames == frame, "\(name)")
            #expect(error?.kind == .malformed && error?.frame == frame && error?.path == bad, "\(name): \(String(describing: error))")
            #expect(error?.problem.contains(words) == true, "\(name): \(String(describing: error))")
            let countError = xdrError { _ = try TRRReader(path: bad).countFrames() }
            #expect(countError?.kind == .malformed && countError?.frame == frame, "\(name)")
        }
    }

    @Test("a TRR frame with a different atom count than the first is a mismatch at that frame")
    func atomCountChange() throws {
        let workspace = try Workspace()
        let first = try writeSampleTRR(workspace, atoms: 10, frames: 3, name: "a.trr")
        let second = try writeSampleTRR(workspace, atoms: 12, frames: 2, name: "b.trr")
        let joinedPath = workspace.path("joined.trr")
        try (Data(contentsOf: URL(fileURLWithPath: first)) + Data(contentsOf: URL(fileURLWithPath: second)))
            .write(to: URL(fileURLWithPath: joinedPath))
        let (frames, error) = xdrReadUntilError { try TRRReader(path: joinedPath) }
        #expect(frames == 3)
        #expect(error?.kind == .mismatch && error?.frame == 3 && error?.path == joinedPath)
        #expect(xdrError { _ = try TRRReader(path: joinedPath).countFrames() }?.frame == 3)
    }

    @Test("random byte damage never crashes the TRR reader")
    func damagedBytes() throws {
        let workspace = try Workspace()
        let path = try writeSampleTRR(workspace, atoms: 10, frames: 3)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var generator = SplitMix64(seed: 77)
        let damaged = workspace.path("damaged.trr")
        for _ in 0 ..< 300 {
            var data = original
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &generator) {
                // Damage the headers mostly: that is where sizes live.
                let frame = Int.random(in: 0 ..< 3, using: &generator) * (84 + 36 + 360)
                data[frame + Int.random(in: 0 ..< 120, using: &generator)] = UInt8.random(in: 0 ... 255, using: &generator)
            }
            try data.write(to: URL(fileURLWithPath: damaged))
            _ = xdrReadUntilError { try TRRReader(path: damaged) }
            _ = xdrError {
                let reader = try TRRReader(path: damaged)
                _ = try reader.countFrames()
                while try reader.readFrame() != nil {}
            }
        }
    }
}

// MARK: - Helpers

/// Frames from the shared Python generator with random velocities and forces.
private func sampleChunk(_ workspace: Workspace, atoms: Int, frames: Int) throws -> FrameChunk {
    let inputs = workspace.path("inputs.bin")
    let generate = xdrFramesPython + """
    xyz, time, step, box = make_frames(int(sys.argv[2]), int(sys.argv[3]), True, 21)
    rng = np.random.default_rng(8)
    save_inputs(sys.argv[1], xyz, time, step, box, rng.normal(0, 1, xyz.shape), rng.normal(0, 300, xyz.shape))
    """
    try runPython(generate, [inputs, "\(atoms)", "\(frames)"])
    return try xdrLoadInputs(inputs)
}

/// A single-precision TRR with box, x, v and f (frames of 84 + 36 + 36·atoms bytes).
private func writeSampleTRR(_ workspace: Workspace, atoms: Int, frames: Int, name: String = "sample.trr") throws -> String {
    let path = workspace.path(name)
    let values = (0 ..< frames * atoms * 3).map { Float($0 % 29) * 0.11 - 1 }
    let writer = try TRRWriter(path: path, atomCount: atoms)
    try writer.write(FrameChunk(atomCount: atoms, positions: values, velocities: values.map { $0 * 2 },
                                forces: values.map { $0 * 3 }, times: (0 ..< frames).map { Double($0) },
                                boxes: Array(repeating: Box(rectangular: 3, 3, 3), count: frames)))
    try writer.close()
    return path
}

/// The frames of a GROMACS .g96 file: TIMESTEP, POSITIONRED and VELOCITYRED blocks.
private struct G96Frames {
    var steps = [Int](), times = [Double](), positions = [[Double]](), velocities = [[Double]]()

    init(path: String) throws {
        var block = ""
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text == "END" { block = ""; continue }
            if ["TITLE", "TIMESTEP", "POSITIONRED", "VELOCITYRED", "BOX"].contains(text) {
                block = text
                if text == "POSITIONRED" { positions.append([]) }
                if text == "VELOCITYRED" { velocities.append([]) }
                continue
            }
            let numbers = text.split(separator: " ").compactMap { Double($0) }
            switch block {
            case "TIMESTEP":
                steps.append(Int(numbers[0]))
                times.append(numbers[1])
            case "POSITIONRED": positions[positions.count - 1] += numbers
            case "VELOCITYRED": velocities[velocities.count - 1] += numbers
            default: break
            }
        }
    }
}
