import LatentSimulator
import NeuralNet

/// The untrained networks the LSS benchmarks time, built through the library's public API with the
/// paper's sizes. Their weights are random; the work of a step does not depend on them.
enum LSSBenchModels {
    /// An MDN propagator 3→100→100→168 (24 components, tanh) on the identity latent scaling, so
    /// latent and scaled units coincide and states stay in its [0, 1]³ box (sigmoid means,
    /// reflection at the edges). `outputWeightScale` multiplies the last layer's weights: 0.1 gives
    /// the smooth, slowly varying mixtures of a trained network instead of an untrained one's
    /// erratic ones (as `SamplerBench` does).
    static func propagator(generator: inout RandomGenerator, outputWeightScale: Float = 0.1) throws -> MDNPropagator {
        let m = LSSBenchData.latent
        let scaler = LatentScaler(factors: [Double](repeating: 1, count: m), offsets: [Double](repeating: 0, count: m),
                                  margin: 0.05)
        let configuration = MDNPropagator.Configuration(
            dimension: m, components: LSSBenchData.components, lag: 1, hiddenLayers: [100, 100], scaler: scaler,
            boundary: .reflect, minimumScale: 1e-3)
        let propagator = try MDNPropagator(configuration: configuration, generator: &generator)
        if outputWeightScale != 1 {
            // Parameters come as (weight, bias) per layer: the second to last is the output weight.
            let weights = propagator.parameters[propagator.parameters.count - 2].value
            for i in 0..<weights.count { weights.pointer[i] *= outputWeightScale }
        }
        return propagator
    }

    /// A decoder generator (3 + 16)→100→100→60 (tanh hidden and output) for 20 atoms, with latent
    /// standardization (mean 0.5, deviation 0.3, the spread of states in the MDN's box), 1.2 nm
    /// per network unit, a bond-length calibration of the 19 virtual Cα bonds and a clash check, as a
    /// trained decoder decodes (the statistics are made up; the work does not depend on them). `generators`
    /// such networks decode alternate rows, as a decoder trained with that many members does; the
    /// training benchmark needs one (its optimizer steps the decoder's parameters).
    static func decoder(seed: UInt64, generators: Int = 1) throws -> CoordinateDecoder {
        let m = LSSBenchData.latent, atoms = LSSBenchData.atoms
        // A straight chain 0.38 nm per residue along x: any reference serves, only its size matters.
        var reference = [Float](repeating: 0, count: 3 * atoms)
        for a in 0..<atoms { reference[3 * a] = 0.38 * Float(a) }
        let scaling = CoordinateScaling(reference: reference, atomIndices: Array(0..<atoms), scale: 1.2)
        var configuration = CoordinateDecoder.Configuration(
            latentDimension: m, noiseDimension: LSSBenchData.noise, hidden: [100, 100], activation: .tanh,
            latentMean: [Float](repeating: 0.5, count: m), latentDeviation: [Float](repeating: 0.3, count: m),
            scaling: scaling)
        configuration.generators = generators
        let decoder = try CoordinateDecoder(configuration: configuration, seed: seed)
        let bonds = (0..<(atoms - 1)).map { AtomPair($0, $0 + 1) }
        decoder.calibrate(BondLengthCalibration(
            bonds: bonds, atomCount: atoms,
            target: ([Double](repeating: 0.38, count: bonds.count), [Double](repeating: 0.005, count: bonds.count)),
            generated: ([Double](repeating: 0.4, count: bonds.count), [Double](repeating: 0.02, count: bonds.count))))
        // The clash check a Cα model decodes under (Cα three or more apart), at a distance no
        // frame falls below: a trained decoder redraws about one frame in 20,000, so the check,
        // not the redraws, is its cost.
        let pairs = (0..<atoms).flatMap { i in ((i + 3)..<max(i + 3, atoms)).map { AtomPair(i, $0) } }
        decoder.guardClashes(ClashGuard(pairs: pairs, distance: 0.001))
        return decoder
    }
}
