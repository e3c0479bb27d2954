import Foundation
import LatentSimulator
import NeuralNet
import TestSupport
import Testing

@Suite("Coordinate scaling: Kabsch alignment without reflection, scaled into [-1, 1]")
struct DecoderScalingTests {
    /// Alanine dipeptide heavy-atom frames: the reference rotated, translated and jittered, plus
    /// its mirror image rotated.
    static func frames(_ reference: [Float], count: Int) -> Matrix {
        var random = RandomGenerator(seed: 5)
        let a = reference.count / 3
        let frames = Matrix(rows: count, cols: reference.count)
        for f in 0..<count {
            let source = f == count - 1 ? AlanineDipeptide.mirrored(reference) : reference
            let rotation = DecoderToy.randomRotation(&random)
            let shift = SIMD3(Double(random.normal()), Double(random.normal()), Double(random.normal()))
            for i in 0..<a {
                let p = SIMD3(Double(source[3 * i]), Double(source[3 * i + 1]), Double(source[3 * i + 2]))
                    + SIMD3(Double(random.normal()), Double(random.normal()), Double(random.normal())) * 0.02
                let q = DecoderToy.rotate(rotation, p) + shift
                frames[f, 3 * i] = Float(q.x); frames[f, 3 * i + 1] = Float(q.y); frames[f, 3 * i + 2] = Float(q.z)
            }
        }
        return frames
    }

    @Test("align matches mdtraj.superpose, keeps handedness, and scaled training frames lie in [-1, 1]")
    func alignment() throws {
        let (topology, heavy, reference) = try AlanineDipeptide.load()
        let frames = Self.frames(reference, count: 20)
        let scaling = CoordinateScaling(reference: reference, atomIndices: heavy, trainingFrames: frames)
        let aligned = scaling.align(frames)

        // The reference is centred.
        for k in 0..<3 {
            let centre = stride(from: k, to: scaling.reference.count, by: 3).map { Double(scaling.reference[$0]) }.reduce(0, +)
            #expect(abs(centre) < 1e-6)
        }

        // MDTraj superposes the same frames on the centred reference (its own Float32 QCP code).
        let workspace = try Workspace()
        let input = ["reference": scaling.reference, "frames": frames.values]
        try JSONEncoder().encode(input).write(to: URL(fileURLWithPath: workspace.path("frames.json")))
        let script = """
        import json, sys, numpy as np, mdtraj
        data = json.load(open(sys.argv[1]))
        top = mdtraj.load(sys.argv[2]).topology.subset(json.loads(sys.argv[3]))
        a = top.n_atoms
        ref = mdtraj.Trajectory(np.array(data['reference'], dtype=np.float32).reshape(1, a, 3), top)
        t = mdtraj.Trajectory(np.array(data['frames'], dtype=np.float32).reshape(-1, a, 3), top)
        t.superpose(ref)
        print(json.dumps([float(x) for x in t.xyz.reshape(-1)]))
        """
        let text = try runPython(script, [workspace.path("frames.json"), Repository.alanineDipeptidePDB,
                                          String(describing: heavy)])
        let mdtraj = try JSONDecoder().decode([Double].self, from: Data(lastLine(of: text).utf8))
        #expect(mdtraj.count == aligned.count)
        var worst = 0.0
        for i in 0..<min(mdtraj.count, aligned.count) { worst = max(worst, abs(Double(aligned.pointer[i]) - mdtraj[i])) }
        // Float32 on both sides, coordinates of ~1 nm after a translation by ~1 nm: 1e-5 nm.
        #expect(worst < 2e-5, "largest difference to mdtraj.superpose: \(worst) nm")

        // No reflection: the mirror image stays a mirror image after alignment, the others do not become one.
        let check = StructureCheck(topology: topology, atomIndices: heavy, reference: reference)
        let before = check.evaluate(frames), after = check.evaluate(aligned)
        #expect(before.mirrorFraction == 1.0 / 20 && after.mirrorFraction == 1.0 / 20)
        let mirrorRow = aligned.rows([19])
        #expect(check.evaluate(mirrorRow).mirrorFraction == 1)

        // Scaled into [-1, 1]: the largest aligned coordinate (of the frames or of the reference) at 1/1.05.
        let scaled = scaling.normalize(aligned)
        let largest = scaled.values.map { abs($0) }.max() ?? 0
        let referenceLargest = scaling.reference.map { abs($0) / scaling.scale }.max() ?? 0
        #expect(largest <= 1 / CoordinateScaling.margin + 1e-6)
        #expect(abs(max(largest, referenceLargest) - 1 / CoordinateScaling.margin) < 1e-5)
    }
}
