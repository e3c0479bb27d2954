import Foundation
import NeuralNet

/// Advances K latent trajectories together: each step runs the K current states through the
/// network as one batch (sgemm, cached activations), then draws each row's next state from its
/// mixture. Rows are split into contiguous chunks of at least `minimumRowsPerWorker`, one worker
/// (with its own predictor and buffers) per chunk, up to `BLAS.maxThreads` workers; each worker's
/// BLAS calls stay single-threaded (their size is below the parallel threshold), so the workers
/// do not compete for the same cores.
struct RolloutEngine {
    static let minimumRowsPerWorker = 32

    let network: Sequential
    let layout: MixtureLayout
    let scaler: LatentScaler
    let boundary: BoundaryPolicy

    /// `starts` in scaled units (finite). Returns trajectories in latent units, the start first.
    func run(starts: Matrix, steps: Int, seed: UInt64) -> [Matrix] {
        let k = starts.rows, m = layout.dimension
        let trajectories = (0..<k).map { _ in Matrix(rows: steps + 1, cols: m) }
        var root = RandomGenerator(seed: seed)
        let streams = (0..<k).map { _ in NormalStream(generator: root.split()) }
        let workers = max(1, min(BLAS.maxThreads, k / Self.minimumRowsPerWorker))
        let chunks = (0..<workers).map { w in (w * k / workers)..<((w + 1) * k / workers) }
        let jobs = chunks.map { rows in
            RolloutJob(engine: self, rows: rows, starts: starts, streams: Array(streams[rows]),
                       trajectories: Array(trajectories[rows]), steps: steps)
        }
        if jobs.count == 1 {
            jobs[0].run()
        } else {
            DispatchQueue.concurrentPerform(iterations: jobs.count) { jobs[$0].run() }
        }
        return trajectories
    }
}

/// One worker's share of a rollout: its rows, their noise streams and output matrices.
private final class RolloutJob: @unchecked Sendable {
    let engine: RolloutEngine
    let state: Matrix
    var streams: [NormalStream]
    let trajectories: [Matrix]
    let steps: Int

    init(engine: RolloutEngine, rows: Range<Int>, starts: Matrix, streams: [NormalStream], trajectories: [Matrix],
         steps: Int) {
        self.engine = engine
        self.state = starts.rows(rows)
        self.streams = streams
        self.trajectories = trajectories
        self.steps = steps
    }

    func run() {
        let layout = engine.layout, m = layout.dimension, width = layout.outputWidth, rows = state.rows
        guard rows > 0 else { return }
        let predictor = Predictor(engine.network, chunkRows: max(rows, 1))
        let scaler = engine.scaler, boundary = engine.boundary
        // Latent = (u - offset) / factor, in Float for the inner loop.
        let inverse = scaler.factors.map { Float(1 / $0) }, offsets = scaler.offsets.map { Float($0) }
        inverse.withUnsafeBufferPointer { inverse in
            offsets.withUnsafeBufferPointer { offsets in
                func record(_ t: Int) {
                    for r in 0..<rows {
                        let target = trajectories[r].pointer + t * m, source = state.pointer + r * m
                        for d in 0..<m { target[d] = (source[d] - offsets[d]) * inverse[d] }
                    }
                }
                record(0)
                for t in 1...max(steps, 1) where steps > 0 {
                    let raw = predictor.predict(state)
                    for r in 0..<rows {
                        layout.drawInsideBox(raw: raw.pointer + r * width, boundary: boundary, noise: &streams[r],
                                             into: state.pointer + r * m)
                    }
                    record(t)
                }
            }
        }
    }
}
