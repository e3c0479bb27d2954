import Foundation
import NeuralNet
import Trajectories

/// A computation on every frame of a chunk that writes one row of outputs per frame and needs no
/// scratch memory (angles, dihedrals).
protocol PerFrameKernel: Sendable {
    /// Writes one frame's values to `out`.
    func compute(_ frame: FramePoints, cell: PeriodicCell?, into out: UnsafeMutablePointer<Double>)
}

extension PerFrameKernel {
    /// Writes the values of every frame of `chunk` into the row of `matrix` for that frame,
    /// starting at `column`.
    func fill(_ chunk: FrameChunk, periodic: Bool, into matrix: inout DoubleMatrix, column: Int) throws {
        let stride = matrix.cols
        try matrix.values.withUnsafeMutableBufferPointer { output in
            try chunk.forEachFrame(periodic: periodic) { frame, index, cell in
                compute(frame, cell: cell, into: output.baseAddress! + index * stride + column)
            }
        }
    }
}

/// Bond angles over a fixed list of atom triples (flat: a0, b0, c0, a1, ...), the angle at the
/// middle atom in radians.
struct AngleKernel: PerFrameKernel {
    let triples: [Int]
    var count: Int { triples.count / 3 }

    @inline(__always)
    func compute(_ frame: FramePoints, cell: PeriodicCell?, into out: UnsafeMutablePointer<Double>) {
        triples.withUnsafeBufferPointer { t in
            for k in 0 ..< t.count / 3 {
                let centre = frame.point(t[3 * k + 1])
                let u = periodicDisplacement(centre, frame.point(t[3 * k]), cell)
                let v = periodicDisplacement(centre, frame.point(t[3 * k + 2]), cell)
                let c = cross3(u, v)
                out[k] = atan2(dot3(c, c).squareRoot(), dot3(u, v))
            }
        }
    }
}

/// Dihedral angles over a fixed list of quartets (flat), as angles or as (cos, sin) pairs.
struct DihedralKernel: PerFrameKernel {
    enum Output: Sendable {
        /// One column per quartet: the angle in radians, (−π, π].
        case angle
        /// Two columns per quartet: cos φ, sin φ, computed without trigonometric calls.
        case cosineSine
    }

    let quartets: [Int]
    let output: Output
    var count: Int { quartets.count / 4 }
    var columns: Int { output == .angle ? count : 2 * count }

    /// With y = |b2| b1·(b2×b3) and x = (b1×b2)·(b2×b3), φ = atan2(y, x), so cos φ = x/r and
    /// sin φ = y/r with r = √(x² + y²). A degenerate quartet (collinear atoms, r = 0) gives φ = 0
    /// (cos 1, sin 0), the value atan2(0, 0) gives MDTraj.
    @inline(__always)
    func compute(_ frame: FramePoints, cell: PeriodicCell?, into out: UnsafeMutablePointer<Double>) {
        quartets.withUnsafeBufferPointer { q in
            for k in 0 ..< q.count / 4 {
                let x0 = frame.point(q[4 * k]), x1 = frame.point(q[4 * k + 1])
                let x2 = frame.point(q[4 * k + 2]), x3 = frame.point(q[4 * k + 3])
                let b1 = periodicDisplacement(x0, x1, cell), b2 = periodicDisplacement(x1, x2, cell), b3 = periodicDisplacement(x2, x3, cell)
                let c1 = cross3(b2, b3), c2 = cross3(b1, b2)
                let y = dot3(b1, c1) * dot3(b2, b2).squareRoot()
                let x = dot3(c1, c2)
                switch output {
                case .angle:
                    out[k] = atan2(y, x)
                case .cosineSine:
                    let r = (x * x + y * y).squareRoot()
                    if r > 0 {
                        out[2 * k] = x / r
                        out[2 * k + 1] = y / r
                    } else {
                        out[2 * k] = 1
                        out[2 * k + 1] = 0
                    }
                }
            }
        }
    }
}
