import Foundation
import NeuralNet

/// How the MDN's last layer is read as a mixture of C diagonal Gaussians over m scaled coordinates,
/// and the mixture's negative log-likelihood on the autodiff graph.
///
/// Output columns, for one row: [C logits | C·m mean pre-activations | C·m scale pre-activations],
/// component-major (component c's coordinate d at c·m + d). Then
///   weights  w_c  = softmax(logits)_c
///   means    μ_cd = sigmoid(·)            (inside the scaled box (0, 1))
///   scales   σ_cd = ELU(·) + 1 + ε        (positive, at least ε = `minimumScale`)
/// (Bishop 1994, "Mixture density networks"; the LSS paper's parameterization, Sidky et al. 2020).
/// ELU + 1 grows linearly instead of exponentially, so a large pre-activation cannot overflow a scale.
struct MixtureLayout {
    let components: Int
    let dimension: Int
    let minimumScale: Float

    var outputWidth: Int { components * (2 * dimension + 1) }
    var logitColumns: Range<Int> { 0..<components }
    var meanColumns: Range<Int> { components..<(components * (1 + dimension)) }
    var scaleColumns: Range<Int> { (components * (1 + dimension))..<outputWidth }

    /// ½ m log 2π: the Gaussian normalization in m dimensions.
    var gaussianConstant: Float { 0.5 * Float(dimension) * Float(log(2 * Double.pi)) }

    /// The mean negative log-likelihood, in scaled units, of `targets` (n × m, scaled) under the mixtures
    /// that the network outputs `raw` (n × C(2m+1)) describe:
    ///   -1/n Σ_i log Σ_c w_c Π_d N(y_id; μ_cd, σ_cd²),
    /// with the sum over components taken by log-sum-exp of log w_c + Σ_d log N, so that a target far
    /// from every component gives a large finite loss, not log 0.
    func negativeLogLikelihood(_ raw: Tensor, targets: Tensor, tiling: Tensor, grouping: Tensor?) -> Tensor {
        let g = raw.graph
        let logWeights = g.logSoftmax(g.slice(raw, cols: logitColumns))
        let means = g.sigmoid(g.slice(raw, cols: meanColumns))
        let scales = g.add(g.elu(g.slice(raw, cols: scaleColumns)), 1 + minimumScale)
        // y repeated once per component (n × C·m): a product with a 0/1 tiling matrix.
        let tiled = g.matmul(targets, tiling)
        let z = g.divide(g.subtract(tiled, means), scales)
        let perCoordinate = g.add(g.scale(g.square(z), by: -0.5), g.negate(g.log(scales)))
        let perComponent = grouping.map { g.matmul(perCoordinate, $0) } ?? perCoordinate
        let logJoint = g.add(logWeights, perComponent)
        let logDensity = g.logSumExp(logJoint)
        return g.add(g.negate(g.mean(logDensity)), gaussianConstant)
    }

    /// m × C·m: row d has ones at columns c·m + d, so y · T repeats y for every component.
    func tilingMatrix() -> Matrix {
        let t = Matrix(rows: dimension, cols: components * dimension)
        for c in 0..<components { for d in 0..<dimension { t[d, c * dimension + d] = 1 } }
        return t
    }

    /// C·m × C: column c sums component c's m coordinates; nil in one dimension, where none is needed.
    func groupingMatrix() -> Matrix? {
        guard dimension > 1 else { return nil }
        let s = Matrix(rows: components * dimension, cols: components)
        for c in 0..<components { for d in 0..<dimension { s[c * dimension + d, c] = 1 } }
        return s
    }
}
