/// The trajectory and frame formats lss reads or writes, and what each can hold.
public enum TrajectoryFormat: String, CaseIterable, Sendable, Codable {
    case dcd
    case xtc
    case trr
    /// AMBER NetCDF trajectory, convention 1.0 (NetCDF-3 64-bit offset or NetCDF-4).
    case amberNetCDF = "netcdf"
    /// AMBER NetCDF restart (convention AMBERRESTART): one frame in Float64 with velocities.
    case amberNetCDFRestart = "ncrst"
    /// AMBER ASCII restart or coordinates (rst7, inpcrd).
    case amberRestart = "rst7"
    /// MDTraj's HDF5 format, with its topology inside.
    case mdtrajHDF5 = "h5"
    /// LAMMPS text dump (custom or atom style).
    case lammpsDump = "lammpstrj"
    case pdb
    case gro
    /// OpenMM state XML (positions, velocities, box, time).
    case openmmState = "xml"

    /// The format implied by a file name's extension (case-insensitive), or nil.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let ext = name[name.index(after: dot)...].lowercased()
        guard let format = TrajectoryFormat.byExtension[ext] else { return nil }
        self = format
    }

    /// The format named on a command line: a raw value ("netcdf", "h5") or any known extension.
    public init?(name: String) {
        let key = name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        guard let format = TrajectoryFormat(rawValue: key) ?? TrajectoryFormat.byExtension[key] else { return nil }
        self = format
    }

    /// Extensions that select each format; the first is the one lss writes.
    public var extensions: [String] {
        switch self {
        case .dcd: ["dcd"]
        case .xtc: ["xtc"]
        case .trr: ["trr"]
        case .amberNetCDF: ["nc", "ncdf", "netcdf"]
        case .amberNetCDFRestart: ["ncrst"]
        case .amberRestart: ["rst7", "inpcrd", "restrt", "rst"]
        case .mdtrajHDF5: ["h5", "hdf5"]
        case .lammpsDump: ["lammpstrj", "lammpsdump", "dump"]
        case .pdb: ["pdb", "ent"]
        case .gro: ["gro"]
        case .openmmState: ["xml"]
        }
    }

    /// lss can write this format (LAMMPS dumps are read only: LAMMPS itself is seeded from data files).
    public var isWritable: Bool { self != .lammpsDump }

    /// The file carries its own topology, so no `--topology` is needed to write or read it.
    public var carriesTopology: Bool { [.pdb, .gro, .mdtrajHDF5].contains(self) }

    /// Writing this format needs a topology (atom and residue names).
    public var writerNeedsTopology: Bool { carriesTopology }

    /// Holds one frame in full precision with velocities and box: what seeds are made from
    /// (DESIGN.md §4). TRR and GRO with velocities are restart-grade too, frame by frame.
    public var isRestartGrade: Bool { [.amberNetCDFRestart, .amberRestart, .openmmState, .trr, .gro].contains(self) }

    /// Holds at most one frame.
    public var isSingleFrame: Bool { [.amberNetCDFRestart, .amberRestart, .openmmState].contains(self) }

    private static let byExtension: [String: TrajectoryFormat] = {
        var table = [String: TrajectoryFormat]()
        for format in TrajectoryFormat.allCases { for ext in format.extensions { table[ext] = format } }
        return table
    }()

    /// "dcd, xtc, ..." for error messages.
    static var knownExtensions: String {
        allCases.flatMap(\.extensions).map { "." + $0 }.joined(separator: ", ")
    }
}

/// The topology formats lss reads.
public enum TopologyFormat: String, CaseIterable, Sendable, Codable {
    case pdb
    case gro
    case prmtop
    case psf
    case mdtrajHDF5 = "h5"

    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "pdb", "ent": self = .pdb
        case "gro": self = .gro
        case "prmtop", "parm7": self = .prmtop
        case "psf": self = .psf
        case "h5", "hdf5": self = .mdtrajHDF5
        default: return nil
        }
    }
}

import Foundation
