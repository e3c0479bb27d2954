import NeuralNet
import Testing

@Suite("Layers: BatchNorm, Dense, MLP, Predictor")
struct LayerTests {
    @Test("BatchNorm in training mode normalizes with batch statistics and updates running ones")
    func batchNormTraining() {
        let bn = BatchNorm(3, momentum: 0.1, epsilon: 1e-5)
        let x = testMatrix(50, 3, seed: 70, low: 2, high: 6)
        let g = Graph()
        let y = bn(g.constant(x), training: true).value
        for j in 0..<3 {
            var mean = 0.0, square = 0.0, xm = 0.0, xs = 0.0
            for i in 0..<50 {
                mean += Double(y[i, j]) / 50; square += Double(y[i, j] * y[i, j]) / 50
                xm += Double(x[i, j]) / 50
            }
            for i in 0..<50 { xs += (Double(x[i, j]) - xm) * (Double(x[i, j]) - xm) }
            #expect(abs(mean) < 1e-5)
            // Biased variance of the output: σ²/(σ² + ε).
            let biased = xs / 50
            #expect(abs(square - mean * mean - biased / (biased + 1e-5)) < 1e-4)
            // Running statistics after one step from (0, 1), with the unbiased variance.
            #expect(abs(Double(bn.runningMean.value[0, j]) - 0.1 * xm) < 1e-5)
            #expect(abs(Double(bn.runningVariance.value[0, j]) - (0.9 + 0.1 * xs / 49)) < 1e-5)
        }
    }

    @Test("BatchNorm in inference mode uses running statistics, row by row")
    func batchNormInference() {
        let bn = BatchNorm(2)
        bn.runningMean.value.assign(Matrix([[1, -2]]))
        bn.runningVariance.value.assign(Matrix([[4, 0.25]]))
        bn.scale.value.assign(Matrix([[2, 1]]))
        bn.shift.value.assign(Matrix([[0.5, 0]]))
        let g = Graph()
        let x = Matrix([[3, -1], [1, -2]])
        let y = bn(g.constant(x), training: false).value
        let eps: Float = 1e-5
        #expect(abs(y[0, 0] - (2 * (3 - 1) / (4 + eps).squareRoot() + 0.5)) < 1e-6)
        #expect(abs(y[0, 1] - ((-1 + 2) / (0.25 + eps).squareRoot())) < 1e-6)
        #expect(abs(y[1, 0] - 0.5) < 1e-6)
        // The first row's output does not depend on the other rows.
        let alone = bn(g.constant(Matrix([[3, -1]])), training: false).value
        #expect(alone[0, 0] == y[0, 0] && alone[0, 1] == y[0, 1])
        // Running statistics are untouched in inference mode.
        #expect(bn.runningMean.value.values == [1, -2])
    }

    @Test("BatchNorm gradients in training mode, first and second order")
    func batchNormGradients() {
        let x = testMatrix(6, 3, seed: 71), gamma = testMatrix(1, 3, seed: 72, low: 0.5, high: 1.5)
        let beta = testMatrix(1, 3, seed: 73)
        func normalize(_ g: Graph, _ t: [Tensor]) -> Tensor {
            let mean = g.mean(t[0], axis: 0)
            let d = g.subtract(t[0], mean)
            let v = g.mean(g.square(d), axis: 0)
            return g.add(g.multiply(g.divide(d, g.sqrt(g.add(v, 1e-5))), t[1]), t[2])
        }
        GradientCheck.first([x, gamma, beta], normalize)
        GradientCheck.second([x, gamma, beta], normalize)
        // The layer itself, through its parameters.
        let bn = BatchNorm(3)
        bn.scale.value.assign(gamma)
        bn.shift.value.assign(beta)
        GradientCheck.first([x]) { _, t in bn(t[0], training: true) }
    }

    @Test("MLP builder: shapes, names and PyTorch-style parameter order")
    func builder() {
        var generator = RandomGenerator(seed: 74)
        let mlp = MLP.make(sizes: [5, 8, 8, 2], hidden: .tanh, batchNorm: true, generator: &generator)
        #expect(mlp.parameters.map(\.name) == [
            "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
            "3.weight", "3.bias", "4.weight", "4.bias", "4.running_mean", "4.running_var",
            "6.weight", "6.bias"])
        #expect(mlp.parameters.trainable.count == 10)
        let g = Graph()
        #expect(mlp(g.constant(testMatrix(7, 5, seed: 75)), training: true).value.shape == (7, 2))
    }

    @Test("Predictor matches the graph's forward pass, batched and row by row")
    func predictor() {
        var generator = RandomGenerator(seed: 76)
        let mlp = MLP.make(sizes: [4, 16, 16, 3], hidden: .swish, output: .tanh, batchNorm: true, generator: &generator)
        // Non-trivial running statistics.
        let g = Graph()
        for _ in 0..<5 { _ = mlp(g.constant(testMatrix(32, 4, seed: 77)), training: true); g.reset() }
        let x = testMatrix(9, 4, seed: 78)
        let reference = mlp(g.constant(x), training: false).value.copy()
        let predictor = Predictor(mlp)
        #expect(predictor.predict(x).maxAbsoluteDifference(reference) < 1e-5)
        // Chunks of 4 rows: 9 rows go through as 4 + 4 + 1.
        #expect(Predictor(mlp, chunkRows: 4).predict(x).maxAbsoluteDifference(reference) < 1e-5)
        for i in 0..<9 {
            let row = x.row(i)
            let out = row.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: predictor.predictRow($0.baseAddress!), count: 3)) }
            for j in 0..<3 { #expect(abs(out[j] - reference[i, j]) < 1e-5) }
        }
    }

    @Test("mixture sampling reproduces component weights, means and scales")
    func gaussianMixture() {
        // Two 2-D components: weights 0.25 / 0.75, means (-10, 0) and (2, 1), scales (0.5, 1) and (1, 0.2).
        let logits: [Float] = [0, Foundation.log(3)]
        let means: [Float] = [-10, 0, 2, 1]
        let logScales: [Float] = [Foundation.log(0.5), 0, 0, Foundation.log(0.2)]
        var generator = RandomGenerator(seed: 79)
        var firstCount = 0, sum = [0.0, 0.0, 0.0, 0.0], squares = [0.0, 0.0, 0.0, 0.0]
        let n = 200_000
        var point: [Float] = [0, 0]
        for _ in 0..<n {
            point.withUnsafeMutableBufferPointer { p in
                DiagonalGaussianMixture.sample(logits: logits, means: means, logScales: logScales, components: 2,
                                               dimension: 2, generator: &generator, into: p.baseAddress!)
            }
            let k = point[0] < -4 ? 0 : 1    // at least 6σ from either mean along x
            if k == 0 { firstCount += 1 }
            for d in 0..<2 { sum[2 * k + d] += Double(point[d]); squares[2 * k + d] += Double(point[d] * point[d]) }
        }
        let fraction = Double(firstCount) / Double(n)
        #expect(abs(fraction - 0.25) < 5 * (0.25 * 0.75 / Double(n)).squareRoot())
        let counts = [Double(firstCount), Double(n - firstCount)]
        let expectedScale = [0.5, 1, 1, 0.2]
        for c in 0..<4 {
            let m = sum[c] / counts[c / 2], s = (squares[c] / counts[c / 2] - m * m).squareRoot()
            #expect(abs(m - Double(means[c])) < 0.02)
            #expect(abs(s - expectedScale[c]) < 0.02)
        }
    }
}

import Foundation
