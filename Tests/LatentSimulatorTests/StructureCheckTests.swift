import Foundation
import LatentSimulator
import NeuralNet
import TestSupport
import Testing
import Trajectories

/// Alanine dipeptide's heavy atoms (../shared/data/alanine-dipeptide.pdb): the topology, the
/// selection and its coordinates (nm).
enum AlanineDipeptide {
    static func load() throws -> (topology: Topology, heavy: [Int], reference: [Float]) {
        let topology = try PDBFile.readTopology(path: Repository.alanineDipeptidePDB)
        let reader = try PDBReader(path: Repository.alanineDipeptidePDB)
        defer { reader.close() }
        let chunk = try #require(try reader.read(maxFrames: 1))
        let heavy = topology.atoms.indices.filter { topology.atoms[$0].element != .hydrogen }
        let reference = heavy.flatMap { i in (0..<3).map { chunk.positions[3 * i + $0] } }
        return (topology, heavy, reference)
    }

    /// x → −x: the mirror image.
    static func mirrored(_ frame: [Float]) -> [Float] {
        frame.enumerated().map { $0.offset % 3 == 0 ? -$0.element : $0.element }
    }
}

@Suite("Structure checks of decoded frames: bonds, clashes, chirality")
struct StructureCheckTests {
    struct MDTrajBonds: Decodable {
        var bonds: [[Int]]
        var distances: [Double]
    }

    @Test("alanine dipeptide: bonds and lengths as MDTraj's, no clash, no mirror; its mirror image is one; a pushed pair clashes")
    func alanineDipeptide() throws {
        let (topology, heavy, reference) = try AlanineDipeptide.load()
        #expect(heavy.count == 10)
        let check = StructureCheck(topology: topology, atomIndices: heavy, reference: reference)
        let real = check.evaluate(Matrix(rows: 1, cols: reference.count, values: reference))
        #expect(real.mirrorFraction == 0)
        #expect(real.clashFraction == 0)
        #expect(real.chiralityMethod == "centres")
        #expect(check.chiralCentres.count == 1)   // the CA of ALA; ACE and NME have none

        // MDTraj: its residue-template bonds among the heavy atoms, and compute_distances on ours.
        let ours = check.bonds.map { [heavy[$0.first], heavy[$0.second]] }
        let script = """
        import json, sys, mdtraj
        t = mdtraj.load(sys.argv[1])
        heavy = [a.index for a in t.topology.atoms if a.element.symbol != 'H']
        bonds = sorted(sorted([b[0].index, b[1].index]) for b in t.topology.bonds
                       if b[0].index in heavy and b[1].index in heavy)
        pairs = json.loads(sys.argv[2])
        d = mdtraj.compute_distances(t, pairs, periodic=False)[0]
        print(json.dumps({'bonds': bonds, 'distances': [float(x) for x in d]}))
        """
        let pairsJSON = String(decoding: try JSONEncoder().encode(ours), as: UTF8.self)
        let mdtraj = try decodeJSON(MDTrajBonds.self, from: try runPython(script, [Repository.alanineDipeptidePDB, pairsJSON]))
        #expect(ours.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) } == mdtraj.bonds)
        #expect(real.bondMeans.count == mdtraj.distances.count)
        // Float32 coordinates of 3-decimal Å input: both sides agree to rounding (1e-5 nm).
        for (mine, theirs) in zip(real.bondMeans, mdtraj.distances) { #expect(abs(mine - theirs) < 1e-5) }
        #expect(real.bondLengthDeviation < 1e-6)

        // The mirror image: same bonds, no clash, chirality inverted.
        let mirror = check.evaluate(Matrix(rows: 1, cols: reference.count, values: AlanineDipeptide.mirrored(reference)))
        #expect(mirror.mirrorFraction == 1)
        #expect(mirror.invertedCentreFraction == 1)
        #expect(mirror.clashFraction == 0)
        #expect(mirror.bondLengthDeviation < 1e-6)

        // The two methyl carbons (ACE CH3 and NME CH3, 7 bonds apart) pushed to 0.2 nm: a clash.
        let first = try #require(heavy.firstIndex(of: 1)), last = try #require(heavy.firstIndex(of: 18))
        var pushed = reference
        for k in 0..<3 { pushed[3 * last + k] = reference[3 * first + k] + (k == 0 ? 0.2 : 0) }
        let clash = check.evaluate(Matrix(rows: 1, cols: reference.count, values: pushed))
        #expect(clash.clashFraction == 1)
        #expect(clash.closestContact <= 0.2 + 1e-6)
        // Two frames, one clashing: the fraction counts frames.
        let both = check.evaluate(Matrix(rows: 2, cols: reference.count, values: reference + pushed))
        #expect(both.clashFraction == 0.5)
        #expect(both.frameCount == 2)
    }

    /// An ideal right-handed α-helix Cα trace: radius 0.23 nm, rise 0.15 nm and 100° per residue.
    static func helix(_ residues: Int) -> (Topology, [Float]) {
        var topology = Topology(chains: [Topology.Chain(id: "A")])
        var positions: [Float] = []
        for r in 0..<residues {
            topology.residues.append(Topology.Residue(name: "ALA", number: r + 1, chainIndex: 0))
            topology.atoms.append(Topology.Atom(name: "CA", element: .carbon, residueIndex: r))
            let angle = Double(r) * 100 * Double.pi / 180
            positions += [Float(0.23 * cos(angle)), Float(0.23 * sin(angle)), Float(0.15 * Double(r))]
        }
        return (topology, positions)
    }

    @Test("Cα trace: consecutive virtual bonds, a right-handed helix and its left-handed mirror, a clash")
    func cAlphaTrace() throws {
        let (topology, helix) = Self.helix(8)
        let check = StructureCheck(topology: topology, atomIndices: Array(0..<8), reference: helix)
        #expect(check.isCAlphaTrace)
        #expect(check.bonds == (0..<7).map { AtomPair($0, $0 + 1) })
        #expect(check.pseudoDihedrals.count == 5)
        // The ideal helix's pseudo-dihedral is about +50° (positive: right-handed).
        #expect(check.referencePseudoDihedralSines.allSatisfy { $0 > 0.5 })
        let real = check.evaluate(Matrix(rows: 1, cols: 24, values: helix))
        #expect(real.mirrorFraction == 0 && real.clashFraction == 0)
        // Virtual bond length 2 r sin(50°) and rise: √((2·0.23·sin 50°)² + 0.15²).
        let expected = ((2 * 0.23 * sin(50 * Double.pi / 180)) * (2 * 0.23 * sin(50 * Double.pi / 180)) + 0.0225).squareRoot()
        #expect(real.bondMeans.allSatisfy { abs($0 - expected) < 1e-6 })
        let mirror = check.evaluate(Matrix(rows: 1, cols: 24, values: AlanineDipeptide.mirrored(helix)))
        #expect(mirror.mirrorFraction == 1)
        #expect(mirror.chiralityMethod == "pseudo-dihedrals")
        var pushed = helix
        for k in 0..<3 { pushed[3 * 7 + k] = helix[k] + (k == 2 ? 0.3 : 0) }
        #expect(check.evaluate(Matrix(rows: 1, cols: 24, values: pushed)).clashFraction == 1)
    }
}
