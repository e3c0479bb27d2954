import Foundation
import NeuralNet

/// One row's mixture, unpacked from the network output for repeated use: log densities at many
/// points (likelihoods, the ensemble's disagreement) and draws. Buffers are allocated once.
///
/// Uses the same fast sigmoid and exponential as training (errors below 3·10⁻⁷), so densities
/// here agree with the loss the network was trained on.
final class MixtureRow {
    let layout: MixtureLayout
    /// log w_c - Σ_d log σ_cd - ½ m log 2π, per component.
    private(set) var logNormalizers: [Float]
    private(set) var weights: [Float]
    private(set) var means: [Float]
    private(set) var inverseScales: [Float]
    private(set) var scales: [Float]
    /// Components in canonical order (by their means, then weights): draws then depend on the
    /// mixture, not on how the network happens to label its components.
    private(set) var order: [Int]
    private var cumulative: [Float]

    init(layout: MixtureLayout) {
        self.layout = layout
        let c = layout.components, cm = c * layout.dimension
        logNormalizers = [Float](repeating: 0, count: c)
        weights = logNormalizers
        means = [Float](repeating: 0, count: cm)
        inverseScales = means
        scales = means
        order = Array(0..<c)
        cumulative = logNormalizers
    }

    /// Unpacks one output row (C(2m+1) values). With `canonicalOrder`, draws follow the sorted order.
    func load(_ raw: UnsafePointer<Float>, canonicalOrder: Bool = false) {
        let c = layout.components, m = layout.dimension, eps = layout.minimumScale
        var top = -Float.infinity
        for j in 0..<c { top = max(top, raw[j]) }
        var total: Float = 0
        for j in 0..<c { let w = fastExp(raw[j] - top); weights[j] = w; total += w }
        let logTotal = top + Foundation.log(total)
        for j in 0..<c { weights[j] /= total }
        for j in 0..<c {
            var logScaleSum: Float = 0
            for d in 0..<m {
                let k = j * m + d
                means[k] = fastSigmoid(raw[layout.meanColumns.lowerBound + k])
                let s = fastELU(raw[layout.scaleColumns.lowerBound + k], alpha: 1) + 1 + eps
                scales[k] = s
                inverseScales[k] = 1 / s
                logScaleSum += Foundation.log(s)
            }
            logNormalizers[j] = raw[j] - logTotal - logScaleSum - layout.gaussianConstant
        }
        if canonicalOrder {
            order = (0..<c).sorted { a, b in
                for d in 0..<m where means[a * m + d] != means[b * m + d] { return means[a * m + d] < means[b * m + d] }
                return weights[a] != weights[b] ? weights[a] > weights[b] : a < b
            }
        } else {
            for j in 0..<c { order[j] = j }
        }
        var running: Float = 0
        for j in 0..<c { running += weights[order[j]]; cumulative[j] = running }
    }

    /// log p(u) in scaled units for a point of m values.
    func logDensity(_ u: UnsafePointer<Float>) -> Float {
        let c = layout.components, m = layout.dimension
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: c) { terms in
            var top = -Float.infinity
            for j in 0..<c {
                var q: Float = 0
                for d in 0..<m {
                    let z = (u[d] - means[j * m + d]) * inverseScales[j * m + d]
                    q = madd(z, z, q)
                }
                let t = madd(-0.5, q, logNormalizers[j])
                terms[j] = t
                top = max(top, t)
            }
            guard top.isFinite else { return top }
            var s: Float = 0
            for j in 0..<c { s += fastExp(terms[j] - top) }
            return top + Foundation.log(s)
        }
    }

    /// A draw of m values into `out`, with no boundary policy (the untruncated mixture).
    func draw(into out: UnsafeMutablePointer<Float>, generator: inout RandomGenerator) {
        let c = layout.components, m = layout.dimension
        let target = generator.uniform() * cumulative[c - 1]
        var pick = c - 1
        for j in 0..<c where target < cumulative[j] { pick = j; break }
        let j = order[pick]
        for d in 0..<m { out[d] = madd(scales[j * m + d], generator.normal(), means[j * m + d]) }
    }
}
