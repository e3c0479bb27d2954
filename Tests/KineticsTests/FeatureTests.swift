import Foundation
import Kinetics
import NeuralNet
import TestSupport
import Testing
import Trajectories

/// MDTraj's answers for a system, with a few random tuples for the generic geometry.
private func mdtraj(_ system: GeometryFixtures.System, _ chunk: FrameChunk) throws -> MDTrajGeometry {
    let n = chunk.atomCount
    let masses = try Geometry.masses(of: Array(0 ..< n), in: system.topology)
    return try MDTrajGeometry.compute(topologyPath: system.topologyPath, chunk: chunk,
                                      pairs: GeometryFixtures.randomTuples(3, size: 2, atoms: n, seed: 1),
                                      triples: GeometryFixtures.randomTuples(3, size: 3, atoms: n, seed: 2),
                                      quartets: GeometryFixtures.randomTuples(3, size: 4, atoms: n, seed: 3),
                                      fitAtoms: Array(0 ..< n), fitMasses: masses, allMasses: masses)
}

/// cos and sin columns of MDTraj's angles, interleaved per dihedral as lss emits them.
private func cosineSine(_ angles: [[Double]]) -> [[Double]] {
    angles.map { row in row.flatMap { [cos($0), sin($0)] } }
}

@Suite struct FeatureTorsionTests {
    /// φ, ψ, ω and χ1: the same quartets as MDTraj finds, and (cos, sin) of its angles.
    /// Tolerance 2e-4: MDTraj's Float32 dihedrals, through cos and sin.
    func compare(_ system: GeometryFixtures.System, chunk: FrameChunk) throws {
        let reference = try mdtraj(system, chunk)
        for (kind, expected) in [(TorsionKind.phi, reference.phi), (.psi, reference.psi), (.omega, reference.omega), (.chi1, reference.chi1)] {
            let found = ProteinTorsion.find(kind, in: system.topology)
            #expect(found.map(\.atoms) == expected.indices, "\(kind) quartets")
            guard !found.isEmpty else {
                #expect(throws: KineticsError.self) { try DihedralFeaturizer(topology: system.topology, torsions: [kind]) }
                continue
            }
            let featurizer = try DihedralFeaturizer(topology: system.topology, torsions: [kind])
            let features = try featurizer.featurize(chunk)
            #expect(maxDifference(features, cosineSine(expected.values)) < 2e-4, "\(kind) values")
            #expect(featurizer.labels.count == featurizer.featureCount)
        }
    }

    @Test func alanineDipeptide() throws {
        let system = try GeometryFixtures.alanineDipeptide()
        try compare(system, chunk: system.chunk)
        let labels = try DihedralFeaturizer(topology: system.topology, torsions: [.phi, .psi]).labels
        #expect(labels == ["phi ALA 2 cos", "phi ALA 2 sin", "psi ALA 2 cos", "psi ALA 2 sin"])
    }

    @Test func peptide() throws {
        let system = try GeometryFixtures.peptide()
        try compare(system, chunk: system.chunk)
        #expect(ProteinTorsion.find(.chi1, in: system.topology).count == 15, "20 residues less 2 GLY and 3 ALA")
    }

    @Test func peptideInTriclinicBoxes() throws {
        let system = try GeometryFixtures.peptide()
        try compare(system, chunk: try GeometryFixtures.wrappedInTriclinicBoxes(system.chunk, seed: 3))
    }

    @Test func noMatchingDihedralNamesTheRequest() throws {
        let system = try GeometryFixtures.alanineDipeptide()
        do {
            _ = try FeatureSet(parsing: "chi1", topology: system.topology)
            Issue.record("expected an error")
        } catch let error as KineticsError {
            #expect(error.kind == .emptySelection && error.problem.contains("chi1"))
        }
        do {
            _ = try FeatureSet(parsing: "backbone-torsions:select=name XX", topology: system.topology)
            Issue.record("expected an error")
        } catch let error as KineticsError {
            #expect(error.kind == .emptySelection && error.problem.contains("name XX"))
        }
    }
}

@Suite struct FeatureContactTests {
    /// Residue contacts against `mdtraj.compute_contacts` (both schemes, default "all" pairs),
    /// as distances (2e-5 nm: Float32 in MDTraj) and as indicators at 0.5 nm (identical except for
    /// a distance within 1e-5 of the cutoff, which the fixture does not have).
    func compare(_ system: GeometryFixtures.System, chunk: FrameChunk) throws {
        let reference = try mdtraj(system, chunk)
        for (scheme, expected) in [(ContactScheme.closestHeavy, reference.closestHeavy), (.alphaCarbon, reference.alphaCarbon)] {
            let expected = try #require(expected)
            let featurizer = try ContactFeaturizer(topology: system.topology, scheme: scheme)
            #expect(featurizer.residuePairs.map { [$0.0, $0.1] } == expected.pairs)
            #expect(maxDifference(try featurizer.featurize(chunk), expected.values) < 2e-5)
            let binary = try ContactFeaturizer(topology: system.topology, scheme: scheme, cutoff: 0.5).featurize(chunk)
            #expect(maxDifference(binary, expected.values.map { $0.map { $0 < 0.5 ? 1 : 0 } }) == 0)
            #expect(binary.values.contains(1) && binary.values.contains(0))
        }
    }

    @Test func peptide() throws {
        let system = try GeometryFixtures.peptide()
        try compare(system, chunk: system.chunk)
    }

    @Test func peptideInTriclinicBoxes() throws {
        let system = try GeometryFixtures.peptide()
        try compare(system, chunk: try GeometryFixtures.wrappedInTriclinicBoxes(system.chunk, seed: 4))
    }

    /// Alanine dipeptide has one residue with a CA: no pair, as in MDTraj ("No acceptable residue pairs").
    @Test func tooFewResiduesThrow() throws {
        let system = try GeometryFixtures.alanineDipeptide()
        #expect(throws: KineticsError.self) { try ContactFeaturizer(topology: system.topology) }
        #expect(throws: KineticsError.self) { try ContactFeaturizer(topology: system.topology, cutoff: -1) }
    }

    /// Q of Best, Hummer & Eaton against the NumPy formula (2e-5: MDTraj's Float32 distances,
    /// amplified by β = 50 nm⁻¹ in the sigmoid's slope of at most β/4). Frame 0 is the native
    /// structure, where every r = r0 and Q = 1/(1 + exp(−0.8 β r0)) is close to 1.
    @Test func fractionOfNativeContacts() throws {
        let system = try GeometryFixtures.peptide()
        let reference = try mdtraj(system, system.chunk)
        let expected = try #require(reference.q)
        let q = try NativeContactsFeaturizer(topology: system.topology, reference: system.chunk.frame(0).positions)
        #expect(q.contacts.count == reference.qCount)
        let values = try q.featurize(system.chunk)
        #expect(maxDifference(values.values, expected) < 2e-5)
        #expect(values[0, 0] > 0.99 && values[values.rows - 1, 0] < 0.5)
    }
}

@Suite struct FeatureSetTests {
    /// Cα distances with exclusion: 20 Cα, exclude=2 leaves C(20,2) − 19 − 18 = 153 pairs, equal
    /// to `Geometry.distances` over the same pairs (checked against MDTraj in GeometryMDTrajTests).
    @Test func alphaCarbonDistances() throws {
        let system = try GeometryFixtures.peptide()
        let featurizer = try DistanceFeaturizer(topology: system.topology, selection: "name CA", excludeNeighbors: 2)
        #expect(featurizer.featureCount == 153)
        #expect(featurizer.labels.first == "dist CA 1 - CA 4")
        let features = try featurizer.featurize(system.chunk)
        #expect(features.maxAbsoluteDifference(try Geometry.distances(system.chunk, pairs: featurizer.pairs)) == 0)
        let all = try DistanceFeaturizer(topology: system.topology, selection: "name CA")
        #expect(all.featureCount == 190)
    }

    /// Cα pseudo-angles and pseudo-dihedrals: consecutive Cα of the chain, values as `Geometry`.
    @Test func alphaCarbonAnglesAndDihedrals() throws {
        let system = try GeometryFixtures.peptide()
        let ca = system.topology.atoms.indices.filter { system.topology.atoms[$0].name == "CA" }
        let angles = try AngleFeaturizer.alphaCarbonAngles(topology: system.topology)
        let consecutive: [[Int]] = (0 ..< 18).map { (k: Int) -> [Int] in [ca[k], ca[k + 1], ca[k + 2]] }
        #expect(angles.triples == consecutive)
        let expectedAngles = try Geometry.angles(system.chunk, triples: angles.triples.map { ($0[0], $0[1], $0[2]) })
        #expect(try angles.featurize(system.chunk).maxAbsoluteDifference(expectedAngles) < 1e-12)
        let dihedrals = try DihedralFeaturizer.alphaCarbonDihedrals(topology: system.topology)
        #expect(dihedrals.quartets.count == 17 && dihedrals.featureCount == 34)
        let raw = try Geometry.dihedrals(system.chunk, quartets: dihedrals.quartets.map { ($0[0], $0[1], $0[2], $0[3]) })
        let features = try dihedrals.featurize(system.chunk)
        for frame in 0 ..< raw.rows {
            for k in 0 ..< raw.cols {
                #expect(abs(features[frame, 2 * k] - cos(raw[frame, k])) < 1e-12)
                #expect(abs(features[frame, 2 * k + 1] - sin(raw[frame, k])) < 1e-12)
            }
        }
    }

    /// A set is its members side by side; its Codable specs rebuild the identical features,
    /// including Q after its reference file is gone.
    @Test func concatenationAndCodableRoundTrip() throws {
        let system = try GeometryFixtures.peptide()
        let workspace = try Workspace()
        let native = workspace.path("native.pdb")
        let writer = try PDBWriter(path: native, atomCount: system.chunk.atomCount, topology: system.topology)
        try writer.write(system.chunk.selecting(frames: [0]))
        try writer.close()
        let text = "ca-distances:exclude=2; backbone-torsions:omega=true; chi1; ca-angles; ca-dihedrals; contacts:cutoff=0.5; q:reference=\(native)"
        let set = try FeatureSet(parsing: text, topology: system.topology)
        let features = try set.featurize(system.chunk)
        #expect(set.labels.count == set.featureCount && features.cols == set.featureCount)
        var column = 0
        for member in set.featurizers {
            let own = try member.featurize(system.chunk)
            for frame in 0 ..< own.rows { for j in 0 ..< own.cols { #expect(features[frame, column + j] == own[frame, j]) } }
            column += member.featureCount
        }
        let json = try JSONEncoder().encode(set.specs)
        try FileManager.default.removeItem(atPath: native)
        let decoded = try JSONDecoder().decode([FeatureSpec].self, from: json)
        #expect(decoded == set.specs)
        let rebuilt = try FeatureSet(decoded, topology: system.topology)
        #expect(rebuilt.labels == set.labels)
        #expect(try rebuilt.featurize(system.chunk) == features)
        #expect(throws: KineticsError.self) { try FeatureSet(parsing: text, topology: system.topology) }
    }

    /// Streaming a file with a stride gives the rows of the in-memory frames it keeps.
    @Test func streamsAReaderWithAStride() throws {
        let system = try GeometryFixtures.peptide()
        let set = try FeatureSet(parsing: "ca-distances;chi1", topology: system.topology)
        let all = try set.featurize(system.chunk)
        let reader = try PDBReader(path: system.topologyPath)
        defer { reader.close() }
        let strided = try set.featurize(reader, chunkFrames: 5, stride: 3)
        #expect(strided.rows == 4)
        for (row, frame) in [0, 3, 6, 9].enumerated() {
            for j in 0 ..< all.cols { #expect(strided[row, j] == all[frame, j]) }
        }
    }

    @Test func framesOfAnotherSystemAreRefused() throws {
        let system = try GeometryFixtures.alanineDipeptide()
        let set = try FeatureSet(parsing: "backbone-torsions", topology: system.topology)
        #expect(throws: KineticsError.self) { try set.featurize(system.chunk.selecting(atoms: [0, 1, 2])) }
    }
}

@Suite struct FeatureSpecTextTests {
    @Test func examplesParse() throws {
        #expect(try FeatureSpec.parse("ca-distances") == .distances(selection: "name CA", exclude: 0, periodic: true))
        #expect(try FeatureSpec.parse("ca-distances:exclude=2") == .distances(selection: "name CA", exclude: 2, periodic: true))
        #expect(try FeatureSpec.parse("backbone-torsions") == .torsions(kinds: [.phi, .psi], selection: nil, periodic: true))
        #expect(try FeatureSpec.parse("chi1") == .torsions(kinds: [.chi1], selection: nil, periodic: true))
        #expect(try FeatureSpec.parse("ca-angles") == .alphaCarbonAngles(selection: "name CA", periodic: true))
        #expect(try FeatureSpec.parse("ca-dihedrals:periodic=false") == .alphaCarbonDihedrals(selection: "name CA", periodic: false))
        #expect(try FeatureSpec.parse("distances:select=name CA or name CB")
            == .distances(selection: "name CA or name CB", exclude: 0, periodic: true))
        #expect(try FeatureSpec.parse("contacts:cutoff=0.5") == .contacts(scheme: .closestHeavy, cutoff: 0.5, exclude: 2, periodic: true))
        #expect(try FeatureSpec.parse("contacts:scheme=ca") == .contacts(scheme: .alphaCarbon, cutoff: nil, exclude: 2, periodic: true))
        #expect(try FeatureSpec.parse("q:reference=native.pdb") == .nativeContacts(NativeContactsSpec(reference: "native.pdb")))
        #expect(try FeatureSpec.parseList(" ca-distances ; chi1 ").count == 2)
    }

    @Test func textRoundTrips() throws {
        let specs: [FeatureSpec] = [
            .distances(selection: "name CA", exclude: 3, periodic: false),
            .distances(selection: "name CB and resid 1 to 5", exclude: 0, periodic: true),
            .alphaCarbonAngles(selection: "name CA", periodic: true),
            .alphaCarbonDihedrals(selection: "name CB", periodic: true),
            .torsions(kinds: [.phi, .psi, .omega], selection: "resid 2 to 9", periodic: true),
            .torsions(kinds: [.omega], selection: nil, periodic: false),
            .contacts(scheme: .alphaCarbon, cutoff: 0.8, exclude: 4, periodic: true),
            .nativeContacts(NativeContactsSpec(reference: "x.pdb", selection: "name CA", cutoff: 0.6, exclude: 2, beta: 40, lambda: 1.5, periodic: false)),
        ]
        for spec in specs { #expect(try FeatureSpec.parseList(spec.text) == [spec], "\(spec.text)") }
    }

    /// Every error names the offending token.
    @Test func errorsNameTheBadToken() {
        let cases: [(String, String)] = [
            ("ca-distance", "ca-distance"), ("ca-distances:exclud=2", "exclud"), ("ca-distances:exclude=two", "two"),
            ("contacts:scheme=closest", "closest"), ("contacts:cutoff=-1", "-1"), ("distances", "select"),
            ("q", "reference"), ("chi1:periodic=maybe", "maybe"), ("ca-angles:select", "select"), ("chi1;;psi", "empty"),
            ("", "empty"), ("ca-distances:exclude=1,exclude=2", "exclude"),
        ]
        for (text, token) in cases {
            do {
                _ = try FeatureSpec.parseList(text)
                Issue.record("\"\(text)\" should not parse")
            } catch let error as KineticsError {
                #expect(error.kind == .invalidArgument)
                #expect(error.problem.contains(token), "\(error.problem)")
            } catch { Issue.record("unexpected \(error)") }
        }
    }

    @Test func emptySelectionsNameTheSelection() throws {
        let system = try GeometryFixtures.alanineDipeptide()
        for text in ["distances:select=name QQ", "ca-distances:exclude=5", "ca-angles", "distances:select=resname"] {
            do {
                _ = try FeatureSet(parsing: text, topology: system.topology)
                Issue.record("\"\(text)\" should fail")
            } catch let error as KineticsError {
                #expect(error.kind == .emptySelection || error.kind == .invalidArgument, "\(error)")
                #expect(error.problem.contains("select") || error.problem.contains("name CA"), "\(error.problem)")
            } catch { Issue.record("unexpected \(error)") }
        }
    }
}
