/// A number with a one-standard-error bar, and a comparison of a model's estimate with MD's.
public struct Estimate: Codable, Sendable, Equatable {
    public var value: Double
    /// One standard error (MD: five blocks; the model: spread over ensemble members); nil when unknown.
    public var error: Double?

    public init(_ value: Double, error: Double? = nil) {
        self.value = value
        self.error = error
    }

    /// Mean and standard deviation of per-member (or per-block) values; the error is the standard
    /// deviation for members (each member is a plausible model) or the standard error for blocks.
    public init(samples: [Double], standardError: Bool) {
        let finite = samples.filter(\.isFinite)
        let n = Double(finite.count)
        let mean = finite.reduce(0, +) / max(n, 1)
        let variance = finite.count > 1 ? finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        value = finite.isEmpty ? .nan : mean
        error = finite.count > 1 ? (standardError ? (variance / n).squareRoot() : variance.squareRoot()) : nil
    }
}

/// A model's estimate against MD's: relative difference and agreement within combined 2σ (DESIGN.md §9).
public struct EstimateComparison: Codable, Sendable, Equatable {
    public var name: String
    public var md: Estimate
    public var model: Estimate
    /// (model − MD) / MD.
    public var relativeDifference: Double?
    /// |model − MD| ≤ 2 √(σ_MD² + σ_model²); nil when neither has an error bar.
    public var withinTwoSigma: Bool?
    /// Why a number should not be trusted (too little data to resolve it), in plain words; nil when
    /// nothing is known against it.
    public var caveat: String?

    public init(name: String, md: Estimate, model: Estimate) {
        self.name = name
        self.md = md
        self.model = model
        relativeDifference = md.value != 0 && md.value.isFinite && model.value.isFinite
            ? (model.value - md.value) / md.value : nil
        let variance = (md.error ?? 0) * (md.error ?? 0) + (model.error ?? 0) * (model.error ?? 0)
        withinTwoSigma = md.error == nil && model.error == nil ? nil
            : abs(model.value - md.value) <= 2 * variance.squareRoot()
    }
}
