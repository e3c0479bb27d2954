import Foundation

/// A fresh temporary directory for one test, removed when the value goes away.
final class Workspace {
    let url: URL

    init(_ label: String = #function) throws {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lss-traj-\(safe.prefix(40))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Absolute path of `name` inside the workspace.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Paths of the repository and of the shared data beside it.
enum Repository {
    /// The package root (this file is Tests/TrajectoriesTests/Support/Workspace.swift).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Tests/TrajectoriesTests/Fixtures.
    static let fixtures = root.appendingPathComponent("Tests/TrajectoriesTests/Fixtures")
    /// ../shared/data (DESIGN.md and the shared test data live beside the repository).
    static let sharedData = root.deletingLastPathComponent().appendingPathComponent("shared/data")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    /// Alanine dipeptide, 22 atoms, from ../shared/data.
    static var alanineDipeptidePDB: String { sharedData.appendingPathComponent("alanine-dipeptide.pdb").path }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var output: String
    var description: String { "\(command) exited with \(status):\n\(output)" }
}

/// Runs a program to completion and returns its standard output; throws with the combined output
/// when it exits non-zero. Tests use it for the independent references (python3 with MDTraj,
/// gmx, lmp).
@discardableResult
func runProgram(_ executable: String, _ arguments: [String], in directory: String? = nil,
                input: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    // Standard error goes to a file, so that neither pipe can fill up and block the program.
    let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("lss-stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: errorPath.path, contents: nil)
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
func runPython(_ script: String, _ arguments: [String] = [], in directory: String? = nil) throws -> String {
    try runProgram("python3", ["-c", script] + arguments, in: directory)
}

/// Decodes the JSON a Python reference script printed as its last line (MDTraj's C plugins print
/// chatter such as "dcdplugin) detected ..." to standard output before it).
func decodeJSON<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
    let json = lastLine(of: text)
    do {
        return try JSONDecoder().decode(T.self, from: Data(json.utf8))
    } catch {
        throw ProcessFailure(command: "decoding \(T.self) from the reference script's output", status: 0,
                             output: String(text.suffix(2000)))
    }
}

/// The last non-empty line of a program's output.
func lastLine(of text: String) -> String {
    text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
}

/// What MDTraj reports about a trajectory, printed by `mdtrajSummaryScript` as JSON.
struct MDTrajSummary: Decodable {
    var frames: Int
    var atoms: Int
    /// frames × atoms × 3 positions in nm.
    var xyz: [[[Double]]]
    var time: [Double]
    /// frames × 3 × 3 box vectors in nm, or nil without a unit cell.
    var box: [[[Double]]]?
}

/// Python that loads argv[1] with MDTraj (topology argv[2] when given, "-" for none) and prints an
/// `MDTrajSummary` as JSON.
let mdtrajSummaryScript = """
import json, sys, mdtraj
path, top = sys.argv[1], sys.argv[2]
t = mdtraj.load(path, top=top) if top != '-' else mdtraj.load(path)
box = None if t.unitcell_vectors is None else t.unitcell_vectors.astype(float).tolist()
print(json.dumps({'frames': t.n_frames, 'atoms': t.n_atoms, 'xyz': t.xyz.astype(float).tolist(),
                  'time': t.time.astype(float).tolist(), 'box': box}))
"""

/// The largest absolute difference between lss positions and MDTraj's.
func maxDifference(_ chunk: [Float], _ reference: [[[Double]]]) -> Double {
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
