import Foundation
import LatentSimulator
import NeuralNet
import Trajectories

/// Simulating with the LSS (bench/lss/README.md, workloads 4-6): latent steps per second of K = 100
/// parallel MDN trajectories and their share of the machine's sgemm rate, decoded frames per
/// second, and one 1.04-million-step trajectory decoded and written to DCD, end to end.
enum LSSSimulationBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) throws {
        let (steps, fraction) = try sampler(settings)
        report(BenchResult(bench: "lss-sampler", metric: "steps", value: steps, unit: "per s"))
        report(BenchResult(bench: "lss-sampler", metric: "flop-fraction", value: fraction, unit: "fraction"))
        report(BenchResult(bench: "lss-decoder", metric: "frames", value: try decoder(settings), unit: "per s"))
        report(BenchResult(bench: "lss-long", metric: "trajectory", value: try longTrajectory(settings), unit: "s"))
    }

    /// Multiply-adds of one MDN forward per latent step, 3·100 + 100·100 + 100·168, at two flops
    /// each. Activations and the mixture draw are not counted (well under 1 % more).
    static let flopsPerStep = 2.0 * Double(3 * 100 + 100 * 100 + 100 * 168)

    /// `MDNPropagator.rollouts` of K = 100 trajectories from the box centre: latent steps per second
    /// (K · steps / time), and that rate in flops over the best of a 100×100×100 sgemm on 1 and
    /// 2 threads, measured in the same run.
    static func sampler(_ settings: BenchSettings) throws -> (stepsPerSecond: Double, flopFraction: Double) {
        let k = 100, steps = settings.quick ? 2000 : 10_000
        var generator = RandomGenerator(seed: 21)
        let propagator = try LSSBenchModels.propagator(generator: &generator)
        let starts = Matrix(rows: k, cols: LSSBenchData.latent, repeating: 0.5)
        var seed: UInt64 = 0
        let seconds = Timing.median(repeats: settings.repeats, warmup: 1) {
            seed += 1
            _ = propagator.rollouts(from: starts, steps: steps, seed: seed)
        }
        let rate = Double(k * steps) / seconds
        let sgemm = max(BLASBench.measure(transA: false, transB: false, m: 100, k: 100, n: 100, threads: 1,
                                          repeats: settings.repeats),
                        BLASBench.measure(transA: false, transB: false, m: 100, k: 100, n: 100, threads: 2,
                                          repeats: settings.repeats))
        return (rate, rate * flopsPerStep * 1e-9 / sgemm)
    }

    /// `CoordinateDecoder.generate` of 100,000 latent points (uniform in the box) in batches of
    /// 10,000, into a reused output: frames per second.
    static func decoder(_ settings: BenchSettings) throws -> Double {
        let points = settings.quick ? 20_000 : 100_000, batch = 10_000
        var generator = RandomGenerator(seed: 22)
        let decoder = try LSSBenchModels.decoder(seed: 23, generators: DecoderSettings.defaultMembers)
        let latent = Matrix.randomUniform(rows: batch, cols: LSSBenchData.latent, generator: &generator)
        let output = Matrix(rows: batch, cols: 3 * decoder.atomCount)
        let seconds = Timing.median(repeats: settings.repeats, warmup: 1) {
            for _ in 0..<(points / batch) { decoder.generate(latent: latent, into: output, generator: &generator) }
        }
        return Double(points) / seconds
    }

    /// One trajectory of 1.04 million MDN steps from the box centre (K = 1), every state decoded to
    /// 20 Cα (`CoordinateDecoder.generate`, chunks of 10,000 frames) and written with `DCDWriter`
    /// to a temporary file: seconds, end to end. With `quick`, a tenth of the steps, scaled up.
    static func longTrajectory(_ settings: BenchSettings) throws -> Double {
        let steps = settings.quick ? LSSBenchData.longSteps / 10 : LSSBenchData.longSteps
        var generator = RandomGenerator(seed: 24)
        let propagator = try LSSBenchModels.propagator(generator: &generator)
        let decoder = try LSSBenchModels.decoder(seed: 25, generators: DecoderSettings.defaultMembers)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("lss-bench-\(ProcessInfo.processInfo.processIdentifier).dcd").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var failure: Error?
        var seed: UInt64 = 0
        let seconds = Timing.median(repeats: settings.quick ? 1 : min(settings.repeats, 3), warmup: 0) {
            seed += 1
            do {
                try simulate(propagator: propagator, decoder: decoder, steps: steps, seed: seed, path: path)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return seconds * Double(LSSBenchData.longSteps) / Double(steps)
    }

    /// Propagate, decode in chunks and write: what `lss simulate` does for one trajectory.
    static func simulate(propagator: MDNPropagator, decoder: CoordinateDecoder, steps: Int, seed: UInt64,
                         path: String) throws {
        let m = LSSBenchData.latent, atoms = decoder.atomCount, chunk = 10_000
        let start = Matrix(rows: 1, cols: m, repeating: 0.5)
        let trajectory = propagator.rollouts(from: start, steps: steps, seed: seed)[0]
        let frames = trajectory.rows
        let writer = try DCDWriter(path: path, atomCount: atoms)
        var noise = RandomGenerator(seed: seed ^ 0xDEC0DE)
        var latent = Matrix(rows: chunk, cols: m), output = Matrix(rows: chunk, cols: 3 * atoms)
        for first in stride(from: 0, to: frames, by: chunk) {
            let n = min(chunk, frames - first)
            if n != latent.rows {
                latent = Matrix(rows: n, cols: m)
                output = Matrix(rows: n, cols: 3 * atoms)
            }
            latent.pointer.update(from: trajectory.pointer + first * m, count: n * m)
            decoder.generate(latent: latent, into: output, generator: &noise)
            let positions = Array(UnsafeBufferPointer(start: output.pointer, count: n * 3 * atoms))
            let times = (first..<(first + n)).map(Double.init)
            try writer.write(FrameChunk(atomCount: atoms, firstFrame: first, positions: positions, times: times))
        }
        try writer.close()
    }
}
