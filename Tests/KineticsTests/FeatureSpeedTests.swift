import Foundation
import Kinetics
import TestSupport
import Testing
import Trajectories

/// Featurizing speed against MDTraj: Cα distances (all 190 pairs) and backbone φ/ψ of the
/// 20-residue peptide over 100,000 frames, lss streaming 10,000-frame chunks, MDTraj with
/// `compute_distances` + `compute_dihedrals` on the same frames in memory.
///
/// A benchmark, not a unit test: it runs only when LSS_BENCH_FEATURES=1 (in a release build:
/// `LSS_BENCH_FEATURES=1 swift test -c release --filter FeatureSpeed`) and prints both rates; it
/// asserts only that both computed the same number of features (bench/kinetics has the comparison).
@Suite struct FeatureSpeedTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LSS_BENCH_FEATURES"] == "1"))
    func alphaCarbonDistancesAndBackboneTorsionsAgainstMDTraj() throws {
        let system = try GeometryFixtures.peptide()
        let frames = 100_000, chunkFrames = 10_000
        let width = system.chunk.atomCount * 3
        var chunks = [FrameChunk]()
        for start in stride(from: 0, to: frames, by: chunkFrames) {
            var positions = [Float]()
            positions.reserveCapacity(chunkFrames * width)
            for frame in start ..< start + chunkFrames {
                positions.append(contentsOf: system.chunk.positions(ofFrame: frame % system.chunk.frameCount))
            }
            chunks.append(FrameChunk(atomCount: system.chunk.atomCount, firstFrame: start, positions: positions,
                                     times: (start ..< start + chunkFrames).map(Double.init)))
        }
        let set = try FeatureSet(parsing: "ca-distances;backbone-torsions", topology: system.topology)
        let clock = ContinuousClock()
        var checksum = 0.0
        let elapsed = try clock.measure {
            for chunk in chunks {
                let features = try set.featurize(chunk)
                checksum += features.values[features.values.count - 1]
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let lssRate = Double(frames) / seconds

        let script = """
        import sys, time, json
        import numpy as np, mdtraj as md
        t0 = md.load(sys.argv[1])
        n = int(sys.argv[2])
        xyz = np.ascontiguousarray(t0.xyz[np.arange(n) % t0.n_frames])
        t = md.Trajectory(xyz, t0.topology)
        ca = [a.index for a in t.topology.atoms if a.name == 'CA']
        pairs = np.array([(a, b) for k, a in enumerate(ca) for b in ca[k + 1:]])
        quartets = np.vstack([md.geometry.indices_phi(t.topology), md.geometry.indices_psi(t.topology)])
        best = float('inf')
        for _ in range(2):
            start = time.perf_counter()
            d = md.compute_distances(t, pairs)
            a = md.compute_dihedrals(t, quartets)
            best = min(best, time.perf_counter() - start)
        print(json.dumps({'seconds': best, 'features': d.shape[1] + 2 * a.shape[1]}))
        """
        struct Timing: Decodable { var seconds: Double; var features: Int }
        let timing = try decodeJSON(Timing.self, from: runPython(script, [system.topologyPath, String(frames)]))
        let mdtrajRate = Double(frames) / timing.seconds
        print("features: lss \(Int(lssRate)) frames/s (\(String(format: "%.3f", seconds)) s, \(set.featureCount) features), "
            + "MDTraj \(Int(mdtrajRate)) frames/s (\(String(format: "%.3f", timing.seconds)) s, \(timing.features) features as angles); checksum \(checksum)")
        #expect(set.featureCount == timing.features)
    }
}
