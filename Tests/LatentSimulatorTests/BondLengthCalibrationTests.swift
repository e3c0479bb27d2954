import Foundation
import LatentSimulator
import NeuralNet
import Testing

/// The decoder's bond-length calibration, checked against statistics computed here in Float64 and
/// against geometry it must not touch (bond directions, dihedrals, centroid).
@Suite("Bond-length calibration of decoded frames")
struct BondLengthCalibrationTests {
    /// A branched six-atom tree: 0-1-2-3 with 4 on 1 and 5 on 2 (the heavy-atom shape of a small
    /// peptide fragment), bonds in `StructureCheck`'s sorted order.
    static let tree = [AtomPair(0, 1), AtomPair(1, 2), AtomPair(1, 4), AtomPair(2, 3), AtomPair(2, 5)]

    /// Frames built bond by bond: random directions, lengths ~ N(mean_k, deviation_k).
    static func frames(count: Int, bonds: [AtomPair], atoms: Int, means: [Double], deviations: [Double],
                       seed: UInt64) -> Matrix {
        var random = RandomGenerator(seed: seed)
        let out = Matrix(rows: count, cols: 3 * atoms)
        for f in 0..<count {
            var placed = [SIMD3<Double>?](repeating: nil, count: atoms)
            placed[bonds[0].first] = SIMD3(random.uniformDouble(), random.uniformDouble(), random.uniformDouble())
            var progress = true
            while progress {
                progress = false
                for (k, bond) in bonds.enumerated() {
                    let (from, to) = placed[bond.first] != nil ? (bond.first, bond.second) : (bond.second, bond.first)
                    guard let origin = placed[from], placed[to] == nil else { continue }
                    var direction = SIMD3(Double(random.normal()), Double(random.normal()), Double(random.normal()))
                    direction /= (direction * direction).sum().squareRoot()
                    placed[to] = origin + direction * (means[k] + deviations[k] * Double(random.normal()))
                    progress = true
                }
            }
            for i in 0..<atoms {
                for d in 0..<3 { out.pointer[f * 3 * atoms + 3 * i + d] = Float(placed[i]![d]) }
            }
        }
        return out
    }

    static func position(_ frames: Matrix, _ f: Int, _ i: Int) -> SIMD3<Double> {
        let p = frames.pointer + f * frames.cols + 3 * i
        return SIMD3(Double(p[0]), Double(p[1]), Double(p[2]))
    }

    static func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }

    /// Per bond, the mean and population standard deviation of its length over the frames (Float64).
    static func statistics(_ frames: Matrix, bonds: [AtomPair]) -> (means: [Double], deviations: [Double]) {
        var means: [Double] = [], deviations: [Double] = []
        for bond in bonds {
            let lengths = (0..<frames.rows).map { length(position(frames, $0, bond.first) - position(frames, $0, bond.second)) }
            let mean = lengths.reduce(0, +) / Double(lengths.count)
            means.append(mean)
            deviations.append((lengths.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(lengths.count)).squareRoot())
        }
        return (means, deviations)
    }

    static func report(bonds: [AtomPair], means: [Double], deviations: [Double]) -> StructureReport {
        StructureReport(frameCount: 1, bondLengthMean: 0, bondLengthDeviation: 0, bonds: bonds,
                        referenceBondLengths: means, bondMeans: means, bondDeviations: deviations, clashFraction: 0,
                        clashDistance: 0.22, closestContact: 1, mirrorFraction: 0, invertedCentreFraction: 0,
                        chiralityMethod: "none")
    }

    /// sin and cos of the dihedral p0-p1-p2-p3, written out independently of the library.
    static func dihedral(_ p0: SIMD3<Double>, _ p1: SIMD3<Double>, _ p2: SIMD3<Double>, _ p3: SIMD3<Double>) -> Double {
        func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
        }
        let b1 = p1 - p0, b2 = p2 - p1, b3 = p3 - p2
        let n1 = cross(b1, b2), n2 = cross(b2, b3)
        let m = cross(n1, b2 / length(b2))
        return atan2((m * n2).sum(), (n1 * n2).sum())
    }

    /// A generator whose bonds are 0.01 nm too long and three times too loose, calibrated to MD's
    /// statistics: afterwards every bond's mean and spread over the frames are MD's (the map is
    /// affine in the length and the generator's statistics are the frames' own), every bond keeps
    /// its direction, the 0-1-2-3 dihedral and the centroid are unchanged.
    @Test("bond means and spreads become MD's; directions, dihedrals and centroid are kept")
    func momentsAndGeometry() {
        let md = (means: [0.153, 0.147, 0.152, 0.133, 0.123], deviations: [0.003, 0.0028, 0.0031, 0.0025, 0.002])
        let frames = Self.frames(count: 4_000, bonds: Self.tree, atoms: 6, means: md.means.map { $0 + 0.01 },
                                 deviations: md.deviations.map { 3 * $0 }, seed: 11)
        let generated = Self.statistics(frames, bonds: Self.tree)
        let calibration = BondLengthCalibration(
            bonds: Self.tree, atomCount: 6, target: Self.report(bonds: Self.tree, means: md.means, deviations: md.deviations),
            generated: Self.report(bonds: Self.tree, means: generated.means, deviations: generated.deviations))
        #expect(calibration.parents.count == 5)
        let calibrated = frames.copy()
        calibration.apply(to: calibrated)

        let after = Self.statistics(calibrated, bonds: Self.tree)
        for k in Self.tree.indices {
            // Float32 positions: lengths carry ~1e-7 nm rounding, far below the 0.003 nm scale.
            #expect(abs(after.means[k] - md.means[k]) < 2e-6, "bond \(k): mean \(after.means[k]) vs \(md.means[k])")
            #expect(abs(after.deviations[k] - md.deviations[k]) < 2e-6, "bond \(k): s.d. \(after.deviations[k]) vs \(md.deviations[k])")
        }
        var worstDirection = 0.0, worstDihedral = 0.0, worstCentroid = 0.0
        for f in 0..<frames.rows {
            for bond in Self.tree {
                let u = Self.position(frames, f, bond.second) - Self.position(frames, f, bond.first)
                let v = Self.position(calibrated, f, bond.second) - Self.position(calibrated, f, bond.first)
                worstDirection = max(worstDirection, Self.length(u / Self.length(u) - v / Self.length(v)))
            }
            let before = Self.dihedral(Self.position(frames, f, 0), Self.position(frames, f, 1),
                                       Self.position(frames, f, 2), Self.position(frames, f, 3))
            let now = Self.dihedral(Self.position(calibrated, f, 0), Self.position(calibrated, f, 1),
                                    Self.position(calibrated, f, 2), Self.position(calibrated, f, 3))
            worstDihedral = max(worstDihedral, abs(remainder(before - now, 2 * .pi)))
            let centre = { (m: Matrix) in (0..<6).map { Self.position(m, f, $0) }.reduce(SIMD3(repeating: 0), +) / 6 }
            worstCentroid = max(worstCentroid, Self.length(centre(frames) - centre(calibrated)))
        }
        #expect(worstDirection < 1e-5)
        #expect(worstDihedral < 1e-4)
        #expect(worstCentroid < 1e-5)
    }

    /// The tree is rooted at the most central atom (a chain of five: the middle one) and a bond
    /// closing a ring is left out: a four-ring with a tail has five bonds and four tree edges.
    @Test("spanning tree: central root, ring closure left out")
    func spanningTree() {
        let chain = (0..<4).map { AtomPair($0, $0 + 1) }
        let flat = Self.report(bonds: chain, means: [0.15, 0.15, 0.15, 0.15], deviations: [0.003, 0.003, 0.003, 0.003])
        let calibration = BondLengthCalibration(bonds: chain, atomCount: 5, target: flat, generated: flat)
        #expect(calibration.parents.first == 2)
        #expect(Set(calibration.parents.prefix(2)) == [2])

        let ring = [AtomPair(0, 1), AtomPair(0, 3), AtomPair(1, 2), AtomPair(2, 3), AtomPair(3, 4)]
        let stats = Self.report(bonds: ring, means: [0.15, 0.15, 0.15, 0.15, 0.15], deviations: [0.003, 0.003, 0.003, 0.003, 0.003])
        let ringCalibration = BondLengthCalibration(bonds: ring, atomCount: 5, target: stats, generated: stats)
        #expect(ringCalibration.parents.count == 4)
        #expect(Set(ringCalibration.children + [ringCalibration.parents[0]]) == Set(0..<5))
        // Identical statistics: the calibration maps every length to itself.
        let frames = Self.frames(count: 10, bonds: chain, atoms: 5, means: [0.15, 0.15, 0.15, 0.15],
                                 deviations: [0.003, 0.003, 0.003, 0.003], seed: 2)
        let same = frames.copy()
        calibration.apply(to: same)
        #expect(same.maxAbsoluteDifference(frames) < 1e-6)
    }

    /// Decoding with a calibration gives the uncalibrated decoder's frames with the calibration
    /// applied, also when the batch is split among worker threads; a calibration for other atoms
    /// is refused when a bundle's configuration is loaded.
    @Test("the decoder applies its calibration to every frame; a damaged one is refused")
    func decoderWiring() throws {
        let atoms = 6
        let scaling = CoordinateScaling(reference: (0..<(3 * atoms)).map { Float($0 % 5) * 0.1 }, atomIndices: Array(0..<atoms),
                                        scale: 1)
        let configuration = CoordinateDecoder.Configuration(
            latentDimension: 2, noiseDimension: 4, hidden: [16], activation: .elu, latentMean: [0, 0],
            latentDeviation: [1, 1], scaling: scaling)
        let decoder = try CoordinateDecoder(configuration: configuration, seed: 3)
        var random = RandomGenerator(seed: 4)
        let latent = Matrix.randomNormal(rows: 3_000, cols: 2, generator: &random)
        var first = RandomGenerator(seed: 9), second = RandomGenerator(seed: 9)
        let raw = decoder.generate(latent: latent, generator: &first)
        let generated = Self.statistics(raw, bonds: Self.tree)
        let calibration = BondLengthCalibration(
            bonds: Self.tree, atomCount: atoms,
            target: Self.report(bonds: Self.tree, means: [0.15, 0.15, 0.15, 0.13, 0.12], deviations: [0.003, 0.003, 0.003, 0.003, 0.003]),
            generated: Self.report(bonds: Self.tree, means: generated.means, deviations: generated.deviations))
        decoder.calibrate(calibration)
        let decoded = decoder.generate(latent: latent, generator: &second)
        calibration.apply(to: raw)
        #expect(decoded.maxAbsoluteDifference(raw) < 1e-5)
        let after = Self.statistics(decoded, bonds: Self.tree)
        #expect(abs(after.means[3] - 0.13) < 1e-5)

        var damaged = decoder.configuration
        damaged.bondCalibration?.children[0] = atoms
        #expect(throws: LatentSimulatorError.self) { try CoordinateDecoder(configuration: damaged) }
        // A configuration written before calibrations existed has no such key and loads without one.
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as! [String: Any]
        old.removeValue(forKey: "bondCalibration")
        let reloaded = try JSONDecoder().decode(CoordinateDecoder.Configuration.self,
                                                from: JSONSerialization.data(withJSONObject: old))
        #expect(reloaded.bondCalibration == nil)
        #expect(reloaded == configuration)
    }
}
