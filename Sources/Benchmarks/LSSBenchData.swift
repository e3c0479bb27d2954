import Foundation
import NeuralNet

/// Synthetic inputs of the LSS benchmarks (bench/lss/README.md), made once before timing. Their
/// values do not change the work a step does; they only have to keep the losses well defined
/// (VAMP-2 needs covariances that are positive definite, the MDN targets in its [0, 1] box).
enum LSSBenchData {
    /// The paper's sizes (Sidky, Chen & Ferguson, Chem. Sci. 2020): m = 3 latent coordinates,
    /// C = 24 mixture components, 16 noise inputs, 20 Cα atoms decoded.
    static let latent = 3
    static let components = 24
    static let noise = 16
    static let atoms = 20
    static let features = 45
    /// The length of the paper's Trp-cage LSS trajectories.
    static let longSteps = 1_040_000

    /// `frames` × 3 values of an AR(1) process with coefficients 0.99, 0.9, 0.5 (unit stationary
    /// variance), mapped into (0, 1) by a logistic function: a latent trajectory with one slow
    /// coordinate.
    static func latentProcess(frames: Int, generator: inout RandomGenerator) -> Matrix {
        let a: [Double] = [0.99, 0.9, 0.5]
        let noiseScale = a.map { (1 - $0 * $0).squareRoot() }
        let values = Matrix(rows: frames, cols: latent)
        var state = [Double](repeating: 0, count: latent)
        for t in 0..<frames {
            for d in 0..<latent {
                if t > 0 { state[d] = a[d] * state[d] + noiseScale[d] * Double(generator.normal()) }
                values.pointer[t * latent + d] = Float(1 / (1 + exp(-state[d])))
            }
        }
        return values
    }

    /// `pairs + 1` frames of 45 features, tanh(s W) + 0.1 noise for a latent process s in (-1, 1):
    /// row t and row t + 1 form the pair t.
    static func featureTrajectory(pairs: Int, generator: inout RandomGenerator) -> Matrix {
        let s = latentProcess(frames: pairs + 1, generator: &generator)
        let w = Matrix.randomNormal(rows: latent, cols: features, generator: &generator)
        let x = Matrix(rows: pairs + 1, cols: features)
        for t in 0...pairs {
            for j in 0..<features {
                var sum: Float = 0
                for d in 0..<latent { sum += (2 * s.pointer[t * latent + d] - 1) * w.pointer[d * features + j] }
                x.pointer[t * features + j] = Foundation.tanh(sum) + 0.1 * generator.normal()
            }
        }
        return x
    }
}
