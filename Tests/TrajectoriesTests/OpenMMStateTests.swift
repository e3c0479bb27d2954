import Foundation
import Testing
import Trajectories

/// What OpenMM reports about a State, printed with Python's repr (full precision) as JSON.
struct OpenMMStateReport: Decodable {
    var positions: [[Double]]
    var velocities: [[Double]]
    var box: [[Double]]
    var time: Double
    var step: Int
}

/// Python: alanine dipeptide with amber14-all.xml in a triclinic periodic box on the Reference
/// platform (which keeps positions in double precision). argv[2] "run": 300 steps of Langevin
/// dynamics, then `saveState(argv[3])`; "load": `loadState(argv[3])`. Either way it prints the
/// context's state as an `OpenMMStateReport`.
let openmmStateScript = """
import sys, json, openmm as mm, openmm.app as app, openmm.unit as u
pdb = app.PDBFile(sys.argv[1])
mode, path = sys.argv[2], sys.argv[3]
pdb.topology.setPeriodicBoxVectors([mm.Vec3(2.5, 0, 0), mm.Vec3(0.3, 2.4, 0), mm.Vec3(-0.4, 0.5, 2.3)] * u.nanometer)
system = app.ForceField('amber14-all.xml').createSystem(pdb.topology, nonbondedMethod=app.CutoffPeriodic,
                                                        nonbondedCutoff=0.9 * u.nanometer, constraints=app.HBonds)
integrator = mm.LangevinMiddleIntegrator(300 * u.kelvin, 1 / u.picosecond, 2 * u.femtoseconds)
integrator.setRandomNumberSeed(5)
sim = app.Simulation(pdb.topology, system, integrator, mm.Platform.getPlatformByName('Reference'))
if mode == 'run':
    sim.context.setPositions(pdb.positions)
    sim.context.setVelocitiesToTemperature(300 * u.kelvin, 5)
    sim.step(300)
    sim.saveState(path)
else:
    sim.loadState(path)
s = sim.context.getState(getPositions=True, getVelocities=True)
print(json.dumps({
  'positions': s.getPositions(asNumpy=True).value_in_unit(u.nanometer).tolist(),
  'velocities': s.getVelocities(asNumpy=True).value_in_unit(u.nanometer / u.picosecond).tolist(),
  'box': s.getPeriodicBoxVectors(asNumpy=True).value_in_unit(u.nanometer).tolist(),
  'time': s.getTime().value_in_unit(u.picosecond), 'step': s.getStepCount()}))
"""

func triples(_ values: [SIMD3<Double>]) -> [[Double]] { values.map { [$0.x, $0.y, $0.z] } }

@Suite("OpenMM state XML: exact round trips through OpenMM")
struct OpenMMStateTests {
    @Test("a state OpenMM saved reads back bit for bit, and OpenMM loads lss's modified state bit for bit")
    func roundTripThroughOpenMM() throws {
        let workspace = try Workspace()
        let saved = workspace.path("saved.xml"), modified = workspace.path("modified.xml")
        let original = try decodeJSON(OpenMMStateReport.self, from: try runPython(
            openmmStateScript, [Repository.alanineDipeptidePDB, "run", saved]))

        var frame = try OpenMMStateFile.read(path: saved)
        #expect(triples(frame.positions) == original.positions)
        #expect(triples(try #require(frame.velocities)) == original.velocities)
        let box = try #require(frame.box)
        #expect(triples([box.a, box.b, box.c]) == original.box)
        #expect(frame.time == original.time)
        #expect(frame.step == 300 && original.step == 300)

        // New numbers that use all 53 bits, so that any rounding on the way would show.
        frame.velocities = frame.velocities?.enumerated().map { index, v in v * 1.5 + SIMD3(repeating: 1e-3 / 3 * Double(index)) }
        frame.positions = frame.positions.map { SIMD3($0.x.nextUp, $0.y / 3, -$0.z) }
        frame.time = (frame.time ?? 0) + 1.0 / 3
        frame.step = 123_456_789_012
        try OpenMMStateFile.write(frame, to: modified)
        let loaded = try decodeJSON(OpenMMStateReport.self, from: try runPython(
            openmmStateScript, [Repository.alanineDipeptidePDB, "load", modified]))
        #expect(loaded.positions == triples(frame.positions))
        #expect(loaded.velocities == triples(try #require(frame.velocities)))
        #expect(loaded.box == original.box)
        #expect(loaded.time == frame.time)
        #expect(loaded.step == 123_456_789_012)
    }

    @Test("20 000 atoms with extreme values survive lss's own write and read bit for bit")
    func largeRoundTrip() throws {
        let workspace = try Workspace()
        let path = workspace.path("big.xml")
        var generator = SystemRandomNumberGenerator()
        let special: [Double] = [0, -0.0, 1e-300, -5e20, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, 1.0 / 3]
        func random() -> SIMD3<Double> {
            SIMD3(Double.random(in: -50 ... 50, using: &generator), special.randomElement(using: &generator) ?? 0,
                  Double.random(in: -1e-3 ... 1e-3, using: &generator))
        }
        let frame = Frame(positions: (0 ..< 20_000).map { _ in random() }, velocities: (0 ..< 20_000).map { _ in random() },
                          forces: (0 ..< 20_000).map { _ in random() }, box: Box(lengths: [5, 6, 7], angles: [80, 90, 100]),
                          time: 2.5e6 / 3, step: 7)
        try OpenMMStateFile.write(frame, to: path)
        let back = try OpenMMStateFile.read(path: path)
        func bits(_ values: [SIMD3<Double>]?) -> [UInt64] { (values ?? []).flatMap { [$0.x.bitPattern, $0.y.bitPattern, $0.z.bitPattern] } }
        #expect(bits(back.positions) == bits(frame.positions))
        #expect(bits(back.velocities) == bits(frame.velocities))
        #expect(bits(back.forces) == bits(frame.forces))
        #expect(back.box == frame.box && back.time == frame.time && back.step == 7)

        let reader = try OpenMMStateReader(path: path)
        #expect(reader.atomCount == 20_000)
        #expect(try reader.countFrames() == 1)
        let chunk = try #require(try reader.read(maxFrames: 10))
        #expect(chunk.frameCount == 1 && chunk.positions[0] == Float(frame.positions[0].x))
        #expect(try reader.read(maxFrames: 10) == nil)
        try reader.seek(toFrame: 0)
        #expect(try reader.readFrame() == back)
    }

    @Test("the writer takes exactly one frame and needs a box")
    func writerRules() throws {
        let workspace = try Workspace()
        let path = workspace.path("one.xml")
        let frame = Frame(positions: [[1, 2, 3], [4, 5, 6]], box: Box(rectangular: 3, 3, 3), time: 1)
        let writer = try OpenMMStateWriter(path: path, atomCount: 2)
        #expect(throws: TrajectoryError.self) { try writer.write(FrameChunk(atomCount: 2, positions: [Float](repeating: 0, count: 12), times: [0, 1])) }
        try writer.write(frame)
        #expect(throws: TrajectoryError.self) { try writer.write(frame) }
        try writer.close()
        #expect(try OpenMMStateFile.read(path: path) == frame)

        #expect(throws: TrajectoryError.self) { try OpenMMStateWriter(path: path, atomCount: 2).close() }
        var boxless = frame
        boxless.box = nil
        #expect(throws: TrajectoryError.self) { try OpenMMStateFile.write(boxless, to: path) }
        try OpenMMStateFile.write(boxless, to: path, defaultBox: Box(rectangular: 2, 2, 2))
        #expect(try OpenMMStateFile.read(path: path).box == Box(rectangular: 2, 2, 2))
    }

    static let template = """
    <?xml version="1.0" ?>
    <!-- a comment -->
    <State openmmVersion="8.6.1" stepCount="12" time=".5" type="State" version="1">
    \t<PeriodicBoxVectors>
    \t\t<A x="2" y="0" z="0"/>
    \t\t<B x="0" y="2" z="0"/>
    \t\t<C x="0" y="0" z="2"/>
    \t</PeriodicBoxVectors>
    \t<Parameters k="2.5"/>
    \t<Energies KineticEnergy="7.0" PotentialEnergy="2.5"/>
    \t<Positions>
    \t\t<Position x="1" y="2" z="3"/>
    \t\t<Position x='.1' y="1e-300" z="-5e+20"></Position>
    \t</Positions>
    \t<Velocities>
    \t\t<Velocity x="1" y="2" z="3"/>
    \t\t<Velocity x=".1" y=".2" z=".3"/>
    \t</Velocities>
    </State>
    """

    @Test("the template itself parses (so the damaged variants fail for their damage)")
    func templateParses() throws {
        let workspace = try Workspace()
        let path = workspace.path("template.xml")
        try Self.template.write(toFile: path, atomically: true, encoding: .utf8)
        let frame = try OpenMMStateFile.read(path: path)
        #expect(frame.positions == [SIMD3(1, 2, 3), SIMD3(0.1, 1e-300, -5e20)])
        #expect(frame.velocities == [SIMD3(1, 2, 3), SIMD3(0.1, 0.2, 0.3)])
        #expect(frame.time == 0.5 && frame.step == 12 && frame.box == Box(rectangular: 2, 2, 2))
    }

    @Test("damaged state files throw a TrajectoryError naming the file", arguments: [
        ("missing attribute", #"<Position x="1" y="2" z="3"/>"#, #"<Position x="1" y="2"/>"#, TrajectoryError.Kind.malformed, "no z"),
        ("non-numeric", #"x=".1""#, #"x="0.1abc""#, .malformed, "not a number"),
        ("NaN", #"x=".1""#, #"x="nan""#, .nonFinite, "nan"),
        ("infinity", #"y=".2""#, #"y="-inf""#, .nonFinite, "inf"),
        ("empty value", #"y=".2""#, #"y="""#, .malformed, "empty"),
        ("more positions than velocities", "\t\t<Velocity x=\".1\" y=\".2\" z=\".3\"/>\n", "", .mismatch, "2 positions but 1 velocities"),
        ("truncated", "</Velocities>\n</State>", "</Velo", .malformed, "never closed"),
        ("truncated between tags", "\n</State>", "", .malformed, "truncated"),
        ("attribute without value", #"time=".5""#, #"time=".5 type="#, .malformed, "no '='"),
        ("unterminated quote", "z=\".3\"/>\n\t</Velocities>\n</State>", "z=\".3/>\n", .malformed, "no closing quote"),
        ("mismatched close", "</Velocities>", "</Positions>", .malformed, "does not close"),
        ("missing box vector", "\t\t<C x=\"0\" y=\"0\" z=\"2\"/>\n", "", .malformed, "<C>"),
        ("bad step count", #"stepCount="12""#, #"stepCount="12a""#, .malformed, "whole number"),
        ("huge step count", #"stepCount="12""#, #"stepCount="99999999999999999999999""#, .malformed, "too large"),
        ("wrong root", "<State ", "<System ", .malformed, "not <State>"),
        ("no positions", "Positions>", "Ignored>", .malformed, "no <Positions>"),
        ("two position sections", "<Velocities>", "<Positions>", .malformed, "second <Positions>"),
    ])
    func damaged(label: String, find: String, replacement: String, kind: TrajectoryError.Kind, fragment: String) throws {
        let workspace = try Workspace()
        let path = workspace.path("damaged.xml")
        #expect(Self.template.contains(find), "the test's damage must apply")
        try Self.template.replacingOccurrences(of: find, with: replacement).write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try OpenMMStateReader(path: path)
            Issue.record("\(label): read without an error")
        } catch let error as TrajectoryError {
            #expect(error.path == path)
            #expect(error.kind == kind, "\(label): \(error)")
            #expect(error.problem.contains(fragment), "\(label): \(error)")
        }
    }

    @Test("empty, binary and missing files throw instead of crashing", arguments: ["empty", "binary", "missing", "text"])
    func notStateFiles(kind: String) throws {
        let workspace = try Workspace()
        let path = workspace.path("\(kind).xml")
        switch kind {
        case "empty": _ = FileManager.default.createFile(atPath: path, contents: Data())
        case "binary": _ = FileManager.default.createFile(atPath: path, contents: Data((0 ..< 4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        case "text": try "<<<>>> < / = \" '".write(toFile: path, atomically: true, encoding: .utf8)
        default: break
        }
        #expect {
            _ = try OpenMMStateFile.read(path: path)
        } throws: { error in
            (error as? TrajectoryError)?.path == path
        }
    }

    /// A timing check, run by hand in release on a large state:
    /// `LSS_XML_BENCH=/path/state.xml swift test -c release --filter xmlSpeed`.
    @Test("speed: reading and writing a large state file",
          .enabled(if: ProcessInfo.processInfo.environment["LSS_XML_BENCH"] != nil))
    func xmlSpeed() throws {
        let path = try #require(ProcessInfo.processInfo.environment["LSS_XML_BENCH"])
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("lss-xml-bench-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let clock = ContinuousClock()
        var frame: Frame?
        let reading = try clock.measure { frame = try OpenMMStateFile.read(path: path) }
        let state = try #require(frame)
        let writing = try clock.measure { try OpenMMStateFile.write(state, to: copy) }
        print("OpenMM state of \(state.atomCount) atoms: read \(reading), write \(writing)")
        #expect(try OpenMMStateFile.read(path: copy) == state)
    }
}
