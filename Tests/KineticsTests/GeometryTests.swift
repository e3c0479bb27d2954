import Foundation
import Kinetics
import NeuralNet
import TestSupport
import Testing
import Trajectories

/// Rotation about a unit axis by an angle (Rodrigues), row-major.
private func rotation(axis: SIMD3<Double>, angle: Double) -> [Double] {
    let k = axis / (axis * axis).sum().squareRoot()
    let (c, s, t) = (cos(angle), sin(angle), 1 - cos(angle))
    return [t * k.x * k.x + c, t * k.x * k.y - s * k.z, t * k.x * k.z + s * k.y,
            t * k.x * k.y + s * k.z, t * k.y * k.y + c, t * k.y * k.z - s * k.x,
            t * k.x * k.z - s * k.y, t * k.y * k.z + s * k.x, t * k.z * k.z + c]
}

private func determinant(_ r: [Double]) -> Double {
    r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6])
}

private func randomPoints(_ count: Int, seed: UInt64) -> [SIMD3<Double>] {
    var random = SplitMix64(seed: seed)
    return (0 ..< count).map { _ in SIMD3(random.uniform() * 2 - 1, random.uniform() * 2 - 1, random.uniform() * 2 - 1) }
}

@Suite struct GeometrySuperpositionTests {
    let rotationMatrix = rotation(axis: [0.3, -0.5, 0.8], angle: 2.1)
    let shift = SIMD3<Double>(1.5, -0.7, 3.2)

    /// reference = R x + t exactly, so the fit must return R and t and a zero RMSD. Tolerances:
    /// 1e-10 is Float64 rounding over 40 points.
    @Test func recoversAnAnalyticalRotationAndTranslation() throws {
        let mobile = randomPoints(40, seed: 1)
        let motion = RigidTransform(rotation: rotationMatrix, translation: shift)
        let reference = mobile.map(motion.apply)
        for weights in [nil, (0 ..< 40).map { 1 + Double($0 % 5) }] {
            let (fit, rmsd) = try Superposition.fit(mobile, onto: reference, weights: weights)
            #expect(rmsd < 1e-9)
            #expect(zip(fit.rotation, rotationMatrix).allSatisfy { abs($0 - $1) < 1e-10 })
            #expect(((fit.translation - shift) * (fit.translation - shift)).sum().squareRoot() < 1e-10)
        }
    }

    /// The same through Float32 frames: RMSD to the reference, the recovered motion (frame 1 goes
    /// back with Rᵀ), and whole-frame alignment. Float32 positions of magnitude ~4 nm carry
    /// ~5e-7 nm of rounding, hence 1e-5.
    @Test func rmsdReferenceOnFloatFrames() throws {
        let points = randomPoints(30, seed: 2)
        let motion = RigidTransform(rotation: rotationMatrix, translation: shift)
        var chunk = FrameChunk(atomCount: 30)
        chunk.append(Frame(positions: points))
        chunk.append(Frame(positions: points.map(motion.apply)))
        let reference = try RMSDReference(chunk: chunk, frame: 0)
        let rmsd = try reference.rmsd(chunk)
        #expect(rmsd[0] < 1e-6 && rmsd[1] < 1e-5)
        let back = try reference.transforms(chunk)[1]
        let transposed = [0, 3, 6, 1, 4, 7, 2, 5, 8].map { rotationMatrix[$0] }
        #expect(zip(back.rotation, transposed).allSatisfy { abs($0 - $1) < 1e-5 })
        let aligned = try reference.superpose(chunk)
        let frame0 = aligned.positions(ofFrame: 0), frame1 = aligned.positions(ofFrame: 1)
        #expect(zip(frame0, frame1).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    /// A mirror image cannot be superposed by a proper rotation: the fit keeps det R = +1 and
    /// reports the residual its own transform leaves (checked by applying it).
    @Test func reflectionsAreExcluded() throws {
        let mobile = randomPoints(25, seed: 3)
        let mirrored = mobile.map { SIMD3($0.x, $0.y, -$0.z) }
        let (fit, rmsd) = try Superposition.fit(mobile, onto: mirrored)
        #expect(abs(determinant(fit.rotation) - 1) < 1e-12)
        let residual = zip(mobile, mirrored).map { p, q in ((fit.apply(p) - q) * (fit.apply(p) - q)).sum() }
        #expect(abs((residual.reduce(0, +) / 25).squareRoot() - rmsd) < 1e-10)
        #expect(rmsd > 0.1)
    }

    @Test func badInputsThrow() {
        #expect(throws: KineticsError.self) { try Superposition.fit([], onto: []) }
        #expect(throws: KineticsError.self) { try Superposition.fit(randomPoints(3, seed: 1), onto: randomPoints(4, seed: 1)) }
        #expect(throws: KineticsError.self) {
            try Superposition.fit(randomPoints(3, seed: 1), onto: randomPoints(3, seed: 2), weights: [1, -1, 1])
        }
        #expect(throws: KineticsError.self) { try RMSDReference(positions: randomPoints(3, seed: 1), atoms: []) }
        #expect(throws: KineticsError.self) { try RMSDReference(positions: randomPoints(3, seed: 1), atoms: [5]) }
        do {
            let reference = try RMSDReference(positions: randomPoints(3, seed: 1))
            _ = try reference.rmsd(FrameChunk(atomCount: 4, positions: [Float](repeating: 0, count: 12), times: [0]))
            Issue.record("expected a mismatch error")
        } catch let error as KineticsError {
            #expect(error.kind == .mismatch)
        } catch { Issue.record("unexpected \(error)") }
    }
}

@Suite struct GeometryRadiusOfGyrationTests {
    /// Six points at ±r on the axes: Rg = r. Two masses 1 and 3 at x = 0 and 1: centre 0.75,
    /// Rg² = (1 · 0.75² + 3 · 0.25²) / 4 = 0.1875.
    @Test func analyticalValues() throws {
        let r = 0.7
        let octahedron: [SIMD3<Double>] = [[r, 0, 0], [-r, 0, 0], [0, r, 0], [0, -r, 0], [0, 0, r], [0, 0, -r]]
        let chunk = Frame(positions: octahedron.map { $0 + SIMD3(1, 2, 3) }).chunk()
        #expect(abs(try Geometry.radiusOfGyration(chunk)[0] - r) < 1e-6)
        let pair = Frame(positions: [[0, 0, 0], [1, 0, 0]]).chunk()
        #expect(abs(try Geometry.radiusOfGyration(pair, masses: [1, 3])[0] - 0.1875.squareRoot()) < 1e-12)
        #expect(throws: KineticsError.self) { try Geometry.radiusOfGyration(pair, atoms: []) }
        #expect(throws: KineticsError.self) { try Geometry.radiusOfGyration(pair, masses: [1]) }
    }
}

@Suite struct GeometryMDTrajTests {
    /// Distances, angles, dihedrals, RMSD and Rg against MDTraj on the same Float32 frames, and
    /// RMSD (plain and mass-weighted) against NumPy's Float64 SVD Kabsch, mass-weighted Rg against
    /// the NumPy formula about the centre of mass.
    /// Tolerances: MDTraj computes in Float32 (relative error ~1e-7 on nm-sized values, so 2e-5 nm
    /// for distances, RMSD and Rg); angles and dihedrals get 2e-3 rad because Float32 acos and
    /// cross products lose digits near 0 and π.
    func compare(_ system: GeometryFixtures.System, chunk: FrameChunk) throws {
        let atoms = chunk.atomCount
        let pairs = GeometryFixtures.randomTuples(60, size: 2, atoms: atoms, seed: 5)
        let triples = GeometryFixtures.randomTuples(40, size: 3, atoms: atoms, seed: 6)
        let quartets = GeometryFixtures.randomTuples(40, size: 4, atoms: atoms, seed: 7)
        let fitAtoms = system.topology.atoms.indices.filter { system.topology.atoms[$0].element != .hydrogen }
        let masses = try Geometry.masses(of: Array(0 ..< atoms), in: system.topology)
        let fitMasses = fitAtoms.map { masses[$0] }
        let reference = try MDTrajGeometry.compute(topologyPath: system.topologyPath, chunk: chunk, pairs: pairs,
                                                   triples: triples, quartets: quartets, fitAtoms: fitAtoms,
                                                   fitMasses: fitMasses, allMasses: masses)
        let distances = try Geometry.distances(chunk, pairs: pairs.map { ($0[0], $0[1]) })
        #expect(maxDifference(distances, reference.distances) < 2e-5)
        let angles = try Geometry.angles(chunk, triples: triples.map { ($0[0], $0[1], $0[2]) })
        #expect(maxDifference(angles, reference.angles) < 2e-3)
        let dihedrals = try Geometry.dihedrals(chunk, quartets: quartets.map { ($0[0], $0[1], $0[2], $0[3]) })
        #expect(maxDifference(dihedrals, reference.dihedrals, angular: true) < 2e-3)
        // RMSD and Rg are not periodic in MDTraj; compare them on whole molecules only.
        guard chunk.boxes == nil else { return }
        let rmsd = try RMSDReference(chunk: chunk, frame: 0, atoms: fitAtoms).rmsd(chunk)
        // MDTraj's Float32 QCP resolves RMSD only to ~√ε₃₂ · Rg ≈ 1e-4 nm (it gives 1.1e-4 nm for a
        // frame against itself); NumPy's Float64 SVD Kabsch on the same frames is the tight check.
        #expect(maxDifference(rmsd, reference.rmsd) < 3e-4)
        #expect(maxDifference(rmsd, reference.rmsdPlain) < 2e-6)
        let weighted = try RMSDReference(chunk: chunk, frame: 0, atoms: fitAtoms, weights: fitMasses).rmsd(chunk)
        #expect(maxDifference(weighted, reference.rmsdMass) < 2e-6)
        #expect(maxDifference(try Geometry.radiusOfGyration(chunk), reference.rg) < 2e-5)
        #expect(maxDifference(try Geometry.radiusOfGyration(chunk, masses: masses), reference.rgMass) < 2e-5)
        #expect(reference.rmsd.dropFirst().allSatisfy { $0 > 1e-3 }, "the test frames must differ")
    }

    @Test func alanineDipeptide() throws {
        let system = try GeometryFixtures.alanineDipeptide()
        try compare(system, chunk: system.chunk)
    }

    @Test func alanineDipeptideInTriclinicBoxes() throws {
        let system = try GeometryFixtures.alanineDipeptide()
        try compare(system, chunk: try GeometryFixtures.wrappedInTriclinicBoxes(system.chunk))
    }

    @Test func peptide() throws {
        let system = try GeometryFixtures.peptide()
        try compare(system, chunk: system.chunk)
    }

    @Test func peptideInTriclinicBoxes() throws {
        let system = try GeometryFixtures.peptide()
        try compare(system, chunk: try GeometryFixtures.wrappedInTriclinicBoxes(system.chunk))
    }

    /// Wrapping atoms into the box changes nothing when the geometry is minimum-image, and
    /// `periodic: false` really ignores the box.
    @Test func wrappingIsInvisibleToMinimumImage() throws {
        let system = try GeometryFixtures.alanineDipeptide()
        let wrapped = try GeometryFixtures.wrappedInTriclinicBoxes(system.chunk)
        let pairs = [(0, 21), (4, 16), (8, 14)]
        let whole = try Geometry.distances(system.chunk, pairs: pairs)
        #expect(try Geometry.distances(wrapped, pairs: pairs).maxAbsoluteDifference(whole) < 1e-5)
        let ignored = try Geometry.distances(wrapped, pairs: pairs, periodic: false)
        #expect(ignored.maxAbsoluteDifference(whole) > 0.1)
    }

    @Test func badIndicesAndBoxesThrow() throws {
        let chunk = Frame(positions: [[0, 0, 0], [1, 0, 0], [1, 1, 0]]).chunk()
        #expect(throws: KineticsError.self) { try Geometry.distances(chunk, pairs: [(0, 3)]) }
        #expect(throws: KineticsError.self) { try Geometry.angles(chunk, triples: [(0, 1, -1)]) }
        #expect(throws: KineticsError.self) { try Geometry.dihedrals(chunk, quartets: [(0, 1, 2, 3)]) }
        var flat = chunk
        flat.boxes = [Box(rectangular: 1, 1, 0)]
        #expect(throws: KineticsError.self) { try Geometry.distances(flat, pairs: [(0, 1)]) }
        #expect(try Geometry.distances(flat, pairs: [(0, 1)], periodic: false)[0, 0] == 1)
    }
}
