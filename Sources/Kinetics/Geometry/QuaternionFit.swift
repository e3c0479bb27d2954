/// The core of optimal superposition: from the weighted correlation of two centred point sets to
/// the best proper rotation and the residual, by the quaternion method.
///
/// Horn (J. Opt. Soc. Am. A 4, 629 (1987)) shows that the rotation minimizing Σ wᵢ |R xᵢ − yᵢ|²
/// over proper rotations is the unit quaternion that is the eigenvector of the largest eigenvalue
/// λ of a symmetric 4 × 4 matrix K built from S_ab = Σ wᵢ x_{i,a} y_{i,b}, and that the minimum
/// is Σ wᵢ|xᵢ|² + Σ wᵢ|yᵢ|² − 2λ (Theobald's QCP, Acta Cryst. A 61, 478 (2005), uses the same λ).
/// A quaternion always gives det R = +1, so reflections are excluded without the sign fix that an
/// SVD-based Kabsch needs. The 4 × 4 eigenproblem is solved by cyclic Jacobi rotations, allocation
/// free, to machine precision.
struct QuaternionFit {
    /// Row-major 3 × 3 rotation taking the mobile set onto the reference.
    var rotation: [Double]
    /// The largest eigenvalue λ of K: max over R of Σ wᵢ yᵢ · R xᵢ.
    var largestEigenvalue: Double

    /// `s` holds S_ab row-major: s[3a + b] = Σ wᵢ x_{i,a} y_{i,b} (x mobile, y reference, both centred).
    init(correlation s: SIMD16<Double>, wantRotation: Bool = true) {
        let (sxx, sxy, sxz) = (s[0], s[1], s[2])
        let (syx, syy, syz) = (s[3], s[4], s[5])
        let (szx, szy, szz) = (s[6], s[7], s[8])
        var k = SIMD16<Double>(repeating: 0)
        func set(_ i: Int, _ j: Int, _ v: Double) { k[4 * i + j] = v; k[4 * j + i] = v }
        set(0, 0, sxx + syy + szz)
        set(0, 1, syz - szy)
        set(0, 2, szx - sxz)
        set(0, 3, sxy - syx)
        set(1, 1, sxx - syy - szz)
        set(1, 2, sxy + syx)
        set(1, 3, szx + sxz)
        set(2, 2, -sxx + syy - szz)
        set(2, 3, syz + szy)
        set(3, 3, -sxx - syy + szz)
        let (values, vectors) = QuaternionFit.jacobiEigen(k)
        var best = 0
        for i in 1 ..< 4 where values[i] > values[best] { best = i }
        largestEigenvalue = values[best]
        guard wantRotation else {
            rotation = []
            return
        }
        var q = SIMD4(vectors[best], vectors[4 + best], vectors[8 + best], vectors[12 + best])
        let norm = (q * q).sum().squareRoot()
        q = norm > 0 ? q / norm : SIMD4(1, 0, 0, 0)
        let (q0, q1, q2, q3) = (q[0], q[1], q[2], q[3])
        rotation = [
            q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3, 2 * (q1 * q2 - q0 * q3), 2 * (q1 * q3 + q0 * q2),
            2 * (q1 * q2 + q0 * q3), q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3, 2 * (q2 * q3 - q0 * q1),
            2 * (q1 * q3 - q0 * q2), 2 * (q2 * q3 + q0 * q1), q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3,
        ]
    }

    /// Eigenvalues and eigenvectors (columns of the row-major 4 × 4 result) of a symmetric 4 × 4
    /// matrix by cyclic Jacobi rotations (Golub & Van Loan, §8.5).
    static func jacobiEigen(_ matrix: SIMD16<Double>) -> (values: SIMD4<Double>, vectors: SIMD16<Double>) {
        var a = matrix
        var v = SIMD16<Double>(repeating: 0)
        v[0] = 1; v[5] = 1; v[10] = 1; v[15] = 1
        let scale = (a * a).sum()
        guard scale > 0 else { return (SIMD4(repeating: 0), v) }
        for _ in 0 ..< 50 {
            var off = 0.0
            for p in 0 ..< 3 { for q in (p + 1) ..< 4 { off += a[4 * p + q] * a[4 * p + q] } }
            if off <= scale * 1e-32 { break }
            for p in 0 ..< 3 {
                for q in (p + 1) ..< 4 {
                    let apq = a[4 * p + q]
                    if apq == 0 { continue }
                    let theta = (a[4 * q + q] - a[4 * p + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    // A ← Jᵀ A J with J the rotation in the (p, q) plane.
                    for r in 0 ..< 4 {
                        let arp = a[4 * r + p], arq = a[4 * r + q]
                        a[4 * r + p] = c * arp - s * arq
                        a[4 * r + q] = s * arp + c * arq
                    }
                    for r in 0 ..< 4 {
                        let apr = a[4 * p + r], aqr = a[4 * q + r]
                        a[4 * p + r] = c * apr - s * aqr
                        a[4 * q + r] = s * apr + c * aqr
                    }
                    for r in 0 ..< 4 {
                        let vrp = v[4 * r + p], vrq = v[4 * r + q]
                        v[4 * r + p] = c * vrp - s * vrq
                        v[4 * r + q] = s * vrp + c * vrq
                    }
                }
            }
        }
        return (SIMD4(a[0], a[5], a[10], a[15]), v)
    }
}
