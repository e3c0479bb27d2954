import Foundation
import Testing
import Trajectories

/// Inputs that once crashed a reader under the fuzzer (fuzz/regressions, stored with their format's
/// extension) must now be read or refused with a TrajectoryError naming the file.
@Suite("Fuzzer regressions")
struct FuzzRegressionTests {
    static let directory = Repository.root.appendingPathComponent("fuzz/regressions")

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
    }

    @Test("every saved crash input is now handled", arguments: inputs)
    func replay(name: String) throws {
        let path = Self.directory.appendingPathComponent(name).path
        do {
            let reader = try TrajectoryFile.openReader(path)
            defer { reader.close() }
            let count = try reader.countFrames()
            var frames = 0
            while let chunk = try reader.read(maxFrames: 3) { frames += chunk.frameCount }
            #expect(frames == count)
        } catch let error as TrajectoryError {
            #expect(error.path == path)
        }
    }
}
