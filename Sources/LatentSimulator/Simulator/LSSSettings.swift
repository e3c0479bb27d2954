/// Everything `LSSTrainer` needs besides the data: the three networks' settings and the ensemble size.
/// Lags here are in frames; `lss train` converts the ps a user gives with `LagTime`.
public struct LSSSettings: Codable, Sendable, Equatable {
    public var encoder: SRVSettings
    public var propagator: MDNSettings
    /// MDN members trained on bootstrap resamples; their disagreement is the model's uncertainty.
    public var ensembleSize: Int
    /// nil: no decoder (latent-only models, or data without coordinates).
    public var decoder: DecoderSettings?

    public init(encoder: SRVSettings, propagator: MDNSettings, ensembleSize: Int = 5, decoder: DecoderSettings? = nil) {
        self.encoder = encoder
        self.propagator = propagator
        self.ensembleSize = ensembleSize
        self.decoder = decoder
    }

    /// Refuses settings no training could honour, naming the setting.
    public func validate() throws {
        guard encoder.lag >= 1 else { throw LatentSimulatorError(.invalidSetting, "the SRV lag must be at least one frame") }
        guard propagator.lag >= 1 else { throw LatentSimulatorError(.invalidSetting, "the MDN lag must be at least one frame") }
        guard encoder.latentDimension >= 1 else {
            throw LatentSimulatorError(.invalidSetting, "the latent dimension must be at least 1")
        }
        guard ensembleSize >= 1 else {
            throw LatentSimulatorError(.invalidSetting, "the ensemble needs at least one MDN; use 3-5 for uncertainties")
        }
        guard propagator.components >= 1 else {
            throw LatentSimulatorError(.invalidSetting, "the MDN needs at least one mixture component")
        }
    }
}
