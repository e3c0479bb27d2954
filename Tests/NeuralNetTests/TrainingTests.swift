import Foundation
import NeuralNet
import Testing

@Suite("Training utilities")
struct TrainingTests {
    @Test("a tanh MLP fits sin(πx)·cos(πy) on [-1, 1]² to RMSE below 0.05 on a held-out grid")
    func mlpFitsNonlinearFunction() {
        var generator = RandomGenerator(seed: 80)
        let n = 4000
        let x = Matrix.randomUniform(rows: n, cols: 2, low: -1, high: 1, generator: &generator)
        let y = Matrix(rows: n, cols: 1)
        func target(_ a: Float, _ b: Float) -> Float { Foundation.sin(.pi * a) * Foundation.cos(.pi * b) }
        for i in 0..<n { y.pointer[i] = target(x[i, 0], x[i, 1]) }
        let model = MLP.make(sizes: [2, 64, 64, 1], hidden: .tanh, generator: &generator)
        let adam = Adam(parameters: model.parameters, learningRate: 3e-3)
        let batchX = Matrix(rows: 100, cols: 2), batchY = Matrix(rows: 100, cols: 1)
        let split = DataSplit(count: n, validationFraction: 0.1, generator: &generator)
        var epochs = 0
        train(parameters: model.parameters, optimizer: adam, split: split,
              settings: TrainingSettings(epochs: 300, batchSize: 100, learningRate: ExponentialDecay(initial: 3e-3, rate: 0.99),
                                         patience: 30, seed: 81),
              loss: { g, batch, training in
                  let bx = batch.count == 100 ? batchX : Matrix(rows: batch.count, cols: 2)
                  let by = batch.count == 100 ? batchY : Matrix(rows: batch.count, cols: 1)
                  x.gatherRows(batch, into: bx)
                  y.gatherRows(batch, into: by)
                  let prediction = model(g.constant(bx), training: training)
                  return g.mean(g.square(g.subtract(prediction, g.constant(by))))
              },
              onEpoch: { _ in epochs += 1 })
        #expect(epochs >= 20)
        // Held-out grid.
        let grid = Matrix(rows: 41 * 41, cols: 2)
        for i in 0..<41 { for j in 0..<41 {
            grid[i * 41 + j, 0] = -1 + Float(i) / 20; grid[i * 41 + j, 1] = -1 + Float(j) / 20
        } }
        let out = Predictor(model).predict(grid)
        var squared = 0.0
        for k in 0..<grid.rows {
            let e = Double(out.pointer[k] - target(grid[k, 0], grid[k, 1]))
            squared += e * e
        }
        let rmse = (squared / Double(grid.rows)).squareRoot()
        #expect(rmse < 0.05, "RMSE \(rmse)")
    }

    @Test("early stopping stops after `patience` epochs without improvement and restores the best weights")
    func earlyStopping() {
        let p = Parameter(name: "w", value: Matrix(rows: 1, cols: 1))
        let stopper = EarlyStopping(patience: 2)
        let losses: [Float] = [3, 2, 1, 1.5, 1.6, 1.7]
        var stoppedAt: Int?
        for (epoch, loss) in losses.enumerated() {
            p.value.pointer[0] = Float(epoch)
            if stopper.update(loss: loss, epoch: epoch, parameters: [p]) { stoppedAt = epoch; break }
        }
        #expect(stoppedAt == 4)
        #expect(stopper.bestEpoch == 2 && stopper.bestLoss == 1)
        stopper.restoreBest(into: [p])
        #expect(p.value.pointer[0] == 2)
    }

    @Test("splits and mini-batches are seeded and cover every index once")
    func batches() {
        var g1 = RandomGenerator(seed: 82), g2 = RandomGenerator(seed: 82)
        let s1 = DataSplit(count: 103, validationFraction: 0.2, generator: &g1)
        let s2 = DataSplit(count: 103, validationFraction: 0.2, generator: &g2)
        #expect(s1 == s2)
        #expect(s1.validation.count == 21 && s1.training.count == 82)
        #expect(Set(s1.training).isDisjoint(with: s1.validation))
        let b1 = miniBatches(s1.training, batchSize: 10, shuffle: true, generator: &g1)
        let b2 = miniBatches(s2.training, batchSize: 10, shuffle: true, generator: &g2)
        #expect(b1.map(Array.init) == b2.map(Array.init))
        #expect(b1.count == 9 && b1.last?.count == 2)
        #expect(b1.flatMap { $0 }.sorted() == s1.training)
        #expect(miniBatches(s1.training, batchSize: 10, shuffle: false, remainder: .drop, generator: &g1).count == 8)
        let merged = miniBatches(s1.training, batchSize: 10, shuffle: false, remainder: .merge, generator: &g1)
        #expect(merged.map(\.count) == [10, 10, 10, 10, 10, 10, 10, 12])
        #expect(merged.flatMap { $0 } == s1.training)
        #expect(miniBatches([1, 2, 3], batchSize: 10, shuffle: false, remainder: .merge, generator: &g1).map(\.count) == [3])
    }

    @Test("after the first step a training step allocates no new buffers")
    func workspaceReuse() {
        var generator = RandomGenerator(seed: 83)
        let model = MLP.make(sizes: [30, 20, 20, 3], hidden: .tanh, batchNorm: true, generator: &generator)
        let adam = Adam(parameters: model.parameters)
        let x = testMatrix(64, 30, seed: 84), y = testMatrix(64, 3, seed: 85)
        let graph = Graph()
        var afterFirst = 0
        for step in 0..<4 {
            let loss = graph.mean(graph.square(graph.subtract(model(graph.constant(x), training: true), graph.constant(y))))
            adam.step(gradients: graph.gradients(of: loss, withRespectTo: adam.parameters))
            graph.reset()
            if step == 0 { afterFirst = graph.pool.freshAllocations }
        }
        #expect(afterFirst > 0)
        #expect(graph.pool.freshAllocations == afterFirst)
    }

    @Test("a parameter first used without recording still gets its gradient later in the step")
    func parameterUsedOutsideRecording() {
        var generator = RandomGenerator(seed: 90)
        let model = MLP.make(sizes: [3, 5, 2], hidden: .tanh, generator: &generator)
        let x = testMatrix(8, 3, seed: 91), y = testMatrix(8, 2, seed: 92)
        func gradients(withTargetFirst: Bool) -> [[Float]] {
            let g = Graph()
            if withTargetFirst { _ = g.withoutRecording { model(g.constant(testMatrix(8, 3, seed: 93)), training: false) } }
            let loss = g.mean(g.square(g.subtract(model(g.constant(x)), g.constant(y))))
            return g.gradients(of: loss, withRespectTo: model.parameters).map(\.values)
        }
        let plain = gradients(withTargetFirst: false)
        #expect(plain.flatMap { $0 }.contains { $0 != 0 })
        #expect(gradients(withTargetFirst: true) == plain)
    }

    @Test("clipping scales a gradient shared by two parameters once")
    func clippingSharedGradient() {
        let p1 = Parameter(name: "a", value: Matrix(rows: 1, cols: 1)), p2 = Parameter(name: "b", value: Matrix(rows: 1, cols: 1))
        let g = Graph()
        let loss = g.sum(g.square(g.add(g.add(g.parameter(p1), g.parameter(p2)), -10)))
        let grads = g.gradients(of: loss, withRespectTo: [p1, p2])
        #expect(grads[0].values == [-20] && grads[1].values == [-20])
        let norm = clipGradientNorm(grads, maxNorm: 1)
        #expect(abs(norm - Float(800).squareRoot()) < 1e-3)
        for m in grads { #expect(abs(m.pointer[0] + Float(0.5).squareRoot()) < 1e-6) }
    }

    @Test("the same seed gives the same trained weights")
    func deterministic() {
        func trainOnce() -> [Float] {
            var generator = RandomGenerator(seed: 86)
            let model = MLP.make(sizes: [3, 8, 1], hidden: .swish, generator: &generator)
            let x = testMatrix(40, 3, seed: 87), y = testMatrix(40, 1, seed: 88)
            train(parameters: model.parameters, optimizer: Adam(parameters: model.parameters),
                  split: DataSplit(training: Array(0..<40), validation: []),
                  settings: TrainingSettings(epochs: 5, batchSize: 8, learningRate: ExponentialDecay(initial: 1e-2, rate: 1), seed: 89),
                  loss: { g, batch, _ in
                      let p = model(g.constant(x.rows(batch)), training: true)
                      return g.mean(g.square(g.subtract(p, g.constant(y.rows(batch)))))
                  })
            return model.parameters.flatMap(\.value.values)
        }
        #expect(trainOnce() == trainOnce())
    }
}
