import Foundation
import LatentSimulator
import NeuralNet
import TestSupport
import Testing

/// The clash guard decodes clashing (or inverted) frames again: frames that did not clash are untouched (the
/// batch's noise is drawn first, exactly as without the guard), the clashing ones are replaced by
/// frames that do not clash, and the counts say how many were redrawn.
@Suite("Clash guard: clashing decoded frames are redrawn")
struct ClashGuardTests {
    /// The smallest distance (nm) among `pairs` in each frame.
    static func closestContacts(_ frames: Matrix, pairs: [AtomPair]) -> [Float] {
        (0..<frames.rows).map { r in
            let row = frames.pointer + r * frames.cols
            return pairs.map { pair -> Float in
                let a = row + 3 * pair.first, b = row + 3 * pair.second
                let d = (0..<3).map { a[$0] - b[$0] }
                return (d.map { $0 * $0 }.reduce(0, +)).squareRoot()
            }.min()!
        }
    }

    @Test("unclashing rows are kept bit for bit, clashing rows are replaced by frames that do not clash",
          arguments: [1, 3])
    func redraw(generators: Int) throws {
        let decoder = try CoordinateDecoder(configuration: DecoderMixtureTests.configuration(generators: generators), seed: 12)
        let pairs = [AtomPair(0, 3), AtomPair(1, 4), AtomPair(2, 5)]
        var random = RandomGenerator(seed: 2)
        let latent = Matrix.randomNormal(rows: 3_000, cols: 2, generator: &random)
        var noise = RandomGenerator(seed: 21)
        let plain = decoder.generate(latent: latent, generator: &noise)
        // A threshold that a tenth of the unguarded frames fall below, midway between two frames'
        // contacts (so rounding in the guard's squared distances cannot move a frame across it).
        let contacts = Self.closestContacts(plain, pairs: pairs), sorted = contacts.sorted()
        let distance = (sorted[299] + sorted[300]) / 2
        let clashing = Set(contacts.indices.filter { contacts[$0] < distance })
        #expect(clashing.count == 300)

        decoder.guardClashes(ClashGuard(pairs: pairs, distance: Double(distance)))
        var same = RandomGenerator(seed: 21)
        let guarded = decoder.generate(latent: latent, generator: &same)
        #expect(decoder.guardedFrames == 3_000)
        #expect(decoder.redrawnFrames == clashing.count)
        let kept = Array(Set(0..<3_000).subtracting(clashing)).sorted(), redrawn = clashing.sorted()
        #expect(guarded.rows(kept).maxAbsoluteDifference(plain.rows(kept)) == 0)
        #expect(guarded.rows(redrawn).maxAbsoluteDifference(plain.rows(redrawn)) > 1e-3)
        // Redraws remove nearly all clashes; the few left are at latent points where this random
        // generator clashes for most noise draws, and they were among the redrawn rows.
        let after = Self.closestContacts(guarded, pairs: pairs)
        let still = after.indices.filter { after[$0] < distance }
        #expect(still.count < 15, "\(still.count) frames still clash")
        #expect(Set(still).isSubset(of: clashing))

        // Removing the guard decodes as before, and the counts restart with a new guard.
        decoder.guardClashes(nil)
        var again = RandomGenerator(seed: 21)
        #expect(decoder.generate(latent: latent, generator: &again).maxAbsoluteDifference(plain) == 0)
        #expect(decoder.redrawnFrames == 0 && decoder.guardedFrames == 0)
    }

    /// Signed volume (p1 − p0)·((p2 − p0) × (p3 − p0)) of atoms 0-3 of each frame, in Float64.
    static func volumes(_ frames: Matrix) -> [Double] {
        (0..<frames.rows).map { r in
            let row = frames.pointer + r * frames.cols
            let p = (0..<4).map { i in SIMD3(Double(row[3 * i]), Double(row[3 * i + 1]), Double(row[3 * i + 2])) }
            let u = p[1] - p[0], v = p[2] - p[0], w = p[3] - p[0]
            return (u * SIMD3(v.y * w.z - v.z * w.y, v.z * w.x - v.x * w.z, v.x * w.y - v.y * w.x)).sum()
        }
    }

    @Test("frames with an inverted chiral centre are redrawn; the others are kept bit for bit")
    func inverted() throws {
        let decoder = try CoordinateDecoder(configuration: DecoderMixtureTests.configuration(generators: nil), seed: 12)
        var random = RandomGenerator(seed: 3)
        let latent = Matrix.randomNormal(rows: 2_000, cols: 2, generator: &random)
        var noise = RandomGenerator(seed: 31)
        let plain = decoder.generate(latent: latent, generator: &noise)
        // The hand most frames have is the reference's; the others are the "mirror images".
        let before = Self.volumes(plain)
        let sign: Double = before.filter { $0 > 0 }.count >= before.count / 2 ? 1 : -1
        let wrong = Set(before.indices.filter { before[$0] * sign < 0 })
        #expect(!wrong.isEmpty && wrong.count < 1_000)
        let centre = StructureCheck.ChiralCentre(centre: 0, first: 1, second: 2, third: 3, referenceSign: sign)
        decoder.guardClashes(ClashGuard(pairs: [], distance: 0, chiralCentres: [centre]))
        var same = RandomGenerator(seed: 31)
        let guarded = decoder.generate(latent: latent, generator: &same)
        #expect(decoder.redrawnFrames == wrong.count)
        let kept = Array(Set(0..<2_000).subtracting(wrong)).sorted()
        #expect(guarded.rows(kept).maxAbsoluteDifference(plain.rows(kept)) == 0)
        let after = Self.volumes(guarded)
        let still = after.indices.filter { after[$0] * sign < 0 }
        #expect(still.count < wrong.count / 4, "\(still.count) of \(wrong.count) frames still inverted")
        #expect(Set(still).isSubset(of: wrong))
    }

    @Test("a guard that every frame violates keeps the frames after its redraws, without looping")
    func hopeless() throws {
        let decoder = try CoordinateDecoder(configuration: DecoderMixtureTests.configuration(generators: nil), seed: 12)
        decoder.guardClashes(ClashGuard(pairs: [AtomPair(0, 1)], distance: 100))
        var random = RandomGenerator(seed: 2)
        let frames = decoder.generate(latent: Matrix.randomNormal(rows: 50, cols: 2, generator: &random), generator: &random)
        #expect(frames.values.allSatisfy { $0.isFinite })
        #expect(decoder.redrawnFrames == 50)
    }
}
