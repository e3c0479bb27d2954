import ArgumentParser
import Foundation
import Kinetics
import Trajectories

/// The options every `lss analyze` command shares: which files, which features, which frames.
struct AnalysisInputOptions: ParsableArguments {
    @Argument(help: "Trajectories (DCD, XTC, TRR, NetCDF, HDF5, LAMMPS dump, PDB, GRO) or tables of collective variables (.npy, COLVAR, .xvg, .csv, .dat).")
    var inputs: [String]

    @Option(help: "Topology for trajectories (PDB, GRO, prmtop, PSF, MDTraj HDF5).")
    var topology: String?

    @Option(help: ArgumentHelp("Features of trajectories, ';'-separated.",
                               discussion: "ca-distances[:exclude=K], distances:select=SEL, ca-angles, ca-dihedrals, backbone-torsions[:omega=true], phi, psi, omega, chi1, contacts[:cutoff=NM], q:reference=PDB. Torsions come as (cos, sin) pairs."))
    var features = "backbone-torsions"

    @Option(help: "Columns of tables to use, by name or 1-based number, comma-separated (default: all but a leading time column).")
    var columns: String?

    @Option(help: "Picoseconds between saved frames, when the files do not say (tables without a time column) or say it wrongly.")
    var dt: Double?

    @Option(help: "First frame (index) or time (e.g. 100ps) of every input.")
    var begin: String?

    @Option(help: "End frame (index, exclusive) or time (inclusive) of every input.")
    var end: String?

    @Option(help: "Use every N-th frame (lags are then counted in strided frames).")
    var stride = 1

    func validate() throws {
        guard stride >= 1 else { throw ValidationError("--stride must be at least 1") }
        if let dt, !(dt > 0 && dt.isFinite) { throw ValidationError("--dt must be a positive time in ps") }
        for (name, value) in [("--begin", begin), ("--end", end)] {
            if let value, FrameRange.parseBound(value) == nil {
                throw ValidationError("\(name) '\(value)' is neither a frame index nor a time such as 50ps")
            }
        }
    }

    /// The feature source the inputs describe.
    func source() throws -> FeatureSource {
        let range = FrameRange(begin: begin.flatMap(FrameRange.parseBound), end: end.flatMap(FrameRange.parseBound),
                               stride: stride)
        let tables = inputs.filter(FeatureSource.isTable)
        if tables.count == inputs.count {
            let picked = columns.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            return try FeatureSource(tables: inputs, columns: picked, range: range, frameInterval: dt)
        }
        guard tables.isEmpty else {
            throw InputError("inputs mix tables (\(tables[0])) and trajectories; analyse one kind at a time")
        }
        guard let topology else {
            throw InputError("trajectories need --topology (PDB, GRO, prmtop, PSF or MDTraj HDF5) to compute features")
        }
        let featureSet = try FeatureSet(parsing: features, topology: TopologyFile.read(topology))
        return try FeatureSource(trajectories: inputs, featurizer: featureSet, range: range, frameInterval: dt)
    }
}

/// Output options every `lss analyze` command shares.
struct AnalysisOutputOptions: ParsableArguments {
    @Flag(help: "Print the results as one JSON document.")
    var json = false

    @Option(name: [.short, .customLong("output")], help: "Write a plot to this SVG file.")
    var output: String?
}

/// Parses a lag given as a time ("10ps", "2ns") or a number of saved frames ("5").
func parseLag(_ text: String, frameInterval: Double, option: String) throws -> Int {
    switch FrameRange.parseBound(text) {
    case .frame(let frames)?:
        guard frames >= 1 else { throw ValidationError("\(option) must be at least one frame") }
        return frames
    case .time(let picoseconds)?:
        return try LagTime.frames(picoseconds, frameInterval: frameInterval, name: option)
    case nil:
        throw InputError("\(option) '\(text)' is neither a time such as 10ps nor a number of frames")
    }
}

/// A problem with the inputs found while running (after the options parsed): printed as
/// "Error: ..." without the usage text, which would not help.
struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
