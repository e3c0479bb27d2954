import Foundation
import NeuralNet

/// A trained network (with its non-weight state) that can be written into a model bundle and
/// rebuilt from it without the training data (DESIGN.md §4, "Model bundle").
///
/// `configuration` holds the architecture and every non-weight number (bases, scalers, lags,
/// reference structures); `parameters` holds every tensor, running statistics included, each with
/// a unique name. `init(configuration:)` builds the architecture with fresh weights, which
/// loading then overwrites.
public protocol ArchivableModel: AnyObject {
    associatedtype Configuration: Codable
    var configuration: Configuration { get }
    var parameters: [Parameter] { get }
    init(configuration: Configuration) throws
}

/// Saves and loads `ArchivableModel`s as `<name>.json` (configuration) and `<name>.safetensors`
/// (weights) in a directory. Both files are written atomically.
public enum ModelArchive {
    public static func save<M: ArchivableModel>(_ model: M, name: String, in directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let json = try JSONCoding.encoder().encode(model.configuration)
        try json.write(to: directory.appendingPathComponent("\(name).json"), options: .atomic)
        try SafeTensors.save(model.parameters, metadata: ["model": name],
                             to: directory.appendingPathComponent("\(name).safetensors"))
    }

    public static func load<M: ArchivableModel>(_ type: M.Type, name: String, from directory: URL) throws -> M {
        let jsonURL = directory.appendingPathComponent("\(name).json")
        let weightsURL = directory.appendingPathComponent("\(name).safetensors")
        let data: Data
        do {
            data = try Data(contentsOf: jsonURL)
        } catch {
            throw LatentSimulatorError(.corruptBundle, "\(jsonURL.path) cannot be read: the model bundle is "
                                       + "incomplete; retrain it or copy the whole bundle directory")
        }
        let configuration: M.Configuration
        do {
            configuration = try JSONCoding.decoder().decode(M.Configuration.self, from: data)
        } catch {
            throw LatentSimulatorError(.corruptBundle, "\(jsonURL.path) is not a valid \(name) configuration "
                                       + "(\(error)); it was damaged or written by an incompatible lss version")
        }
        let model = try M(configuration: configuration)
        do {
            try SafeTensors.load(into: model.parameters, from: weightsURL)
        } catch let error as SafeTensorsError {
            throw LatentSimulatorError(.corruptBundle, error.description)
        } catch {
            throw LatentSimulatorError(.corruptBundle, "\(weightsURL.path) cannot be read: \(error)")
        }
        for p in model.parameters where !(0..<p.value.count).allSatisfy({ p.value.pointer[$0].isFinite }) {
            throw LatentSimulatorError(.corruptBundle, "\(weightsURL.path): tensor \(p.name) holds non-finite "
                                       + "values; the bundle is damaged, retrain the model")
        }
        return model
    }
}
