import Trajectories

/// A proper rigid motion x ↦ R x + t (rotation R with det R = +1, translation t in nm).
public struct RigidTransform: Sendable, Equatable {
    /// Row-major 3 × 3 rotation matrix.
    public var rotation: [Double]
    public var translation: SIMD3<Double>

    public init(rotation: [Double], translation: SIMD3<Double>) {
        precondition(rotation.count == 9, "RigidTransform: a rotation has 9 entries")
        self.rotation = rotation
        self.translation = translation
    }

    public static let identity = RigidTransform(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: .zero)

    /// R p + t.
    public func apply(_ p: SIMD3<Double>) -> SIMD3<Double> {
        rotate(p) + translation
    }

    /// R p.
    public func rotate(_ p: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(rotation[0] * p.x + rotation[1] * p.y + rotation[2] * p.z,
              rotation[3] * p.x + rotation[4] * p.y + rotation[5] * p.z,
              rotation[6] * p.x + rotation[7] * p.y + rotation[8] * p.z)
    }
}

/// Optimal superposition (the Kabsch problem) of one point set onto another.
public enum Superposition {
    /// The proper rigid motion that minimizes Σ wᵢ |R xᵢ + t − yᵢ|² for mobile points x and
    /// reference points y, and the weighted RMSD √(Σ wᵢ |R xᵢ + t − yᵢ|² / Σ wᵢ) it leaves.
    ///
    /// The optimal translation moves the weighted centroid of x onto that of y; the rotation comes
    /// from the quaternion method (`QuaternionFit`), which never returns a reflection. Without
    /// weights every point weighs the same (MDTraj's `superpose` and `rmsd`); pass masses for a
    /// mass-weighted fit. The RMSD is measured by applying the transform.
    public static func fit(_ mobile: [SIMD3<Double>], onto reference: [SIMD3<Double>],
                           weights: [Double]? = nil) throws -> (transform: RigidTransform, rmsd: Double) {
        guard !mobile.isEmpty else {
            throw KineticsError(.emptySelection, "superposition needs at least one point; the point set is empty")
        }
        guard mobile.count == reference.count else {
            throw KineticsError(.mismatch, "superposing \(mobile.count) points onto \(reference.count); give the same atoms in both")
        }
        let w = try Geometry.validatedWeights(weights, count: mobile.count, what: "weights")
        guard mobile.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }),
              reference.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw KineticsError(.numerical, "superposition was given a non-finite coordinate")
        }
        let reference = CentredPoints(reference, weights: w)
        let mobileCentre = CentredPoints.centre(of: mobile, weights: w)
        let (fit, mobileNorm) = reference.fit(mobile, centre: mobileCentre, wantRotation: true)
        _ = mobileNorm
        let rotation = RigidTransform(rotation: fit.rotation, translation: .zero)
        let transform = RigidTransform(rotation: fit.rotation,
                                       translation: reference.centre - rotation.rotate(mobileCentre))
        // The residual of the transform itself: exact to Float64 rounding even for a perfect fit,
        // where the eigenvalue formula (used for speed by `RMSDReference`) resolves only ~1e-8 · Rg.
        var sum = 0.0
        for (i, (p, q)) in zip(mobile, reference.points).enumerated() {
            let d = transform.rotate(p - mobileCentre) - q
            sum += dot3(d, d) * (w?[i] ?? 1)
        }
        return (transform, (sum / reference.totalWeight).squareRoot())
    }
}

/// A reference point set centred on its weighted centroid, ready to be fitted against.
struct CentredPoints: Sendable {
    let points: [SIMD3<Double>]
    let weights: [Double]?
    let centre: SIMD3<Double>
    /// Σ wᵢ |yᵢ − ȳ|².
    let norm: Double
    let totalWeight: Double

    init(_ raw: [SIMD3<Double>], weights: [Double]?) {
        let centre = CentredPoints.centre(of: raw, weights: weights)
        points = raw.map { $0 - centre }
        self.weights = weights
        self.centre = centre
        totalWeight = weights?.reduce(0, +) ?? Double(raw.count)
        var norm = 0.0
        for (i, p) in points.enumerated() { norm += dot3(p, p) * (weights?[i] ?? 1) }
        self.norm = norm
    }

    static func centre(of points: [SIMD3<Double>], weights: [Double]?) -> SIMD3<Double> {
        var sum = SIMD3<Double>(repeating: 0), total = 0.0
        for (i, p) in points.enumerated() {
            let w = weights?[i] ?? 1
            sum += p * w
            total += w
        }
        return sum / total
    }

    /// Fits mobile points (not yet centred; `centre` is their weighted centroid) onto this set:
    /// the quaternion fit and Σ wᵢ |xᵢ − x̄|².
    func fit(_ mobile: UnsafeBufferPointer<SIMD3<Double>>, centre mobileCentre: SIMD3<Double>,
             wantRotation: Bool) -> (QuaternionFit, Double) {
        var s = SIMD16<Double>(repeating: 0)
        var sx = SIMD3<Double>(repeating: 0), sy = sx, sz = sx
        var mobileNorm = 0.0
        points.withUnsafeBufferPointer { reference in
            for i in 0 ..< reference.count {
                let w = weights?[i] ?? 1
                let x = (mobile[i] - mobileCentre) * w
                let y = reference[i]
                sx += y * x.x
                sy += y * x.y
                sz += y * x.z
                mobileNorm += dot3(x, mobile[i] - mobileCentre)
            }
        }
        s[0] = sx.x; s[1] = sx.y; s[2] = sx.z
        s[3] = sy.x; s[4] = sy.y; s[5] = sy.z
        s[6] = sz.x; s[7] = sz.y; s[8] = sz.z
        return (QuaternionFit(correlation: s, wantRotation: wantRotation), mobileNorm)
    }

    func fit(_ mobile: [SIMD3<Double>], centre: SIMD3<Double>, wantRotation: Bool) -> (QuaternionFit, Double) {
        mobile.withUnsafeBufferPointer { fit($0, centre: centre, wantRotation: wantRotation) }
    }

    /// √(max(0, Σw|x|² + Σw|y|² − 2λ) / Σw); the clamp absorbs rounding for identical sets.
    func rmsd(largestEigenvalue lambda: Double, mobileNorm: Double) -> Double {
        (max(0, mobileNorm + norm - 2 * lambda) / totalWeight).squareRoot()
    }
}
