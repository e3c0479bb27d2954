import Trajectories

/// RMSD of frames to one reference structure after optimal superposition on a set of atoms, as
/// `mdtraj.rmsd(traj, reference, atom_indices=...)`: each frame's fit atoms are centred and
/// rotated onto the reference's (no reflections), and the RMSD over those atoms is reported in nm.
///
/// Also aligns whole frames onto the reference (`superpose`), which is what the decoder's
/// "Kabsch-aligned coordinates" are (DESIGN.md §1).
public struct RMSDReference: Sendable {
    /// Atoms (indices into both the reference and the frames) used for the fit and the RMSD.
    public let atoms: [Int]
    /// Per-fit-atom weights (masses for a mass-weighted RMSD), or nil for equal weights.
    public let weights: [Double]?
    /// Atom count of the reference frame; frames must have the same.
    public let atomCount: Int
    let reference: CentredPoints

    /// - Parameters:
    ///   - positions: the whole reference frame in nm.
    ///   - atoms: fit atoms; nil for all.
    ///   - weights: one per fit atom, or nil.
    public init(positions: [SIMD3<Double>], atoms: [Int]? = nil, weights: [Double]? = nil) throws {
        let selected = atoms ?? Array(positions.indices)
        guard !selected.isEmpty else {
            throw KineticsError(.emptySelection, "the RMSD fit selection is empty; select at least one atom (three for a meaningful fit)")
        }
        try checkAtomIndices(selected, atomCount: positions.count, what: "the RMSD fit selection")
        let w = try Geometry.validatedWeights(weights, count: selected.count, what: "RMSD weights")
        self.atoms = selected
        self.weights = w
        atomCount = positions.count
        reference = CentredPoints(selected.map { positions[$0] }, weights: w)
    }

    /// The reference taken from frame `frame` of a chunk.
    public init(chunk: FrameChunk, frame: Int = 0, atoms: [Int]? = nil, weights: [Double]? = nil) throws {
        guard (0 ..< chunk.frameCount).contains(frame) else {
            throw KineticsError(.invalidArgument, "reference frame \(frame) is not among the \(chunk.frameCount) frames given")
        }
        try self.init(positions: chunk.frame(frame).positions, atoms: atoms, weights: weights)
    }

    /// RMSD in nm of every frame of `chunk` to the reference, after superposition on `atoms`.
    /// From the largest eigenvalue λ of the quaternion fit, RMSD² = (Σw|x|² + Σw|y|² − 2λ)/Σw
    /// (Theobald 2005), without rotating any coordinate; the cancellation in that difference
    /// limits the resolution near zero to ~1e-8 · Rg (MDTraj's Float32 version: ~1e-4 nm).
    public func rmsd(_ chunk: FrameChunk) throws -> [Double] {
        var result = [Double](repeating: 0, count: chunk.frameCount)
        try forEachFit(chunk, wantRotation: false) { index, fit, mobileNorm, _ in
            result[index] = reference.rmsd(largestEigenvalue: fit.largestEigenvalue, mobileNorm: mobileNorm)
        }
        return result
    }

    /// The rigid motion of each frame that superposes its fit atoms on the reference's.
    public func transforms(_ chunk: FrameChunk) throws -> [RigidTransform] {
        var result = [RigidTransform]()
        result.reserveCapacity(chunk.frameCount)
        try forEachFit(chunk, wantRotation: true) { _, fit, _, centre in
            let rotation = RigidTransform(rotation: fit.rotation, translation: .zero)
            result.append(RigidTransform(rotation: fit.rotation, translation: reference.centre - rotation.rotate(centre)))
        }
        return result
    }

    /// The chunk with every atom of each frame moved by that frame's superposing motion
    /// (positions only; velocities and forces, when present, are rotated too).
    public func superpose(_ chunk: FrameChunk) throws -> FrameChunk {
        let motions = try transforms(chunk)
        var moved = chunk
        let width = chunk.atomCount * 3
        func transform(_ values: inout [Float], translate: Bool) {
            values.withUnsafeMutableBufferPointer { v in
                for (frame, motion) in motions.enumerated() {
                    for atom in 0 ..< chunk.atomCount {
                        let o = frame * width + atom * 3
                        let p = SIMD3(Double(v[o]), Double(v[o + 1]), Double(v[o + 2]))
                        let q = translate ? motion.apply(p) : motion.rotate(p)
                        v[o] = Float(q.x); v[o + 1] = Float(q.y); v[o + 2] = Float(q.z)
                    }
                }
            }
        }
        transform(&moved.positions, translate: true)
        if moved.velocities != nil { transform(&moved.velocities!, translate: false) }
        if moved.forces != nil { transform(&moved.forces!, translate: false) }
        return moved
    }

    private func forEachFit(_ chunk: FrameChunk, wantRotation: Bool,
                            _ body: (Int, QuaternionFit, Double, SIMD3<Double>) -> Void) throws {
        guard chunk.atomCount == atomCount else {
            throw KineticsError(.mismatch, "frames have \(chunk.atomCount) atoms but the RMSD reference has \(atomCount); use the same system")
        }
        var mobile = [SIMD3<Double>](repeating: .zero, count: atoms.count)
        try mobile.withUnsafeMutableBufferPointer { points in
            try chunk.forEachFrame(periodic: false) { frame, index, _ in
                var centre = SIMD3<Double>(repeating: 0)
                for (k, atom) in atoms.enumerated() {
                    let p = frame.point(atom)
                    points[k] = p
                    centre += p * (weights?[k] ?? 1)
                }
                centre /= reference.totalWeight
                let (fit, mobileNorm) = reference.fit(UnsafeBufferPointer(points), centre: centre, wantRotation: wantRotation)
                body(index, fit, mobileNorm, centre)
            }
        }
    }
}
