import NeuralNet

/// The shape of the SRV network: standardized input → tanh hidden layers (optionally with batch
/// normalization) → a linear output layer of `outputWidth` basis functions χ.
public struct SRVArchitecture: Codable, Sendable, Equatable {
    public var inputDimension: Int
    public var hiddenLayers: [Int]
    public var outputWidth: Int
    public var batchNorm: Bool

    public init(inputDimension: Int, hiddenLayers: [Int], outputWidth: Int, batchNorm: Bool) {
        self.inputDimension = inputDimension
        self.hiddenLayers = hiddenLayers
        self.outputWidth = outputWidth
        self.batchNorm = batchNorm
    }

    /// A freshly initialized network (Glorot-uniform weights from `generator`), parameters named "srv.<i>.…".
    func makeNetwork(generator: inout RandomGenerator) -> Sequential {
        let network = MLP.make(sizes: [inputDimension] + hiddenLayers + [outputWidth], hidden: .tanh,
                               output: .identity, batchNorm: batchNorm && !hiddenLayers.isEmpty, generator: &generator)
        network.name(prefix: "srv.")
        return network
    }

    var description: String {
        "\(inputDimension) inputs → hidden \(hiddenLayers)\(batchNorm ? " with batch norm" : "") → \(outputWidth) outputs"
    }
}

/// Per-feature standardization z = (x − mean) / scale applied before the network, so that raw
/// features of very different ranges (x and x³, distances in nm and cosines) train alike. It is
/// part of the model: encoding applies it, and a warm start keeps the earlier model's.
public struct InputScaling: Codable, Sendable, Equatable {
    public var mean: [Float]
    /// Standard deviations; a constant feature gets 1 (it only shifts the input).
    public var scale: [Float]

    /// Means and standard deviations of the columns of `values` (accumulated in Float64).
    ///
    /// - Throws: `.insufficientData` when every feature is constant: no time-lagged signal exists.
    init(fitting values: Matrix) throws {
        let n = values.rows, d = values.cols
        var sum = [Double](repeating: 0, count: d), squares = sum
        for r in 0..<n {
            let row = values.pointer + r * d
            for j in 0..<d { sum[j] += Double(row[j]) }
        }
        let mean = sum.map { $0 / Double(max(n, 1)) }
        for r in 0..<n {
            let row = values.pointer + r * d
            for j in 0..<d { let e = Double(row[j]) - mean[j]; squares[j] += e * e }
        }
        let deviation = squares.map { ($0 / Double(max(n - 1, 1))).squareRoot() }
        let constant = zip(deviation, mean).map { $0 <= 1e-7 * max(1, abs($1)) }
        guard constant.contains(false) else {
            throw LatentSimulatorError(.insufficientData, "SRV: every one of the \(d) features is constant over all "
                                       + "\(n) frames, so there are no dynamics to learn; check the featurization")
        }
        self.mean = mean.map(Float.init)
        scale = zip(deviation, constant).map { $1 ? 1 : Float($0) }
    }

    public init(mean: [Float], scale: [Float]) {
        self.mean = mean
        self.scale = scale
    }

    /// Rows `rows` of `values`, standardized, written into `destination` starting at its row `offset`.
    func apply(_ values: Matrix, rows: Range<Int>, into destination: Matrix, offset: Int = 0) {
        let d = values.cols
        precondition(destination.cols == d && offset + rows.count <= destination.rows, "InputScaling: shapes differ")
        let inverse = scale.map { 1 / $0 }
        for (k, r) in rows.enumerated() {
            let source = values.pointer + r * d, target = destination.pointer + (offset + k) * d
            for j in 0..<d { target[j] = (source[j] - mean[j]) * inverse[j] }
        }
    }

    /// The whole matrix standardized (a new matrix).
    func applied(to values: Matrix) -> Matrix {
        let out = Matrix(rows: values.rows, cols: values.cols)
        apply(values, rows: 0..<values.rows, into: out)
        return out
    }
}
