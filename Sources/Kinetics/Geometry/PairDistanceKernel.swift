import NeuralNet
import Trajectories

/// Distances over a fixed list of atom pairs, frame after frame, without allocating per frame.
///
/// The pairs are grouped into runs that share their first atom and have consecutive second atoms
/// (all pairs of a selection, or all pairs beyond a sequence separation, are a handful of runs).
/// Each frame's atoms are gathered once into Float64 x, y, z columns; a run then becomes a
/// contiguous loop that the compiler vectorizes. Periodic frames take the scalar minimum-image path.
struct PairDistanceKernel: Sendable {
    struct Run: Sendable {
        /// Local index (into `atoms`) of the shared first atom.
        var first: Int
        /// Local index of the first second atom; the run covers `start ..< start + count`.
        var start: Int
        var count: Int
    }

    /// The distinct atoms the pairs use, ascending (indices into the frame).
    let atoms: [Int]
    let runs: [Run]
    /// The pairs as local indices, flat (a0, b0, a1, b1, ...), for the periodic path.
    let localPairs: [Int]
    var pairCount: Int { localPairs.count / 2 }

    init(pairs: [(Int, Int)]) {
        atoms = Array(Set(pairs.flatMap { [$0.0, $0.1] })).sorted()
        var local = [Int: Int]()
        for (k, atom) in atoms.enumerated() { local[atom] = k }
        var runs = [Run]()
        var flat = [Int]()
        flat.reserveCapacity(pairs.count * 2)
        for (p, q) in pairs {
            let a = local[p]!, b = local[q]!
            flat.append(a)
            flat.append(b)
            if var last = runs.last, last.first == a, last.start + last.count == b {
                last.count += 1
                runs[runs.count - 1] = last
            } else {
                runs.append(Run(first: a, start: b, count: 1))
            }
        }
        self.runs = runs
        localPairs = flat
    }

    /// Writes the distances of every frame of `chunk` into columns `column ..< column + pairCount`.
    func fill(_ chunk: FrameChunk, periodic: Bool, into matrix: inout DoubleMatrix, column: Int) throws {
        let n = atoms.count, stride = matrix.cols
        var scratch = [Double](repeating: 0, count: 3 * max(n, 1))
        try matrix.values.withUnsafeMutableBufferPointer { output in
            try scratch.withUnsafeMutableBufferPointer { columns in
                try chunk.forEachFrame(periodic: periodic) { frame, index, cell in
                    let row = output.baseAddress! + index * stride + column
                    compute(frame, cell: cell, scratch: columns.baseAddress!, into: row)
                }
            }
        }
    }

    /// Distances of one frame into `out[0 ..< pairCount]`; `scratch` holds 3 × atoms.count values.
    @inline(__always)
    func compute(_ frame: FramePoints, cell: PeriodicCell?, scratch: UnsafeMutablePointer<Double>,
                 into out: UnsafeMutablePointer<Double>) {
        let n = atoms.count
        let xs = scratch, ys = scratch + n, zs = scratch + 2 * n
        atoms.withUnsafeBufferPointer { atomIndices in
            for k in 0 ..< n {
                let p = frame.base + atomIndices[k] &* 3
                xs[k] = Double(p[0])
                ys[k] = Double(p[1])
                zs[k] = Double(p[2])
            }
        }
        if let cell {
            localPairs.withUnsafeBufferPointer { pairs in
                for k in 0 ..< pairs.count / 2 {
                    let a = pairs[2 * k], b = pairs[2 * k + 1]
                    let d = cell.minimumImage(SIMD3(xs[b] - xs[a], ys[b] - ys[a], zs[b] - zs[a]))
                    out[k] = dot3(d, d).squareRoot()
                }
            }
            return
        }
        var o = out
        runs.withUnsafeBufferPointer { runs in
            for run in runs {
                let xi = xs[run.first], yi = ys[run.first], zi = zs[run.first]
                let xj = xs + run.start, yj = ys + run.start, zj = zs + run.start
                for j in 0 ..< run.count {
                    let dx = xj[j] - xi, dy = yj[j] - yi, dz = zj[j] - zi
                    o[j] = (dx * dx + dy * dy + dz * dz).squareRoot()
                }
                o += run.count
            }
        }
    }
}
