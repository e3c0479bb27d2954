import Foundation

/// A fresh temporary directory for one test, removed when the value goes away.
public final class Workspace {
    public let url: URL

    public init(_ label: String = #function) throws {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lss-traj-\(safe.prefix(40))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Absolute path of `name` inside the workspace.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Paths of the repository and of the shared data beside it.
public enum Repository {
    /// The package root (this file is Tests/TestSupport/Workspace.swift).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// ../shared/data (DESIGN.md and the shared test data live beside the repository).
    public static let sharedData = root.deletingLastPathComponent().appendingPathComponent("shared/data")

    /// Tests/<target>/Fixtures.
    public static func fixtures(of target: String) -> URL {
        root.appendingPathComponent("Tests/\(target)/Fixtures")
    }

    /// Alanine dipeptide, 22 atoms, from ../shared/data.
    public static var alanineDipeptidePDB: String { sharedData.appendingPathComponent("alanine-dipeptide.pdb").path }
}

public struct ProcessFailure: Error, CustomStringConvertible {
    public var command: String
    public var status: Int32
    public var output: String
    public var description: String { "\(command) exited with \(status):\n\(output)" }
}

/// Runs a program to completion and returns its standard output; throws with the combined output
/// when it exits non-zero. Tests use it for the independent references (python3 with MDTraj,
/// gmx, lmp).
@discardableResult
public func runProgram(_ executable: String, _ arguments: [String], in directory: String? = nil,
                input: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    // Standard error goes to a file, so that neither pipe can fill up and block the program.
    let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("lss-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errorPath.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorPath) }
    let output = Pipe(), stdin = Pipe()
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorPath)
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try? stdin.fileHandleForWriting.close()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errorData = (try? Data(contentsOf: errorPath)) ?? Data()
    let text = String(decoding: outputData, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw ProcessFailure(command: ([executable] + arguments).joined(separator: " "),
                             status: process.terminationStatus,
                             output: text + String(decoding: errorData, as: UTF8.self))
    }
    return text
}

/// Runs a Python script (python3 with MDTraj, NumPy, netCDF4, tables installed by
/// scripts/setup-debian) with arguments, returning its standard output.
@discardableResult
public func runPython(_ script: String, _ arguments: [String] = [], in directory: String? = nil) throws -> String {
    try runProgram("python3", ["-c", script] + arguments, in: directory)
}

/// Decodes the JSON a Python reference script printed as its last line (MDTraj's C plugins print
/// chatter such as "dcdplugin) detected ..." to standard output before it).
public func decodeJSON<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
    let json = lastLine(of: text)
    do {
        return try JSONDecoder().decode(T.self, from: Data(json.utf8))
    } catch {
        throw ProcessFailure(command: "decoding \(T.self) from the reference script's output", status: 0,
                             output: String(text.suffix(2000)))
    }
}

/// The last non-empty line of a program's output.
public func lastLine(of text: String) -> String {
    text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
}

/// What MDTraj reports about a trajectory, printed by `mdtrajSummaryScript` as JSON.
public struct MDTrajSummary: Decodable {
    public var frames: Int
    public var atoms: Int
    /// frames × atoms × 3 positions in nm.
    public var xyz: [[[Double]]]
    public var time: [Double]
    /// frames × 3 × 3 box vectors in nm, or nil without a unit cell.
    public var box: [[[Double]]]?
}

/// Python that loads argv[1] with MDTraj (topology argv[2] when given, "-" for none) and prints an
/// `MDTrajSummary` as JSON.
public let mdtrajSummaryScript = """
import json, sys, mdtraj
path, top = sys.argv[1], sys.argv[2]
t = mdtraj.load(path, top=top) if top != '-' else mdtraj.load(path)
box = None if t.unitcell_vectors is None else t.unitcell_vectors.astype(float).tolist()
print(json.dumps({'frames': t.n_frames, 'atoms': t.n_atoms, 'xyz': t.xyz.astype(float).tolist(),
                  'time': t.time.astype(float).tolist(), 'box': box}))
"""

/// The largest absolute difference between lss positions and MDTraj's.
public func maxDifference(_ chunk: [Float], _ reference: [[[Double]]]) -> Double {
    var worst = 0.0, offset = 0
    for frame in reference {
        for atom in frame {
            for value in atom {
                guard offset < chunk.count else { return .infinity }
                worst = max(worst, abs(Double(chunk[offset]) - value))
                offset += 1
            }
        }
    }
    return offset == chunk.count ? worst : .infinity
}
