import ArgumentParser
import Foundation
import Trajectories

struct TrajCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traj",
        abstract: "Inspect and convert trajectory files (DCD, XTC, TRR, AMBER NetCDF, MDTraj HDF5, LAMMPS, PDB, GRO, restarts).",
        subcommands: [TrajInfoCommand.self, TrajConvertCommand.self])
}

/// Parses a format name given on the command line.
private func parseFormat(_ name: String?, option: String) throws -> TrajectoryFormat? {
    guard let name else { return nil }
    guard let format = TrajectoryFormat(name: name) else {
        throw ValidationError("\(option) '\(name)' is not a format lss knows; use one of "
            + TrajectoryFormat.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return format
}

struct TrajInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Format, frames, atoms, time step and box of a trajectory file.")

    @Argument(help: "The trajectory file.")
    var file: String

    @Option(help: "A topology (PDB, GRO, prmtop, PSF, MDTraj HDF5) to check the atom count against.")
    var topology: String?

    @Option(help: "Read as this format instead of the one the extension implies.")
    var format: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let topology = try topology.map { try TopologyFile.read($0) }
        let summary = try TrajectorySummary.of(file, format: parseFormat(format, option: "--format"),
                                               topology: topology)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.text)
        }
    }
}

struct TrajConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a trajectory to another format, with an atom selection, a frame range and a stride.",
        discussion: """
            Formats follow the extensions (override with --from/--to). --begin and --end take a frame \
            index (zero-based; end exclusive) or a time with a unit, e.g. 50ps or 2ns (both ends \
            included, as with gmx trjconv -b -e). Selections: name CA, backbone, heavy, protein, \
            water, resname ALA, resid 3 to 10, index 0 to 21, element C, chain A, combined with \
            not/and/or and parentheses.
            """)

    @Argument(help: "The input trajectory.")
    var input: String

    @Argument(help: "The output file; its extension picks the format.")
    var output: String

    @Option(help: "A topology (PDB, GRO, prmtop, PSF, MDTraj HDF5), for selections and for writing PDB, GRO or HDF5.")
    var topology: String?

    @Option(help: "Atom selection to keep.")
    var select: String?

    @Option(help: "Keep every N-th frame.")
    var stride = 1

    @Option(help: "First frame (index) or time (e.g. 10ps).")
    var begin: String?

    @Option(help: "End frame (index, exclusive) or time (e.g. 100ps, inclusive).")
    var end: String?

    @Option(help: "Input format, when the extension does not say.")
    var from: String?

    @Option(help: "Output format, when the extension does not say.")
    var to: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard stride >= 1 else { throw ValidationError("--stride must be at least 1, not \(stride)") }
        for (name, value) in [("--begin", begin), ("--end", end)] {
            if let value, FrameRange.parseBound(value) == nil {
                throw ValidationError("\(name) '\(value)' is neither a frame index nor a time such as 50ps")
            }
        }
    }

    func run() throws {
        let range = FrameRange(begin: begin.flatMap(FrameRange.parseBound), end: end.flatMap(FrameRange.parseBound),
                               stride: stride)
        let conversion = TrajectoryConversion(
            input: input, output: output, inputFormat: try parseFormat(from, option: "--from"),
            outputFormat: try parseFormat(to, option: "--to"), topologyPath: topology, selection: select,
            range: range)
        let report = try conversion.run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("wrote \(report.framesWritten) frames of \(report.atoms) atoms to \(output) (\(report.format.rawValue))")
        }
    }
}
