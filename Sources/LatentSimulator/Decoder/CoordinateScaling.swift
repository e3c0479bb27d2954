import Kinetics
import NeuralNet
import Trajectories

/// How decoded atoms are put in one frame of reference and in the generator's value range.
///
/// A Cartesian generator must not have to learn rigid motions, so every training frame is first
/// superposed on a reference (Kabsch, proper rotations only: a fit that allowed reflections would
/// turn some frames into mirror images and teach the generator both hands) and then divided by
/// `scale`, so that all aligned training coordinates lie in [-1, 1], the range of a tanh output
/// (DESIGN.md §1, "Decoder D").
public struct CoordinateScaling: Codable, Sendable, Equatable {
    /// Which atoms of the full topology are decoded (Cα or heavy atoms), in decoding order.
    public var atomIndices: [Int]
    /// Centred reference positions of those atoms, a × 3 values in nm (x, y, z per atom).
    public var reference: [Float]
    /// nm per network unit: aligned training frames divided by `scale` lie in [-1, 1].
    public var scale: Float

    /// The head room between the largest aligned training coordinate and the edge of tanh's range:
    /// the largest coordinate maps to 1/1.05. tanh's slope there is only 0.09, and the most extended
    /// structures are the ones with coordinates near it (alanine dipeptide's φ, ψ ≈ 180°: 97 % of
    /// those frames have one above 0.85); `DecoderSettings.outputActivation` can make the output linear.
    public static let margin: Float = 1.05

    public var atomCount: Int { atomIndices.count }

    /// Centres `reference`, aligns `trainingFrames` (n × 3a nm of the selected atoms) onto it and
    /// sets `scale` = 1.05 × the largest absolute aligned coordinate (the reference's own when no
    /// frames are given). Shapes must agree (callers validate user input first).
    public init(reference: [Float], atomIndices: [Int], trainingFrames: Matrix) {
        precondition(reference.count == 3 * atomIndices.count && !atomIndices.isEmpty,
                     "CoordinateScaling: the reference needs 3 values per selected atom")
        precondition(trainingFrames.cols == reference.count,
                     "CoordinateScaling: frames have \(trainingFrames.cols) values, the reference \(reference.count)")
        self.atomIndices = atomIndices
        self.reference = CoordinateScaling.centred(reference)
        self.scale = 1
        var largest: Float = self.reference.reduce(0) { max($0, abs($1)) }
        if trainingFrames.rows > 0 {
            let aligned = align(trainingFrames)
            for i in 0..<aligned.count where aligned.pointer[i].isFinite {
                largest = max(largest, abs(aligned.pointer[i]))
            }
        }
        scale = largest > 0 ? largest * CoordinateScaling.margin : 1
    }

    /// A scaling with a known scale (the reference is centred).
    public init(reference: [Float], atomIndices: [Int], scale: Float) {
        precondition(reference.count == 3 * atomIndices.count && scale > 0 && scale.isFinite,
                     "CoordinateScaling: 3 values per atom and a positive scale are required")
        self.atomIndices = atomIndices
        self.reference = CoordinateScaling.centred(reference)
        self.scale = scale
    }

    /// Every frame (n × 3a nm) moved by the proper rigid motion that superposes it best on the
    /// reference (equal weights, as `mdtraj.superpose`); the result is centred like the reference.
    /// A frame holding a non-finite value is returned unchanged (callers reject such input first).
    public func align(_ frames: Matrix) -> Matrix {
        precondition(frames.cols == reference.count, "align: frames have \(frames.cols) values per row, "
                     + "the reference \(reference.count)")
        let out = Matrix(rows: frames.rows, cols: frames.cols)
        let a = atomCount
        let target = (0..<a).map { SIMD3(Double(reference[3 * $0]), Double(reference[3 * $0 + 1]),
                                         Double(reference[3 * $0 + 2])) }
        var mobile = [SIMD3<Double>](repeating: .zero, count: a)
        for f in 0..<frames.rows {
            let source = frames.pointer + f * frames.cols, destination = out.pointer + f * frames.cols
            for i in 0..<a {
                mobile[i] = SIMD3(Double(source[3 * i]), Double(source[3 * i + 1]), Double(source[3 * i + 2]))
            }
            guard let fit = try? Superposition.fit(mobile, onto: target) else {
                destination.update(from: source, count: frames.cols)
                continue
            }
            for i in 0..<a {
                let p = fit.transform.apply(mobile[i])
                destination[3 * i] = Float(p.x); destination[3 * i + 1] = Float(p.y); destination[3 * i + 2] = Float(p.z)
            }
        }
        return out
    }

    /// Aligned frames in network units (divided by `scale`).
    public func normalize(_ aligned: Matrix) -> Matrix {
        let out = aligned.copy()
        let factor = 1 / scale
        for i in 0..<out.count { out.pointer[i] *= factor }
        return out
    }

    /// The reference translated so that its centroid is the origin.
    static func centred(_ values: [Float]) -> [Float] {
        let a = values.count / 3
        guard a > 0 else { return values }
        var centre = SIMD3<Double>(repeating: 0)
        for i in 0..<a { centre += SIMD3(Double(values[3 * i]), Double(values[3 * i + 1]), Double(values[3 * i + 2])) }
        centre /= Double(a)
        var out = values
        for i in 0..<a {
            out[3 * i] = Float(Double(values[3 * i]) - centre.x)
            out[3 * i + 1] = Float(Double(values[3 * i + 1]) - centre.y)
            out[3 * i + 2] = Float(Double(values[3 * i + 2]) - centre.z)
        }
        return out
    }
}
