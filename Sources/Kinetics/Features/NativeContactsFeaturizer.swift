import Foundation
import NeuralNet
import Trajectories

/// The fraction of native contacts Q of Best, Hummer & Eaton (PNAS 110, 17874 (2013)): one feature.
///
/// Native contacts are the pairs of heavy atoms of residues more than `minimumSeparation` residues
/// apart (always, when in different chains) that are within `cutoff` (0.45 nm) in the reference
/// structure, at native distance r0. In a frame with distances r,
/// Q = (1/N) Σ 1 / (1 + exp(β (r − λ r0))), β = 50 nm⁻¹, λ = 1.8 (the paper's all-atom values).
/// Large β(r − λr0) makes exp overflow to +∞ and the term exactly 0, never NaN.
public struct NativeContactsFeaturizer: Featurizer {
    public let atomCount: Int
    public var labels: [String] { ["Q"] }
    public var featureCount: Int { 1 }
    /// The native atom pairs and their reference distances r0 in nm.
    public let contacts: [(Int, Int)]
    public let nativeDistances: [Double]
    public let beta: Double
    public let lambda: Double
    public let periodic: Bool
    let kernel: PairDistanceKernel

    /// - Parameters:
    ///   - reference: the native structure, one position per atom of `topology` (nm).
    ///   - selection: atoms that may form contacts; nil for every atom that is not hydrogen.
    public init(topology: Topology, reference: [SIMD3<Double>], selection: String? = nil, cutoff: Double = 0.45,
                minimumSeparation: Int = 3, beta: Double = 50, lambda: Double = 1.8, periodic: Bool = true) throws {
        guard reference.count == topology.atomCount else {
            throw KineticsError(.mismatch, "q: the reference structure has \(reference.count) atoms but the topology has \(topology.atomCount); use a reference of the same system")
        }
        for (name, value) in [("cutoff", cutoff), ("beta", beta), ("lambda", lambda)] where !(value.isFinite && value > 0) {
            throw KineticsError(.invalidArgument, "q: \(name) must be positive, got \(value)")
        }
        guard minimumSeparation >= 0 else {
            throw KineticsError(.invalidArgument, "q: exclude must be 0 or more residues, got \(minimumSeparation)")
        }
        let atoms = try selection.map { try topology.selectAtoms($0, for: "q") }
            ?? topology.atoms.indices.filter { topology.atoms[$0].element != .hydrogen }
        var contacts = [(Int, Int)](), r0 = [Double]()
        for (k, i) in atoms.enumerated() {
            for j in atoms[(k + 1)...] {
                let (ri, rj) = (topology.atoms[i].residueIndex, topology.atoms[j].residueIndex)
                if topology.areNeighbours(ri, rj, within: minimumSeparation) { continue }
                let d = reference[j] - reference[i]
                let distance = dot3(d, d).squareRoot()
                if distance < cutoff {
                    contacts.append((i, j))
                    r0.append(distance)
                }
            }
        }
        guard !contacts.isEmpty else {
            throw KineticsError(.emptySelection,
                                "q: the reference has no heavy-atom pair within \(cutoff) nm that is more than \(minimumSeparation) residues apart; check the reference structure or raise cutoff")
        }
        atomCount = topology.atomCount
        self.contacts = contacts
        nativeDistances = r0
        self.beta = beta
        self.lambda = lambda
        self.periodic = periodic
        kernel = PairDistanceKernel(pairs: contacts)
    }

    public func write(_ chunk: FrameChunk, into output: inout DoubleMatrix, column: Int) throws {
        try checkChunk(chunk)
        let stride = output.cols, count = contacts.count
        let thresholds = nativeDistances.map { lambda * $0 }
        var scratch = [Double](repeating: 0, count: 3 * kernel.atoms.count + count)
        try output.values.withUnsafeMutableBufferPointer { out in
            try scratch.withUnsafeMutableBufferPointer { buffer in
                let columns = buffer.baseAddress!, distances = columns + 3 * kernel.atoms.count
                try thresholds.withUnsafeBufferPointer { threshold in
                    try chunk.forEachFrame(periodic: periodic) { frame, index, cell in
                        kernel.compute(frame, cell: cell, scratch: columns, into: distances)
                        var sum = 0.0
                        for k in 0 ..< count { sum += 1 / (1 + exp(beta * (distances[k] - threshold[k]))) }
                        out[index * stride + column] = sum / Double(count)
                    }
                }
            }
        }
    }
}
