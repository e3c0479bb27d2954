import Foundation

/// Opening trajectory files by format: the registry that picks a codec from the file extension, or
/// from an explicit override, and checks a file against the topology it is used with.
public enum TrajectoryFile {
    /// The format of `path`: the override when given, else the extension's.
    public static func format(of path: String, override: TrajectoryFormat? = nil) throws -> TrajectoryFormat {
        if let override { return override }
        guard let format = TrajectoryFormat(path: path) else {
            throw TrajectoryError(.unsupported, path: path,
                                  "unknown trajectory extension; use one of \(TrajectoryFormat.knownExtensions) or name the format explicitly")
        }
        return format
    }

    /// A reader for `path`. When a topology is given, the file's atom count must match it.
    public static func openReader(_ path: String, format override: TrajectoryFormat? = nil,
                                  topology: Topology? = nil) throws -> TrajectoryReader {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrajectoryError(.io, path: path, "no such file")
        }
        let format = try format(of: path, override: override)
        let reader: TrajectoryReader
        switch format {
        case .dcd: reader = try DCDReader(path: path)
        case .xtc: reader = try XTCReader(path: path)
        case .trr: reader = try TRRReader(path: path)
        case .amberNetCDF: reader = try AmberNetCDFReader(path: path)
        case .amberNetCDFRestart: reader = try AmberNetCDFRestartReader(path: path)
        case .amberRestart: reader = try AmberRestartReader(path: path)
        case .mdtrajHDF5: reader = try MDTrajHDF5Reader(path: path)
        case .lammpsDump: reader = try LAMMPSDumpReader(path: path)
        case .pdb: reader = try PDBReader(path: path)
        case .gro: reader = try GROReader(path: path)
        case .openmmState: reader = try OpenMMStateReader(path: path)
        }
        if let topology, topology.atomCount != reader.atomCount {
            reader.close()
            throw TrajectoryError(.mismatch, path: path,
                                  "the file has \(reader.atomCount) atoms but the topology has \(topology.atomCount); use the topology of the system that wrote this trajectory")
        }
        return reader
    }

    /// A writer for `path` in the format of its extension (or the override). Formats that store
    /// atom names (PDB, GRO, MDTraj HDF5) need the topology.
    public static func makeWriter(_ path: String, format override: TrajectoryFormat? = nil, atomCount: Int,
                                  topology: Topology?) throws -> TrajectoryWriter {
        let format = try format(of: path, override: override)
        if let topology, topology.atomCount != atomCount {
            throw TrajectoryError(.mismatch, path: path,
                                  "writing \(atomCount) atoms with a topology of \(topology.atomCount) atoms")
        }
        if format.writerNeedsTopology && topology == nil {
            throw TrajectoryError(.mismatch, path: path,
                                  "writing \(format.rawValue) needs a topology (atom and residue names); pass one with --topology")
        }
        switch format {
        case .dcd: return try DCDWriter(path: path, atomCount: atomCount, topology: topology)
        case .xtc: return try XTCWriter(path: path, atomCount: atomCount, topology: topology)
        case .trr: return try TRRWriter(path: path, atomCount: atomCount, topology: topology)
        case .amberNetCDF: return try AmberNetCDFWriter(path: path, atomCount: atomCount, topology: topology)
        case .amberNetCDFRestart: return try AmberNetCDFRestartWriter(path: path, atomCount: atomCount, topology: topology)
        case .amberRestart: return try AmberRestartWriter(path: path, atomCount: atomCount, topology: topology)
        case .mdtrajHDF5: return try MDTrajHDF5Writer(path: path, atomCount: atomCount, topology: topology)
        case .pdb: return try PDBWriter(path: path, atomCount: atomCount, topology: topology)
        case .gro: return try GROWriter(path: path, atomCount: atomCount, topology: topology)
        case .openmmState: return try OpenMMStateWriter(path: path, atomCount: atomCount, topology: topology)
        case .lammpsDump:
            throw TrajectoryError(.unsupported, path: path,
                                  "lss reads LAMMPS dumps but does not write them; write DCD or XTC instead")
        }
    }
}

/// Reading topologies from any of the formats that hold one.
public enum TopologyFile {
    public static func read(_ path: String, format override: TopologyFormat? = nil) throws -> Topology {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrajectoryError(.io, path: path, "no such topology file")
        }
        guard let format = override ?? TopologyFormat(path: path) else {
            throw TrajectoryError(.unsupported, path: path,
                                  "unknown topology extension; use .pdb, .gro, .prmtop/.parm7, .psf or .h5")
        }
        switch format {
        case .pdb, .gro, .mdtrajHDF5:
            let reader: TrajectoryReader = switch format {
            case .pdb: try PDBReader(path: path)
            case .gro: try GROReader(path: path)
            default: try MDTrajHDF5Reader(path: path)
            }
            defer { reader.close() }
            guard let topology = reader.topology else {
                throw TrajectoryError(.malformed, path: path, "the file holds no topology")
            }
            return topology
        case .prmtop: return try AmberPrmtop.read(path: path)
        case .psf: return try PSFFile.read(path: path)
        }
    }
}
