import Foundation
@_exported import TestSupport

extension Repository {
    /// Tests/TrajectoriesTests/Fixtures.
    static var fixtures: URL { fixtures(of: "TrajectoriesTests") }

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
}
