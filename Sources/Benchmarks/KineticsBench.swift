import Foundation
import Kinetics
import NeuralNet
import Trajectories

/// The analysis toolbox's speed (bench/kinetics): featurization frames/s (Cα distances and backbone
/// dihedrals of a 20-residue chain) and streaming TICA on 10⁶ frames × 300 features (time and how
/// far the resident set grows). bench/kinetics/compare.py runs MDTraj and deeptime on the same
/// workloads in the same session for the ratios.
enum KineticsBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) throws {
        try featurization(settings, report)
        try streamingTICA(settings, report)
    }

    // MARK: Featurization

    static let featureSpec = "ca-distances;backbone-torsions"

    /// Featurizes frames already in memory, so that the figure is the featurizer's alone; with
    /// `--file` (and `--topology`) the frames come from that trajectory, else from a generated chain.
    static func featurization(_ settings: BenchSettings, _ report: (BenchResult) -> Void) throws {
        let topology: Topology, chunks: [FrameChunk]
        if let file = settings.files.first {
            guard let path = settings.topology else {
                throw BenchInputError(problem: "the kinetics benchmark needs --topology with --file")
            }
            topology = try TopologyFile.read(path)
            let reader = try TrajectoryFile.openReader(file, topology: topology)
            defer { reader.close() }
            var read = [FrameChunk]()
            while let chunk = try reader.read(maxFrames: 1000) { read.append(chunk) }
            chunks = read
        } else {
            (topology, chunks) = generatedChain(residues: 20, frames: settings.quick ? 1000 : 50_000)
        }
        let features = try FeatureSet(parsing: featureSpec, topology: topology)
        let frames = chunks.reduce(0) { $0 + $1.frameCount }
        var checksum = 0.0
        let seconds = try IOBench.timedMedian(repeats: settings.repeats) {
            for chunk in chunks { checksum += try features.featurize(chunk).values.last ?? 0 }
        }
        if checksum.isNaN { print("kinetics bench: NaN feature") }
        report(BenchResult(bench: "kinetics", metric: "featurize \(featureSpec) frames/s",
                           value: Double(frames) / seconds, unit: "frames/s"))
        report(BenchResult(bench: "kinetics", metric: "featurize features", value: Double(features.featureCount), unit: "count"))
    }

    /// A chain of `residues` residues (N, CA, C, O, CB per residue, so φ and ψ are defined) whose
    /// positions follow a random walk with small per-frame jitter: the geometry does not matter to
    /// the speed, only the atom and feature counts do.
    static func generatedChain(residues: Int, frames: Int) -> (Topology, [FrameChunk]) {
        let names = ["N", "CA", "C", "O", "CB"], symbols = ["N", "C", "C", "O", "C"]
        let topology = Topology(
            chains: [.init(id: "A")],
            residues: (0..<residues).map { .init(name: "ALA", number: $0 + 1, chainIndex: 0) },
            atoms: (0..<(residues * names.count)).map {
                .init(name: names[$0 % names.count], element: Element(symbol: symbols[$0 % names.count]),
                      residueIndex: $0 / names.count)
            })
        var rng = RandomGenerator(seed: 3)
        let atoms = topology.atoms.count
        var base = [Float](repeating: 0, count: atoms * 3)
        for i in 1..<atoms { for d in 0..<3 { base[i * 3 + d] = base[(i - 1) * 3 + d] + 0.15 * (rng.uniform() - 0.5) + (d == 0 ? 0.1 : 0) } }
        var chunks = [FrameChunk]()
        var start = 0
        while start < frames {
            let count = min(1000, frames - start)
            var positions = [Float](repeating: 0, count: count * atoms * 3)
            for f in 0..<count { for k in 0..<(atoms * 3) { positions[f * atoms * 3 + k] = base[k] + 0.02 * (rng.uniform() - 0.5) } }
            chunks.append(FrameChunk(atomCount: atoms, firstFrame: start, positions: positions,
                                     times: (start..<(start + count)).map { Double($0) }))
            start += count
        }
        return (topology, chunks)
    }

    // MARK: Streaming TICA

    /// TICA on generated data streamed in chunks of 10⁴ frames: a few slow AR(1) processes mixed into
    /// `features` columns with noise. Times only the covariance accumulation and the fit (the data
    /// generation is excluded), and reports how far the peak resident set grew.
    static func streamingTICA(_ settings: BenchSettings, _ report: (BenchResult) -> Void) throws {
        let frames = settings.quick ? 20_000 : 1_000_000, features = settings.quick ? 50 : 300, chunkFrames = 10_000
        let baseline = IOBench.residentMegabytes()
        let accumulator = try TimeLaggedCovarianceAccumulator(features: features, lag: 10)
        var generator = SlowProcessGenerator(features: features, seed: 11)
        var seconds = 0.0
        accumulator.beginTrajectory()
        var produced = 0
        while produced < frames {
            let chunk = generator.next(rows: min(chunkFrames, frames - produced))
            let start = DispatchTime.now().uptimeNanoseconds
            try accumulator.add(chunk)
            seconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            produced += chunk.rows
        }
        accumulator.endTrajectory()
        let start = DispatchTime.now().uptimeNanoseconds
        let model = try TICA.fit(try accumulator.covariances(), options: TICAOptions(components: .count(5)))
        seconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        if !(model.eigenvalues.first ?? .nan).isFinite { print("kinetics bench: TICA failed") }
        let name = "tica \(frames)x\(features)"
        report(BenchResult(bench: "kinetics", metric: "\(name) seconds", value: seconds, unit: "s"))
        report(BenchResult(bench: "kinetics", metric: "\(name) frames/s", value: Double(frames) / seconds, unit: "frames/s"))
        report(BenchResult(bench: "kinetics", metric: "\(name) peak RSS growth",
                           value: max(0, IOBench.peakMegabytes() - baseline), unit: "MB"))
    }
}

/// Rows of `features` columns: four AR(1) processes with correlation times of 10 to 1000 frames,
/// mixed by a fixed random matrix, plus unit noise.
struct SlowProcessGenerator {
    let features: Int
    var rng: RandomGenerator
    var state = [Double](repeating: 0, count: 4)
    let mixing: [Double]
    let decay: [Double] = [0.999, 0.99, 0.95, 0.9]

    init(features: Int, seed: UInt64) {
        self.features = features
        rng = RandomGenerator(seed: seed)
        var values = [Double]()
        for _ in 0..<(4 * features) { values.append(Double(rng.normal())) }
        mixing = values
    }

    mutating func next(rows: Int) -> DoubleMatrix {
        var out = DoubleMatrix(rows: rows, cols: features)
        var noise = [Float](repeating: 0, count: rows * features)
        noise.withUnsafeMutableBufferPointer { rng.fillNormal($0.baseAddress!, count: rows * features) }
        for r in 0..<rows {
            for k in 0..<4 { state[k] = decay[k] * state[k] + (1 - decay[k] * decay[k]).squareRoot() * Double(rng.normal()) }
            for j in 0..<features {
                var v = Double(noise[r * features + j])
                for k in 0..<4 { v += 3 * state[k] * mixing[k * features + j] }
                out.values[r * features + j] = v
            }
        }
        return out
    }
}

struct BenchInputError: Error, CustomStringConvertible {
    var problem: String
    var description: String { problem }
}
