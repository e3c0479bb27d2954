import Foundation
import NeuralNet

/// Eigenvalues and eigenvectors of a reversible MSM's transition matrix, ordered by |λ| descending
/// (so λ₁ = 1 comes first, as in deeptime).
///
/// Detailed balance makes S = D^½ T D^-½ (D = diag π) symmetric, so the symmetric eigensolver gives
/// real eigenvalues and orthonormal eigenvectors u_k; then the right eigenvectors are r_k = D^-½ u_k
/// and the left ones l_k = D^½ u_k, normalized so that l_kᵀ r_m = δ_km, l₁ = π and r₁ = 1.
public struct MSMSpectrum: Sendable, Equatable {
    public let eigenvalues: [Double]
    /// Right eigenvectors as columns, states × states.
    public let rightEigenvectors: DoubleMatrix
    /// Left eigenvectors as columns, states × states.
    public let leftEigenvectors: DoubleMatrix
}

extension MarkovStateModel {
    /// The full eigendecomposition of the transition matrix (reversible models only).
    public func spectrum() throws -> MSMSpectrum {
        guard reversible else {
            throw KineticsError(.invalidArgument, "eigenvectors are computed for reversible MSMs only; "
                                    + "estimate with reversible = true (eigenvalues() works for both)")
        }
        let n = stateCount
        let root = stationaryDistribution.map { $0.squareRoot() }
        var s = DoubleMatrix(rows: n, cols: n)
        for i in 0..<n { for j in 0..<n { s[i, j] = root[i] * transitionMatrix[i, j] / root[j] } }
        let decomposition: (values: [Double], vectors: DoubleMatrix)
        do {
            BLAS.useThreads(forWork: n * n * n)
            decomposition = try LinearAlgebra.symmetricEigen(s.symmetrized)
        } catch {
            throw KineticsError(.numerical, "the eigendecomposition of the transition matrix failed: \(error)")
        }
        // Stable order by |λ| descending; dsyevd gives them by value.
        let order = (0..<n).sorted {
            let a = abs(decomposition.values[$0]), b = abs(decomposition.values[$1])
            return a != b ? a > b : $0 < $1
        }
        var right = DoubleMatrix(rows: n, cols: n), left = DoubleMatrix(rows: n, cols: n)
        for (k, source) in order.enumerated() {
            // The sign makes each vector's largest-magnitude entry of u positive (r₁ = 1 > 0).
            var largest = 0.0
            for i in 0..<n where abs(decomposition.vectors[i, source]) > abs(largest) { largest = decomposition.vectors[i, source] }
            let sign: Double = largest < 0 ? -1 : 1
            for i in 0..<n {
                let u = sign * decomposition.vectors[i, source]
                right[i, k] = u / root[i]
                left[i, k] = u * root[i]
            }
        }
        return MSMSpectrum(eigenvalues: order.map { decomposition.values[$0] }, rightEigenvectors: right,
                           leftEigenvectors: left)
    }

    /// The `count` eigenvalues largest in magnitude, λ₁ = 1 first. Real for a reversible model; for
    /// a non-reversible one, whose eigenvalues may be complex, their moduli |λ|.
    public func eigenvalues(count: Int? = nil) throws -> [Double] {
        let wanted = count ?? stateCount
        guard wanted >= 1, wanted <= stateCount else {
            throw KineticsError(.invalidArgument, "asked for \(wanted) eigenvalues of an MSM with \(stateCount) states")
        }
        if reversible { return Array(try spectrum().eigenvalues.prefix(wanted)) }
        let moduli = try MSMLinearAlgebra.generalEigenvalues(transitionMatrix)
            .map { ($0.real * $0.real + $0.imaginary * $0.imaginary).squareRoot() }
        return Array(moduli.sorted(by: >).prefix(wanted))
    }

    /// The `count` slowest implied time scales t_k = −τ / ln|λ_k|, k = 2 … count+1, in frames.
    public func timescales(count: Int) throws -> [Double] {
        guard count >= 1, count < stateCount else {
            throw KineticsError(.invalidArgument, "asked for \(count) time scales of an MSM with \(stateCount) states "
                                    + "(at most \(stateCount - 1))")
        }
        let values = try eigenvalues(count: count + 1)
        return ImpliedTimescales.timescales(eigenvalues: Array(values.dropFirst()), lag: Double(lag))
    }
}
