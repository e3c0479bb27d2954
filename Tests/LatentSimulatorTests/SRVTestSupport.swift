import Foundation
import Kinetics
import LatentSimulator
import NeuralNet

/// Data sets with known answers for the SRV tests.
enum SRVTestData {
    /// Brownian dynamics in the four-well potential (D = kT = 1, dt = 10⁻³, Euler-Maruyama), a frame
    /// every `saveEvery` steps, as features (x, x², x³): a nonlinear embedding of the position in
    /// which the slowest eigenfunction (a smoothed step across the central barrier) is not linear.
    static func fourWell(trajectories: Int, frames: Int, saveEvery: Int, start: (Int) -> Double,
                         seed: UInt64) throws -> (positions: [[Double]], data: TrajectoryData) {
        let dynamics = BrownianDynamics1D(potential: FourWellPotential())
        var positions: [[Double]] = [], matrices: [Matrix] = []
        for i in 0..<trajectories {
            let path = dynamics.simulate(from: start(i), frames: frames, saveEvery: saveEvery, seed: seed &+ UInt64(i))
            positions.append(path)
            matrices.append(Matrix(rows: path.count, cols: 3,
                                   values: path.flatMap { x in [Float(x), Float(x * x), Float(x * x * x)] }))
        }
        return (positions, try TrajectoryData(matrices))
    }

    /// The exact slowest implied time scale (steps) of the Euler-Maruyama chain at dt = 10⁻³ (~844).
    static func exactFourWellTimescale() throws -> Double {
        try SmoluchowskiReference(potential: FourWellPotential(), range: -1.3...1.3, points: 500)
            .eulerMaruyamaTimescales(timeStep: 1e-3, count: 1)[0]
    }

    /// A reversible linear process: independent AR(1) components z_i,t+1 = a_i z_i,t + √(1 − a_i²) ξ
    /// (stationary, unit variance), observed through a fixed invertible mixing x = z M. Its
    /// propagator eigenvalues at lag τ are a_i^τ exactly.
    static func linearProcess(coefficients: [Double], lengths: [Int], seed: UInt64) throws -> TrajectoryData {
        let d = coefficients.count
        var generator = RandomGenerator(seed: seed)
        // A well-conditioned mixing: identity plus a fixed off-diagonal pattern.
        var mixing = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { mixing[i * d + j] = i == j ? 1 : 0.4 * sin(Double(3 * i + 7 * j + 1)) } }
        var trajectories: [Matrix] = []
        for length in lengths {
            var z = (0..<d).map { _ in Double(generator.normal()) }
            var values = [Float]()
            values.reserveCapacity(length * d)
            for _ in 0..<length {
                for j in 0..<d {
                    var x = 0.0
                    for i in 0..<d { x += z[i] * mixing[i * d + j] }
                    values.append(Float(x))
                }
                for i in 0..<d {
                    let a = coefficients[i]
                    z[i] = a * z[i] + (1 - a * a).squareRoot() * Double(generator.normal())
                }
            }
            trajectories.append(Matrix(rows: length, cols: d, values: values))
        }
        return try TrajectoryData(trajectories)
    }

    /// Column means and variances of a Float32 matrix (Float64 accumulation).
    static func moments(_ m: Matrix) -> (mean: [Double], variance: [Double], skewness: [Double]) {
        var mean = [Double](repeating: 0, count: m.cols), second = mean, third = mean
        for r in 0..<m.rows { for j in 0..<m.cols { mean[j] += Double(m[r, j]) } }
        mean = mean.map { $0 / Double(m.rows) }
        for r in 0..<m.rows { for j in 0..<m.cols {
            let e = Double(m[r, j]) - mean[j]
            second[j] += e * e
            third[j] += e * e * e
        } }
        let variance = second.map { $0 / Double(m.rows) }
        let skewness = zip(third, variance).map { $0 / Double(m.rows) / pow($1, 1.5) }
        return (mean, variance, skewness)
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        return sab / (saa * sbb).squareRoot()
    }

    static func column(_ m: Matrix, _ j: Int) -> [Double] { (0..<m.rows).map { Double(m[$0, j]) } }
}
