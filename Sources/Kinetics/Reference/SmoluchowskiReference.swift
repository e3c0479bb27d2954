import CBLAS
import Foundation
import NeuralNet

/// Exact answers for overdamped dynamics in a one-dimensional potential, from a fine-grid
/// discretization of the Smoluchowski (Fokker-Planck) operator.
///
/// The grid's rate matrix has K(i → i±1) = D/h² · exp(-(V(i±1) - V(i)) / 2kT). It satisfies
/// detailed balance with π ∝ exp(-V/kT), and its similarity transform with exp(-V/2kT) is the
/// symmetric tridiagonal matrix with off-diagonals D/h², so the spectrum comes from a symmetric
/// tridiagonal eigensolver. Second-order accurate in h: 1000 points on [-1.3, 1.3] give the
/// four-well time scales to 0.02 %.
public struct SmoluchowskiReference: Sendable {
    public let potential: any Potential1D
    public let kT: Double
    public let diffusion: Double
    public let grid: [Double]

    /// A uniform grid of `points` nodes on `range`, which must cover every place the density
    /// is not negligible.
    public init(potential: any Potential1D, kT: Double = 1, diffusion: Double = 1,
                range: ClosedRange<Double>, points: Int = 1000) throws {
        guard points >= 3, range.upperBound > range.lowerBound else {
            throw KineticsError(.invalidArgument, "a Smoluchowski grid needs ≥ 3 points on a non-empty range")
        }
        guard kT > 0, diffusion > 0 else {
            throw KineticsError(.invalidArgument, "kT and the diffusion coefficient must be positive")
        }
        self.potential = potential
        self.kT = kT
        self.diffusion = diffusion
        let h = (range.upperBound - range.lowerBound) / Double(points - 1)
        grid = (0..<points).map { range.lowerBound + Double($0) * h }
    }

    var spacing: Double { grid[1] - grid[0] }

    /// The stationary density exp(-V/kT)/Z at the grid nodes (per unit length, integrating to 1).
    public var stationaryDensity: [Double] {
        let energies = grid.map { potential.energy($0) / kT }
        let lowest = energies.min() ?? 0
        let weights = energies.map { exp(-($0 - lowest)) }
        let z = weights.reduce(0, +) * spacing
        return weights.map { $0 / z }
    }

    /// The exact probability of each bin between consecutive `edges` under exp(-V/kT)/Z, by
    /// Simpson's rule on 64 panels per bin, normalized over the edges' whole span.
    public func stationaryProbabilities(edges: [Double]) throws -> [Double] {
        guard edges.count >= 2, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw KineticsError(.invalidArgument, "bin edges must be at least two increasing values")
        }
        let lowest = grid.map { potential.energy($0) / kT }.min() ?? 0
        func weight(_ x: Double) -> Double { exp(-(potential.energy(x) / kT - lowest)) }
        var masses = [Double]()
        for (a, b) in zip(edges, edges.dropFirst()) {
            let panels = 64, step = (b - a) / Double(panels)
            var sum = weight(a) + weight(b)
            for k in 1..<panels { sum += weight(a + Double(k) * step) * (k % 2 == 1 ? 4 : 2) }
            masses.append(sum * step / 3)
        }
        let total = masses.reduce(0, +)
        return masses.map { $0 / total }
    }

    /// The `count` slowest relaxation times of the continuous-time process, in time units
    /// (divide by the time step for steps), slowest first.
    public func relaxationTimes(count: Int) throws -> [Double] {
        let n = grid.count, h2 = spacing * spacing
        let energies = grid.map { potential.energy($0) / kT }
        var diagonal = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if i > 0 { diagonal[i] -= diffusion / h2 * exp(-(energies[i - 1] - energies[i]) / 2) }
            if i < n - 1 { diagonal[i] -= diffusion / h2 * exp(-(energies[i + 1] - energies[i]) / 2) }
        }
        var offDiagonal = [Double](repeating: diffusion / h2, count: n - 1)
        // Eigenvalues only: there is no matrix, and column-major layout accepts a dummy leading dimension of 1.
        var unused = [Double](repeating: 0, count: 1)
        let info = LAPACKE_dstev(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), Int32(n), &diagonal, &offDiagonal,
                                 &unused, 1)
        guard info == 0 else { throw KineticsError(.numerical, "the tridiagonal eigensolver failed (info \(info))") }
        // Ascending: the last is the stationary 0, the ones before it are the slowest rates.
        let rates = diagonal.reversed().dropFirst().prefix(count)
        return rates.map { -1 / $0 }
    }

    /// The `count` slowest implied time scales, in steps, of the Euler-Maruyama chain with time step
    /// `timeStep`: its Gaussian kernel N(x + (D/kT) F(x) dt, 2 D dt) discretized on the grid
    /// (the kernel's width must span several grid spacings) and diagonalized.
    public func eulerMaruyamaTimescales(timeStep: Double, count: Int) throws -> [Double] {
        let n = grid.count
        let sigma = (2 * diffusion * timeStep).squareRoot()
        guard sigma > 3 * spacing else {
            throw KineticsError(.invalidArgument,
                                "the grid is too coarse for the time step: the kernel width \(sigma) must exceed 3 grid spacings (\(spacing)); use more points")
        }
        var kernel = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            let mean = grid[i] + diffusion / kT * potential.force(grid[i]) * timeStep
            var rowSum = 0.0
            for j in 0..<n {
                let z = (grid[j] - mean) / sigma
                let value = z * z < 80 ? exp(-0.5 * z * z) : 0
                kernel[i * n + j] = value
                rowSum += value
            }
            guard rowSum > 0 else {
                throw KineticsError(.invalidArgument,
                                    "the Euler-Maruyama step from x = \(grid[i]) leaves the grid; widen the range")
            }
            for j in 0..<n { kernel[i * n + j] /= rowSum }
        }
        var real = [Double](repeating: 0, count: n), imaginary = real
        var unusedLeft = [Double](repeating: 0, count: 1), unusedRight = unusedLeft
        BLAS.useThreads(forWork: n * n * n)
        let info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "N")), Int32(n),
                                 &kernel, Int32(n), &real, &imaginary, &unusedLeft, 1, &unusedRight, 1)
        guard info == 0 else { throw KineticsError(.numerical, "the eigensolver failed (info \(info))") }
        let moduli = zip(real, imaginary).map { ($0 * $0 + $1 * $1).squareRoot() }.sorted(by: >)
        return moduli.dropFirst().prefix(count).map { ImpliedTimescales.timescale(eigenvalue: $0, lag: 1) }
    }
}
