import Foundation
import Kinetics
import NeuralNet
import Trajectories

/// Decoded structures against MD's, on the decoded atoms: backbone torsions (distributions by
/// Jensen-Shannon divergence and decorrelation times, the metrics MDGen reports), the φ/ψ free
/// energy, radius of gyration, RMSD to the reference, bond lengths, clashes and chirality.
public struct StructuralValidation: Codable, Sendable {
    public var torsions: [TorsionValidation]
    /// F(φ, ψ) of the first residue with both φ and ψ among the decoded atoms, 36 × 36 bins (DESIGN.md §9).
    public var dihedralFreeEnergy: FreeEnergyValidation?
    /// The same surface from MD's own latent points decoded (no propagator): the decoder's share of
    /// the error in `dihedralFreeEnergy`.
    public var decoderOnlyDihedralFreeEnergy: FreeEnergyValidation?
    /// Populations of the Ramachandran regions (`RamachandranRegion`) of the first φ/ψ pair, each
    /// with an interval or a caveat (`BackboneEstimates`): the data-poor contract.
    public var populations: [EstimateComparison]
    /// Decorrelation times of that φ and ψ with error bars (MD: five blocks; model: members).
    public var decorrelationTimes: [EstimateComparison]
    public var radiusOfGyration: DistributionValidation
    public var rmsd: DistributionValidation
    /// Per bond among the decoded atoms: MD's mean and standard deviation, the model's mean.
    public var bonds: [BondValidation]
    /// Bonds whose decoded mean is off MD's mean by more than MD's own standard deviation.
    public var bondsOffByMoreThanMDFluctuation: Int
    /// Whether the decoder's bond lengths were calibrated to the training MD's statistics
    /// (`BondLengthCalibration`): then `bonds` tests the calibration's transfer to held-out MD, and
    /// the generator's own bonds are in the training report. nil in reports written before it existed.
    public var bondsCalibrated: Bool?
    /// Fraction of the decoded synthetic frames that clashed or inverted a chiral centre and were
    /// decoded again with fresh noise (`ClashGuard`); nil when decoding ran without the guard (no
    /// topology).
    public var redrawnFraction: Double?
    public var md: StructureReport
    public var model: StructureReport
    public var problems: [String]
}

public struct TorsionValidation: Codable, Sendable {
    public var name: String
    /// Jensen-Shannon divergence (natural log) of the angle histograms on 36 bins over [-180°, 180°).
    public var jensenShannon: Double
    /// Time (ps) for ⟨cos(θ_t − θ_t+τ)⟩, with its long-time value removed and normalized, to fall
    /// below 1/e; nil when it never does within the data, or (model) when shorter than one step.
    public var mdDecorrelation: Double?
    public var modelDecorrelation: Double?
}

public struct DistributionValidation: Codable, Sendable {
    public var mdMean: Double
    public var mdDeviation: Double
    public var modelMean: Double
    public var modelDeviation: Double
    /// Jensen-Shannon divergence on 100 bins over MD's range (DESIGN.md §9).
    public var jensenShannon: Double
}

public struct BondValidation: Codable, Sendable {
    public var atoms: [Int]
    public var name: String
    public var mdMean: Double
    public var mdDeviation: Double
    public var modelMean: Double
    public var modelDeviation: Double
}

public enum StructuralComparison {
    /// - Parameters:
    ///   - md: MD positions of the decoded atoms, per trajectory (frames × 3a nm), one frame every `frameInterval` ps.
    ///   - model: decoded synthetic positions, per trajectory, one frame every `step` ps.
    ///   - topology: the topology of the decoded atoms; `reference` their reference positions.
    ///   - memberOf: the ensemble member that made each model trajectory (for error bars).
    ///   - decodedMD: MD's own latent points decoded, per trajectory: the decoder's share of the error.
    public static func compare(md: [Matrix], model: [Matrix], memberOf: [Int], decodedMD: [Matrix]? = nil, topology: Topology,
                        reference: [Float], check: StructureCheck, frameInterval: Double,
                        step: Double) throws -> StructuralValidation {
        let atoms = topology.atomCount
        let mdChunks = md.map { chunk($0, atoms: atoms, spacing: frameInterval) }
        let modelChunks = model.map { chunk($0, atoms: atoms, spacing: step) }
        var problems: [String] = []

        // Torsions.
        var torsions: [TorsionValidation] = []
        var firstPhi: ([[Double]], [[Double]])?, firstPsi: ([[Double]], [[Double]])?
        let axis = try HistogramAxis.dihedralDegrees(bins: 36)
        // The Ramachandran pair: φ and ψ of the first residue that has both (the first residue of a
        // chain has no φ, the last no ψ).
        let psiResidues = Set(ProteinTorsion.find(.psi, in: topology).map(\.residue))
        let phiTorsion = ProteinTorsion.find(.phi, in: topology).first { psiResidues.contains($0.residue) }
        let psiTorsion = ProteinTorsion.find(.psi, in: topology).first { $0.residue == phiTorsion?.residue }
        for kind in [TorsionKind.phi, .psi, .omega, .chi1] {
            for torsion in ProteinTorsion.find(kind, in: topology) {
                let quartet = [(torsion.atoms[0], torsion.atoms[1], torsion.atoms[2], torsion.atoms[3])]
                let mdAngles = try mdChunks.map { try degrees(Geometry.dihedrals($0, quartets: quartet, periodic: false)) }
                let modelAngles = try modelChunks.map { try degrees(Geometry.dihedrals($0, quartets: quartet, periodic: false)) }
                let name = "\(kind.rawValue) \(topology.residues[torsion.residue].name)\(topology.residues[torsion.residue].number)"
                let p = try Histogram1D(mdAngles, axis: axis).probabilities()
                let q = try Histogram1D(modelAngles, axis: axis).probabilities()
                torsions.append(TorsionValidation(
                    name: name, jensenShannon: try DistributionDistance.jensenShannon(p, q),
                    mdDecorrelation: TorsionDecorrelation.time(mdAngles, spacing: frameInterval),
                    modelDecorrelation: TorsionDecorrelation.time(modelAngles, spacing: step)))
                if torsion == phiTorsion { firstPhi = (mdAngles, modelAngles) }
                if torsion == psiTorsion { firstPsi = (mdAngles, modelAngles) }
            }
        }
        var populations: [EstimateComparison] = [], decorrelationTimes: [EstimateComparison] = []
        var decoderOnly: FreeEnergyValidation?
        if let phi = firstPhi, let psi = firstPsi, let phiTorsion, let psiTorsion {
            var decoded: ([[Double]], [[Double]])?
            if let decodedMD {
                let chunks = decodedMD.map { chunk($0, atoms: atoms, spacing: frameInterval) }
                let angles = { (t: ProteinTorsion) in
                    try chunks.map { try degrees(Geometry.dihedrals($0, quartets: [(t.atoms[0], t.atoms[1], t.atoms[2], t.atoms[3])],
                                                                    periodic: false)) }
                }
                let pair = (try angles(phiTorsion), try angles(psiTorsion))
                decoded = pair
                do {
                    decoderOnly = try FreeEnergyValidation.surface(names: ["φ", "ψ"], md: (phi.0, psi.0), model: pair,
                                                                   members: [], axes: (axis, axis))
                } catch {
                    problems.append("φ/ψ free energy of decoded MD: \(error)")
                }
            }
            populations = BackboneEstimates.populations(md: (phi.0, psi.0), model: (phi.1, psi.1), memberOf: memberOf,
                                                        decodedMD: decoded)
            decorrelationTimes = [("φ", phi), ("ψ", psi)].map { name, angles in
                BackboneEstimates.decorrelation(name: name, md: angles.0, model: angles.1, memberOf: memberOf,
                                                frameInterval: frameInterval, step: step)
            }
        }
        var dihedralFreeEnergy: FreeEnergyValidation?
        if let phi = firstPhi, let psi = firstPsi {
            do {
                dihedralFreeEnergy = try FreeEnergyValidation.surface(
                    names: ["φ", "ψ"], md: (phi.0, psi.0), model: (phi.1, psi.1), members: [], axes: (axis, axis))
            } catch {
                problems.append("φ/ψ free energy: \(error)")
            }
        }

        // Radius of gyration and RMSD to the reference.
        let mdRg = try mdChunks.map { try Geometry.radiusOfGyration($0) }
        let modelRg = try modelChunks.map { try Geometry.radiusOfGyration($0) }
        let referencePositions = stride(from: 0, to: reference.count, by: 3).map {
            SIMD3(Double(reference[$0]), Double(reference[$0 + 1]), Double(reference[$0 + 2]))
        }
        let rmsdReference = try RMSDReference(positions: referencePositions)
        let mdRMSD = try mdChunks.map { try rmsdReference.rmsd($0) }
        let modelRMSD = try modelChunks.map { try rmsdReference.rmsd($0) }

        // Bond lengths, over the structure check's bonds (the topology's, or inferred from the
        // reference when the topology has none, as for a PDB without CONECT records).
        let bonds = check.bonds.map { ($0.first, $0.second) }
        var bondResults: [BondValidation] = []
        if !bonds.isEmpty {
            let mdLengths = try mdChunks.map { try Geometry.distances($0, pairs: bonds, periodic: false) }
            let modelLengths = try modelChunks.map { try Geometry.distances($0, pairs: bonds, periodic: false) }
            for (b, bond) in bonds.enumerated() {
                let mdColumn = mdLengths.flatMap { m in (0..<m.rows).map { m[$0, b] } }
                let modelColumn = modelLengths.flatMap { m in (0..<m.rows).map { m[$0, b] } }
                let (mdMean, mdSD) = meanAndDeviation(mdColumn), (modelMean, modelSD) = meanAndDeviation(modelColumn)
                bondResults.append(BondValidation(atoms: [bond.0, bond.1],
                                                  name: "\(topology.atoms[bond.0].name)-\(topology.atoms[bond.1].name)",
                                                  mdMean: mdMean, mdDeviation: mdSD, modelMean: modelMean, modelDeviation: modelSD))
            }
        }
        let mdAll = try TrajectoryData(md).values, modelAll = try TrajectoryData(model).values
        return StructuralValidation(
            torsions: torsions, dihedralFreeEnergy: dihedralFreeEnergy,
            decoderOnlyDihedralFreeEnergy: decoderOnly,
            populations: populations, decorrelationTimes: decorrelationTimes,
            radiusOfGyration: try distribution(mdRg, modelRg), rmsd: try distribution(mdRMSD, modelRMSD),
            bonds: bondResults,
            bondsOffByMoreThanMDFluctuation: bondResults.count { abs($0.modelMean - $0.mdMean) > $0.mdDeviation },
            md: check.evaluate(mdAll), model: check.evaluate(modelAll), problems: problems)
    }

    static func chunk(_ frames: Matrix, atoms: Int, spacing: Double) -> FrameChunk {
        FrameChunk(atomCount: atoms, positions: Array(UnsafeBufferPointer(start: frames.pointer, count: frames.count)),
                   times: (0..<frames.rows).map { Double($0) * spacing })
    }

    static func degrees(_ radians: DoubleMatrix) -> [Double] {
        radians.values.map { value in
            var d = value * 180 / .pi
            if d >= 180 { d -= 360 }
            return d
        }
    }

    static func meanAndDeviation(_ values: [Double]) -> (Double, Double) {
        let n = Double(max(values.count, 1))
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)
        return (mean, variance.squareRoot())
    }

    static func distribution(_ md: [[Double]], _ model: [[Double]]) throws -> DistributionValidation {
        let axis = try HistogramAxis.spanning(md, bins: 100)
        let p = try Histogram1D(md, axis: axis).probabilities()
        let (mdMean, mdSD) = meanAndDeviation(md.flatMap { $0 }), (modelMean, modelSD) = meanAndDeviation(model.flatMap { $0 })
        // A model whose every value lies outside MD's range has a support disjoint from MD's: the
        // divergence takes its largest value, ln 2, instead of failing the whole comparison.
        let divergence = (try? Histogram1D(model, axis: axis).probabilities()).map { try? DistributionDistance.jensenShannon(p, $0) }
        return DistributionValidation(mdMean: mdMean, mdDeviation: mdSD, modelMean: modelMean, modelDeviation: modelSD,
                                      jensenShannon: (divergence ?? nil) ?? log(2))
    }
}
