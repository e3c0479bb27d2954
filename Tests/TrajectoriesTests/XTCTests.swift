import Foundation
import Testing
import Trajectories

// MARK: - Shared by the XTC and TRR tests

/// Python that defines `make_frames(atoms, frames, triclinic, seed)`: Float32 coordinates built to
/// exercise every path of the XTC compressor (bonded chains give runs of small steps, water-like
/// triplets the swapped first pair, scattered atoms large jumps that shrink the small width, tight
/// clusters tiny steps, and in frame 2 an atom 20 µm away whose range needs more than 24 bits), with
/// times, steps and rectangular or triclinic boxes; and `save_inputs(path, ...)`, which stores them
/// raw (little-endian) for the Swift side.
let xdrFramesPython = """
import json, sys, numpy as np
from mdtraj.utils import lengths_and_angles_to_box_vectors

def make_frames(atoms, frames, triclinic, seed):
    rng = np.random.default_rng(seed)
    def coordinates(k):
        x = np.empty((atoms, 3))
        i, last = 0, rng.uniform(0, 4, 3)
        while i < atoms:
            kind, n = int(rng.integers(4)), min(atoms - i, int(rng.integers(1, 40)))
            if kind == 0:
                x[i:i+n] = last + np.cumsum(rng.normal(0, 0.08, (n, 3)), axis=0)
            elif kind == 1:
                for j in range(n):
                    x[i+j] = rng.uniform(0, 5, 3) if j % 3 == 0 else x[i+j-j%3] + rng.normal(0, 0.06, 3)
            elif kind == 2:
                x[i:i+n] = rng.uniform(-2, 8, (n, 3))
            else:
                x[i:i+n] = last + rng.normal(0, 0.003, (n, 3))
            last, i = x[i+n-1], i + n
        if k == 2 and atoms > 9:
            x[0] = [20000.0, -20000.0, 3.0]
        return x
    xyz = np.stack([coordinates(k) for k in range(frames)]).astype(np.float32)
    time = (0.5 + 2.5 * np.arange(frames) + rng.uniform(0, 1, frames)).astype(np.float32)
    step = (1000 * np.arange(frames) + rng.integers(0, 999, frames)).astype(np.int32)
    lengths = rng.uniform(3, 6, (frames, 3))
    angles = rng.uniform(70, 110, (frames, 3)) if triclinic else np.full((frames, 3), 90.0)
    a, b, c = lengths_and_angles_to_box_vectors(lengths[:, 0], lengths[:, 1], lengths[:, 2],
                                                angles[:, 0], angles[:, 1], angles[:, 2])
    box = np.stack([a, b, c], axis=1).astype(np.float32)
    return xyz, time, step, box

def save_inputs(path, xyz, time, step, box, v=None, f=None):
    with open(path, 'wb') as out:
        np.array([xyz.shape[0], xyz.shape[1], v is not None, f is not None], dtype='<i4').tofile(out)
        for array, kind in [(xyz, '<f4'), (time, '<f4'), (step, '<i4'), (box, '<f4')] + \\
                           [(a, '<f4') for a in (v, f) if a is not None]:
            np.ascontiguousarray(array, dtype=kind).tofile(out)

def as_lists(array):
    return None if array is None else np.asarray(array).astype(float).tolist()

"""

/// What a Python reference printed about a trajectory (MDTraj or the generator).
struct XDRReference: Decodable {
    var xyz: [[[Double]]]
    var time: [Double]
    var step: [Int]
    var box: [[[Double]]]?
    var velocities: [[[Double]]]?
    var forces: [[[Double]]]?
    /// The generator's coordinates before any rounding, when printed.
    var original: [[[Double]]]?
}

/// Frames the Python generator stored with `save_inputs`, as a chunk.
func xdrLoadInputs(_ path: String) throws -> FrameChunk {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try data.withUnsafeBytes { raw -> FrameChunk in
        var offset = 0
        func int32() -> Int32 {
            defer { offset += 4 }
            return Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
        }
        func floats(_ count: Int) -> [Float] {
            (0 ..< count).map { _ in Float(bitPattern: UInt32(bitPattern: int32())) }
        }
        let frames = Int(int32()), atoms = Int(int32()), hasVelocities = int32() != 0, hasForces = int32() != 0
        try #require(data.count >= 16 + 4 * frames * (atoms * 3 * (1 + (hasVelocities ? 1 : 0) + (hasForces ? 1 : 0)) + 11))
        let xyz = floats(frames * atoms * 3)
        let time = floats(frames).map(Double.init)
        let step = (0 ..< frames).map { _ in Int(int32()) }
        let boxValues = floats(frames * 9).map(Double.init)
        let boxes = (0 ..< frames).map { k in
            Box(a: SIMD3(boxValues[9 * k], boxValues[9 * k + 1], boxValues[9 * k + 2]),
                b: SIMD3(boxValues[9 * k + 3], boxValues[9 * k + 4], boxValues[9 * k + 5]),
                c: SIMD3(boxValues[9 * k + 6], boxValues[9 * k + 7], boxValues[9 * k + 8]))
        }
        let velocities = hasVelocities ? floats(frames * atoms * 3) : nil
        let forces = hasForces ? floats(frames * atoms * 3) : nil
        return FrameChunk(atomCount: atoms, positions: xyz, velocities: velocities, forces: forces, times: time,
                          steps: step, boxes: boxes)
    }
}

/// Reads a whole file chunk by chunk (small chunks, to exercise chunk boundaries), checking that
/// every chunk is internally consistent and that chunks follow each other.
func xdrReadChunks(_ reader: TrajectoryReader, chunkSize: Int = 2) throws -> [FrameChunk] {
    var chunks = [FrameChunk]()
    var expectedFirst = 0
    while let chunk = try reader.read(maxFrames: chunkSize) {
        #expect(chunk.frameCount >= 1 && chunk.frameCount <= chunkSize)
        #expect(chunk.firstFrame == expectedFirst)
        expectedFirst += chunk.frameCount
        chunks.append(chunk)
    }
    return chunks
}

/// The concatenation of chunks that all carry the same optional fields.
func xdrJoined(_ chunks: [FrameChunk]) throws -> FrameChunk {
    var all = try #require(chunks.first)
    for chunk in chunks.dropFirst() {
        all.positions += chunk.positions
        all.times += chunk.times
        all.steps = all.steps.map { $0 + (chunk.steps ?? []) }
        all.boxes = all.boxes.map { $0 + (chunk.boxes ?? []) }
        all.velocities = all.velocities.map { $0 + (chunk.velocities ?? []) }
        all.forces = all.forces.map { $0 + (chunk.forces ?? []) }
    }
    return all
}

/// Box rows as MDTraj prints them (frames × 3 × 3).
func xdrBoxRows(_ boxes: [Box]) -> [[[Double]]] {
    boxes.map { [[$0.a.x, $0.a.y, $0.a.z], [$0.b.x, $0.b.y, $0.b.z], [$0.c.x, $0.c.y, $0.c.z]] }
}

/// The error a throwing expression raised, as a TrajectoryError (nil when it did not throw).
func xdrError(_ body: () throws -> Void) -> TrajectoryError? {
    do {
        try body()
        return nil
    } catch let error as TrajectoryError {
        return error
    } catch {
        Issue.record("expected a TrajectoryError, got \(error)")
        return nil
    }
}

/// Reads every frame of `path` with `open`, returning the error that stopped it, if any.
func xdrReadUntilError(_ open: () throws -> TrajectoryReader) -> (frames: Int, error: TrajectoryError?) {
    var frames = 0
    let error = xdrError {
        let reader = try open()
        while let chunk = try reader.read(maxFrames: 3) { frames += chunk.frameCount }
    }
    return (frames, error)
}

// MARK: - XTC

/// Python: MDTraj reads an XTC file and prints it as an `XDRReference`.
let mdtrajReadXTCPython = xdrFramesPython + """
from mdtraj.formats import XTCTrajectoryFile
with XTCTrajectoryFile(sys.argv[1]) as f:
    xyz, time, step, box = f.read()
print(json.dumps({'xyz': as_lists(xyz), 'time': as_lists(time), 'step': np.asarray(step).tolist(), 'box': as_lists(box)}))
"""

/// Python: generates frames, writes them with MDTraj to argv[1], stores the inputs raw in argv[2],
/// and prints what MDTraj reads back plus the original coordinates.
let mdtrajWriteXTCPython = xdrFramesPython + """
from mdtraj.formats import XTCTrajectoryFile
atoms, frames, triclinic, seed = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == '1', int(sys.argv[6])
xyz, time, step, box = make_frames(atoms, frames, triclinic, seed)
save_inputs(sys.argv[2], xyz, time, step, box)
with XTCTrajectoryFile(sys.argv[1], 'w') as f:
    f.write(xyz, time=time, step=step, box=box)
with XTCTrajectoryFile(sys.argv[1]) as f:
    rxyz, rtime, rstep, rbox = f.read()
print(json.dumps({'xyz': as_lists(rxyz), 'time': as_lists(rtime), 'step': np.asarray(rstep).tolist(),
                  'box': as_lists(rbox), 'original': as_lists(xyz)}))
"""

/// Largest |lss − original| allowed after XTC rounding: half a precision unit, plus the Float32
/// rounding of the scaled value (which matters for the far atom at 20 µm).
func xtcTolerance(_ value: Double, precision: Double) -> Double {
    0.5 / precision * 1.0001 + abs(value) * 3e-7
}

@Suite("XTC: GROMACS compressed trajectories against MDTraj and GROMACS")
struct XTCTests {
    @Test("MDTraj-written XTC files decode bit-identically to MDTraj, within precision of the input",
          arguments: [(5, false), (9, true), (10, true), (50, false), (1000, true)])
    func readsMDTrajFiles(atoms: Int, triclinic: Bool) throws {
        let workspace = try Workspace()
        let path = workspace.path("mdtraj.xtc")
        let output = try runPython(mdtrajWriteXTCPython,
                                   [path, workspace.path("inputs.bin"), "\(atoms)", "6", triclinic ? "1" : "0", "\(atoms)"])
        let reference = try decodeJSON(XDRReference.self, from: output)
        let reader = try XTCReader(path: path)
        #expect(reader.atomCount == atoms)
        #expect(reader.precision == (atoms <= 9 ? nil : 1000))
        #expect(try reader.countFrames() == 6)
        let all = try xdrJoined(xdrReadChunks(reader))
        #expect(maxDifference(all.positions, reference.xyz) == 0, "lss and MDTraj decode differently")
        let original = try #require(reference.original).flatMap { $0.flatMap { $0 } }
        let worst = zip(all.positions, original).map { abs(Double($0) - $1) - xtcTolerance($1, precision: 1000) }.max()
        #expect(try #require(worst) <= 0, "a coordinate is further from the input than XTC rounding allows")
        #expect(all.times == reference.time)
        #expect(all.steps == reference.step)
        #expect(xdrBoxRows(try #require(all.boxes)) == reference.box)
        #expect(try reader.read(maxFrames: 10) == nil)
    }

    @Test("seek(toFrame:) then read gives the same frame as a sequential read, in any order")
    func randomAccess() throws {
        let workspace = try Workspace()
        let path = workspace.path("mdtraj.xtc")
        try runPython(mdtrajWriteXTCPython, [path, workspace.path("inputs.bin"), "300", "12", "1", "7"])
        let reader = try XTCReader(path: path)
        let sequential = try xdrJoined(xdrReadChunks(reader, chunkSize: 5))
        #expect(sequential.frameCount == 12)
        var generator = SystemRandomNumberGenerator()
        for k in Array(0 ..< 12).shuffled(using: &generator) + [11, 0, 5] {
            try reader.seek(toFrame: k)
            let chunk = try #require(try reader.read(maxFrames: 1))
            #expect(chunk.firstFrame == k)
            #expect(chunk == sequential.selecting(frames: [k]), "frame \(k) differs after seek")
        }
        try reader.seek(toFrame: 12)
        #expect(try reader.read(maxFrames: 1) == nil)
        let error = xdrError { try reader.seek(toFrame: 13) }
        #expect(error?.kind == .mismatch && error?.frame == 13 && error?.path == path)
    }

    @Test("lss-written XTC files read back in MDTraj within precision", arguments: [
        (40, Float(1000)), (40, Float(100)), (40, Float(100_000)), (7, Float(1000)),
    ])
    func writesFilesMDTrajReads(atoms: Int, precision: Float) throws {
        let workspace = try Workspace()
        let inputs = workspace.path("inputs.bin"), path = workspace.path("lss.xtc")
        let generate = xdrFramesPython + """
        xyz, time, step, box = make_frames(int(sys.argv[2]), 5, True, 11)
        save_inputs(sys.argv[1], xyz, time, step, box)
        """
        try runPython(generate, [inputs, "\(atoms)"])
        var chunk = try xdrLoadInputs(inputs)
        if precision == 100_000 {
            // Keep the far atom within the 32-bit range at this precision.
            chunk.positions = chunk.positions.map { abs($0) > 1000 ? $0 / 1000 : $0 }
        }
        let writer = try XTCWriter(path: path, atomCount: atoms, precision: precision)
        try writer.write(chunk.selecting(frames: [0, 1]))
        try writer.write(chunk.selecting(frames: [2, 3, 4]))
        try writer.close()

        let reference = try decodeJSON(XDRReference.self, from: try runPython(mdtrajReadXTCPython, [path]))
        let read = reference.xyz.flatMap { $0.flatMap { $0 } }
        #expect(read.count == chunk.positions.count)
        let worst = zip(chunk.positions, read).map { abs(Double($0) - $1) - xtcTolerance(Double($0), precision: Double(precision)) }.max()
        #expect(try #require(worst) <= 0, "MDTraj reads a coordinate further from lss's input than the precision allows")
        #expect(reference.time == chunk.times)
        #expect(reference.step == chunk.steps)
        #expect(reference.box == xdrBoxRows(try #require(chunk.boxes)))
        // lss reads its own file as MDTraj does.
        let again = try xdrJoined(xdrReadChunks(try XTCReader(path: path)))
        #expect(maxDifference(again.positions, reference.xyz) == 0)
    }

    @Test("lss's compressor writes the same bytes as MDTraj's for the same Float32 input",
          arguments: [(10, false), (64, true), (1000, true), (3000, false)])
    func compressorMatchesMDTrajByteForByte(atoms: Int, triclinic: Bool) throws {
        let workspace = try Workspace()
        let mdtrajPath = workspace.path("mdtraj.xtc"), lssPath = workspace.path("lss.xtc")
        let inputs = workspace.path("inputs.bin")
        try runPython(mdtrajWriteXTCPython, [mdtrajPath, inputs, "\(atoms)", "4", triclinic ? "1" : "0", "3"])
        let chunk = try xdrLoadInputs(inputs)
        let writer = try XTCWriter(path: lssPath, atomCount: atoms)
        try writer.write(chunk)
        try writer.close()
        let expected = try Data(contentsOf: URL(fileURLWithPath: mdtrajPath))
        let actual = try Data(contentsOf: URL(fileURLWithPath: lssPath))
        let firstDifference = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(actual.count == expected.count && firstDifference == nil,
                "sizes \(actual.count) vs \(expected.count), first difference at byte \(String(describing: firstDifference))")
    }

    @Test("a chunk without boxes is written with the zero box GROMACS uses and read back without a box")
    func noBox() throws {
        let workspace = try Workspace()
        let path = workspace.path("nobox.xtc")
        let positions = (0 ..< 2 * 12 * 3).map { Float($0 % 17) * 0.137 }
        let writer = try XTCWriter(path: path, atomCount: 12)
        try writer.write(FrameChunk(atomCount: 12, positions: positions, times: [1, 2]))
        try writer.close()
        let reference = try decodeJSON(XDRReference.self, from: try runPython(mdtrajReadXTCPython, [path]))
        // MDTraj reports an all-zero box as no box; the bytes hold the nine zeros.
        #expect(reference.box == nil)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for offset in try xtcFrameOffsets(path) { #expect(data[(offset + 16) ..< (offset + 52)].allSatisfy { $0 == 0 }) }
        #expect(reference.step == [0, 1])
        let chunk = try #require(try XTCReader(path: path).read(maxFrames: 10))
        #expect(chunk.boxes == nil && chunk.frameCount == 2)
    }

    @Test("a GROMACS mdrun XTC reads as MDTraj reads it, and lss re-encodes it to GROMACS's exact bytes")
    func gromacsXTC() throws {
        let workspace = try Workspace()
        let run = try GromacsRun(in: workspace)
        let reader = try XTCReader(path: run.xtc)
        #expect(reader.atomCount == 22 && reader.precision == 1000)
        #expect(try reader.countFrames() == 11)
        let all = try xdrJoined(xdrReadChunks(reader, chunkSize: 4))
        let reference = try decodeJSON(XDRReference.self, from: try runPython(mdtrajReadXTCPython, [run.xtc]))
        #expect(maxDifference(all.positions, reference.xyz) == 0)
        #expect(all.steps == Array(stride(from: 0, through: 100, by: 10)))
        #expect(all.times.enumerated().allSatisfy { abs($0.element - 0.02 * Double($0.offset)) < 1e-6 })
        #expect(all.boxes?.allSatisfy { $0 == Box(rectangular: 4, 4, 4) } == true)

        let copy = workspace.path("copy.xtc")
        let writer = try XTCWriter(path: copy, atomCount: 22)
        try writer.write(all)
        try writer.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: run.xtc)),
                "lss's XTC differs from the one GROMACS wrote for the same frames")
        // GROMACS itself reads lss's file.
        let dump = try runProgram("gmx", ["-quiet", "dump", "-f", copy], in: workspace.url.path)
        #expect(dump.split(separator: "\n").filter { $0.contains(" frame ") && $0.hasSuffix(":") }.count == 11)
    }

    // MARK: Bad input

    @Test("a file cut inside a frame throws a malformed error naming the path and that frame")
    func truncated() throws {
        let workspace = try Workspace()
        let path = try writeSampleXTC(workspace, atoms: 30, frames: 5)
        let offsets = try xtcFrameOffsets(path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in [offsets[3] + 20, offsets[3] + 100, offsets[4] - 3] {
            let truncatedPath = workspace.path("cut\(cut).xtc")
            try data.prefix(cut).write(to: URL(fileURLWithPath: truncatedPath))
            let (frames, error) = xdrReadUntilError { try XTCReader(path: truncatedPath) }
            #expect(frames == 3)
            #expect(error?.kind == .malformed && error?.frame == 3 && error?.path == truncatedPath)
            let countError = xdrError { _ = try XTCReader(path: truncatedPath).countFrames() }
            #expect(countError?.kind == .malformed && countError?.frame == 3)
        }
    }

    @Test("a wrong magic number is rejected with the frame it was found in")
    func wrongMagic() throws {
        let workspace = try Workspace()
        let path = try writeSampleXTC(workspace, atoms: 30, frames: 4)
        let offsets = try xtcFrameOffsets(path)
        for frame in [0, 2] {
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            data[offsets[frame] + 3] = 0x99
            let bad = workspace.path("magic\(frame).xtc")
            try data.write(to: URL(fileURLWithPath: bad))
            let (frames, error) = xdrReadUntilError { try XTCReader(path: bad) }
            #expect(frames == frame)
            #expect(error?.kind == .malformed && error?.frame == frame && error?.path == bad)
            #expect(error?.problem.contains("magic") == true)
        }
        let empty = workspace.path("empty.xtc")
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(xdrError { _ = try XTCReader(path: empty) }?.kind == .malformed)
        #expect(xdrError { _ = try XTCReader(path: workspace.path("missing.xtc")) }?.kind == .io)
    }

    @Test("a frame with a different atom count than the first is a mismatch at that frame")
    func atomCountChange() throws {
        let workspace = try Workspace()
        let first = try writeSampleXTC(workspace, atoms: 30, frames: 2, name: "a.xtc")
        let second = try writeSampleXTC(workspace, atoms: 31, frames: 2, name: "b.xtc")
        let joinedPath = workspace.path("joined.xtc")
        try (Data(contentsOf: URL(fileURLWithPath: first)) + Data(contentsOf: URL(fileURLWithPath: second)))
            .write(to: URL(fileURLWithPath: joinedPath))
        let (frames, error) = xdrReadUntilError { try XTCReader(path: joinedPath) }
        #expect(frames == 2)
        #expect(error?.kind == .mismatch && error?.frame == 2 && error?.path == joinedPath)
        let countError = xdrError { _ = try XTCReader(path: joinedPath).countFrames() }
        #expect(countError?.kind == .mismatch && countError?.frame == 2)
    }

    @Test("a compressed byte count that points past the end of the file is malformed at that frame")
    func byteCountPastEnd() throws {
        let workspace = try Workspace()
        let path = try writeSampleXTC(workspace, atoms: 30, frames: 4)
        let offsets = try xtcFrameOffsets(path)
        for (frame, value) in [(1, UInt32(0x7fff_fff0)), (3, UInt32(100_000)), (0, UInt32(0xffff_fff0))] {
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            withUnsafeBytes(of: value.bigEndian) { data.replaceSubrange((offsets[frame] + 88) ..< (offsets[frame] + 92), with: $0) }
            let bad = workspace.path("count\(frame).xtc")
            try data.write(to: URL(fileURLWithPath: bad))
            let (frames, error) = xdrReadUntilError { try XTCReader(path: bad) }
            #expect(frames == frame)
            #expect(error?.kind == .malformed && error?.frame == frame && error?.path == bad)
            #expect(error?.problem.contains("past the end") == true, "\(String(describing: error))")
        }
    }

    @Test("a header claiming 100 million atoms over a few compressed bytes is malformed, not a huge allocation")
    func absurdAtomCount() throws {
        let workspace = try Workspace()
        let path = try writeSampleXTC(workspace, atoms: 30, frames: 3)
        let offsets = try xtcFrameOffsets(path)
        for frame in [0, 1] {
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            for field in [4, 52] {
                withUnsafeBytes(of: UInt32(100_000_000).bigEndian) {
                    data.replaceSubrange((offsets[frame] + field) ..< (offsets[frame] + field + 4), with: $0)
                }
            }
            let bad = workspace.path("atoms\(frame).xtc")
            try data.write(to: URL(fileURLWithPath: bad))
            let (frames, error) = xdrReadUntilError { try XTCReader(path: bad) }
            #expect(frames == frame)
            #expect(error?.kind == .malformed && error?.frame == frame && error?.path == bad)
        }
    }

    @Test("NaN in an uncompressed (≤ 9 atoms) XTC frame is a non-finite error at that frame")
    func nanUncompressed() throws {
        let workspace = try Workspace()
        let path = try writeSampleXTC(workspace, atoms: 4, frames: 3)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let frameSize = 56 + 12 * 4
        withUnsafeBytes(of: Float.nan.bitPattern.bigEndian) { data.replaceSubrange((frameSize + 56 + 16) ..< (frameSize + 60 + 16), with: $0) }
        try data.write(to: URL(fileURLWithPath: path))
        let (frames, error) = xdrReadUntilError { try XTCReader(path: path) }
        #expect(frames == 1)
        #expect(error?.kind == .nonFinite && error?.frame == 1 && error?.path == path)
        #expect(xdrError {
            let writer = try XTCWriter(path: workspace.path("nan.xtc"), atomCount: 12)
            try writer.write(FrameChunk(atomCount: 12, positions: [Float](repeating: .nan, count: 36), times: [0]))
        }?.kind == .nonFinite)
    }

    @Test("random byte damage never crashes the reader: frames decode or a TrajectoryError is thrown")
    func damagedBytes() throws {
        let workspace = try Workspace()
        let path = try writeSampleXTC(workspace, atoms: 60, frames: 3)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var generator = SplitMix64(seed: 2024)
        let damaged = workspace.path("damaged.xtc")
        for _ in 0 ..< 400 {
            var data = original
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &generator) {
                data[Int.random(in: 0 ..< data.count, using: &generator)] = UInt8.random(in: 0 ... 255, using: &generator)
            }
            try data.write(to: URL(fileURLWithPath: damaged))
            _ = xdrReadUntilError { try XTCReader(path: damaged) }
            _ = xdrError { _ = try XTCReader(path: damaged).countFrames() }
        }
    }
}

// MARK: - Helpers for crafted XTC files

/// Writes `frames` frames of `atoms` atoms (a folded chain in a 3 nm box) with lss's writer.
func writeSampleXTC(_ workspace: Workspace, atoms: Int, frames: Int, name: String = "sample.xtc") throws -> String {
    let path = workspace.path(name)
    var positions = [Float]()
    for frame in 0 ..< frames {
        for atom in 0 ..< atoms {
            let t = Float(atom) * 0.7 + Float(frame) * 0.05
            positions += [1.5 + sin(t), 1.5 + cos(1.3 * t), 0.1 * Float(atom % 10) + 0.2]
        }
    }
    let writer = try XTCWriter(path: path, atomCount: atoms)
    try writer.write(FrameChunk(atomCount: atoms, positions: positions, times: (0 ..< frames).map { Double($0) },
                                boxes: Array(repeating: Box(rectangular: 3, 3, 3), count: frames)))
    try writer.close()
    return path
}

/// Frame start offsets of an XTC file, walked from its documented layout (independent of XTCReader).
func xtcFrameOffsets(_ path: String) throws -> [Int] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    func int32(_ at: Int) -> Int { Int(Int32(bitPattern: UInt32(data[at]) << 24 | UInt32(data[at + 1]) << 16 | UInt32(data[at + 2]) << 8 | UInt32(data[at + 3]))) }
    var offsets = [Int](), offset = 0
    while offset < data.count {
        offsets.append(offset)
        let atoms = int32(offset + 4)
        offset += atoms <= 9 ? 56 + 12 * atoms : 92 + (int32(offset + 88) + 3) / 4 * 4
    }
    return offsets
}

