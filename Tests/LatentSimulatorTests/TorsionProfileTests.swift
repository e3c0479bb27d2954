import Foundation
import LatentSimulator
import NeuralNet
import TestSupport
import Testing
import Trajectories

/// The torsion divergence that chooses the decoder's kept generator, checked against constructed
/// frames whose angles and histograms are known exactly, and against MDTraj on alanine dipeptide.
@Suite("Torsion profile: angles, joint histograms and their Jensen-Shannon divergence")
struct TorsionProfileTests {
    /// A chain of `angles.count + 3` atoms whose consecutive torsions are `angles` (degrees): bond
    /// vectors of 0.15 nm, bond angles of 90°, placed with each torsion measured exactly.
    static func chain(_ angles: [Double]) -> [Float] {
        // p0 = (1, 0, 0), p1 = 0, p2 = (0, 0, 1), p3 = (cos θ, sin θ, 1) has the IUPAC dihedral θ
        // (MDTraj's compute_dihedrals gives 60.0 for θ = 60°); later atoms extend the chain the
        // same way from the last three.
        var points: [SIMD3<Double>] = [SIMD3(1, 0, 0), SIMD3(0, 0, 0), SIMD3(0, 0, 1)]
        for theta in angles {
            let (a, b, c) = (points[points.count - 3], points[points.count - 2], points[points.count - 1])
            let axis = normalized(c - b), back = normalized(a - b)
            let x = normalized(back - (back * axis).sum() * axis)
            let y = cross(axis, x)
            let t = theta * .pi / 180
            points.append(c + cos(t) * x + sin(t) * y)
        }
        return points.flatMap { p in [p.x, p.y, p.z].map { Float(0.15 * $0) } }
    }

    static func normalized(_ v: SIMD3<Double>) -> SIMD3<Double> { v / (v * v).sum().squareRoot() }
    static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    static func frames(_ rows: [[Float]]) -> Matrix {
        Matrix(rows: rows.count, cols: rows[0].count, values: rows.flatMap { $0 })
    }

    static func bonds(chainOf atoms: Int) -> [AtomPair] { (0..<(atoms - 1)).map { AtomPair($0, $0 + 1) } }

    @Test("a constructed chain's torsions are the angles it was built with")
    func angles() throws {
        for theta in stride(from: -170.0, through: 180, by: 35) {
            let frame = Self.chain([theta, -theta / 2])
            let p = (0..<5).map { i in SIMD3(Double(frame[3 * i]), Double(frame[3 * i + 1]), Double(frame[3 * i + 2])) }
            let first = TorsionProfile.angle(p[0], p[1], p[2], p[3]) * 180 / .pi
            let second = TorsionProfile.angle(p[1], p[2], p[3], p[4]) * 180 / .pi
            // ±180° are the same angle; coordinates are stored as Float (7 digits).
            #expect(abs(remainder(first - theta, 360)) < 1e-4, "θ = \(theta): \(first)")
            #expect(abs(remainder(second + theta / 2, 360)) < 1e-4, "θ = \(theta): \(second)")
        }
    }

    @Test("one torsion: identical samples diverge by 0; half moved to another bin by the closed form")
    func single() throws {
        let reference = Self.frames(Array(repeating: Self.chain([60]), count: 100))
        let profile = try #require(TorsionProfile(bonds: Self.bonds(chainOf: 4), atomCount: 4, frames: reference))
        #expect(profile.quartets == [[0, 1, 2, 3]])
        #expect(profile.groups == [[0]])
        #expect(profile.divergence(of: reference) == 0)
        // p = (1, 0), q = (½, ½): JSD = ½ ln(4/3) + ¼ ln(2/3) + ¼ ln 2.
        let exact = 0.5 * log(4.0 / 3) + 0.25 * log(2.0 / 3) + 0.25 * log(2.0)
        let half = Self.frames(Array(repeating: Self.chain([60]), count: 50) + Array(repeating: Self.chain([-120]), count: 50))
        #expect(abs(profile.divergence(of: half) - exact) < 1e-12)
        // Uniform scaling (network units) and a rotation change no angle.
        let scaled = Matrix(rows: half.rows, cols: half.cols, values: (0..<half.count).map { 3 * half.pointer[$0] })
        #expect(abs(profile.divergence(of: scaled) - exact) < 1e-12)
        // Frames that are all non-finite fill no bin: the worst score.
        let broken = Self.frames([[Float](repeating: .nan, count: 12)])
        #expect(profile.divergence(of: broken) == log(2))
    }

    @Test("adjacent torsions are compared jointly: equal marginals with swapped pairs are disjoint (ln 2)")
    func joint() throws {
        let reference = Self.frames(Array(repeating: Self.chain([60, 60]), count: 50) + Array(repeating: Self.chain([-120, -120]), count: 50))
        let profile = try #require(TorsionProfile(bonds: Self.bonds(chainOf: 5), atomCount: 5, frames: reference))
        #expect(profile.quartets == [[0, 1, 2, 3], [1, 2, 3, 4]])
        #expect(profile.groups == [[0, 1]])
        let swapped = Self.frames(Array(repeating: Self.chain([60, -120]), count: 50) + Array(repeating: Self.chain([-120, 60]), count: 50))
        #expect(abs(profile.divergence(of: swapped) - log(2)) < 1e-12)
        #expect(profile.divergence(of: reference) == 0)
        // No torsion without three bonds in a row.
        #expect(TorsionProfile(bonds: [AtomPair(0, 1), AtomPair(0, 2)], atomCount: 3,
                               frames: Self.frames([[Float](repeating: 0, count: 9)])) == nil)
    }

    struct MDTrajDihedrals: Decodable { var degrees: [Double] }

    @Test("alanine dipeptide's heavy atoms: φ, ψ and both ω, compared in three adjacent pairs; angles as MDTraj's")
    func alanineDipeptide() throws {
        let (topology, heavy, reference) = try AlanineDipeptide.load()
        let check = StructureCheck(topology: topology, atomIndices: heavy, reference: reference)
        let frame = Matrix(rows: 1, cols: reference.count, values: reference)
        let profile = try #require(TorsionProfile(bonds: check.bonds, atomCount: check.atomCount, frames: frame))
        let name = { (i: Int) in topology.atoms[heavy[i]].name }
        // The central bonds: ACE C–N, ALA N–CA (φ), CA–C (ψ), ALA C–NME N.
        #expect(profile.quartets.map { "\(name($0[1]))-\(name($0[2]))" } == ["C-N", "N-CA", "CA-C", "C-N"])
        #expect(profile.groups == [[0, 1], [1, 2], [2, 3]])
        let script = """
        import json, sys, mdtraj
        t = mdtraj.load(sys.argv[1])
        d = mdtraj.compute_dihedrals(t, json.loads(sys.argv[2]), periodic=False)[0]
        print(json.dumps({'degrees': [float(x) * 180 / 3.141592653589793 for x in d]}))
        """
        let full = profile.quartets.map { $0.map { heavy[$0] } }
        let json = String(decoding: try JSONEncoder().encode(full), as: UTF8.self)
        let mdtraj = try decodeJSON(MDTrajDihedrals.self, from: try runPython(script, [Repository.alanineDipeptidePDB, json]))
        for (q, theirs) in zip(profile.quartets, mdtraj.degrees) {
            let p = q.map { i in SIMD3(Double(reference[3 * i]), Double(reference[3 * i + 1]), Double(reference[3 * i + 2])) }
            let mine = TorsionProfile.angle(p[0], p[1], p[2], p[3]) * 180 / .pi
            #expect(abs(remainder(mine - theirs, 360)) < 1e-3, "\(q): \(mine) vs MDTraj \(theirs)")
        }
    }
}
