import Foundation

/// `lss traj convert`: streams frames from one file to another, with an atom selection, a frame
/// range and a stride, chunk by chunk so that memory does not grow with the file.
public struct TrajectoryConversion: Sendable {
    public var input: String
    public var output: String
    public var inputFormat: TrajectoryFormat?
    public var outputFormat: TrajectoryFormat?
    /// A topology file, needed to select atoms by name or to write PDB, GRO or HDF5 from a format
    /// that has no atom names.
    public var topologyPath: String?
    /// Atom selection text (`AtomSelection` grammar), or nil for every atom.
    public var selection: String?
    public var range: FrameRange
    public var chunkSize: Int

    public init(input: String, output: String, inputFormat: TrajectoryFormat? = nil,
                outputFormat: TrajectoryFormat? = nil, topologyPath: String? = nil, selection: String? = nil,
                range: FrameRange = .all, chunkSize: Int = 256) {
        self.input = input
        self.output = output
        self.inputFormat = inputFormat
        self.outputFormat = outputFormat
        self.topologyPath = topologyPath
        self.selection = selection
        self.range = range
        self.chunkSize = chunkSize
    }

    public struct Report: Codable, Sendable, Equatable {
        public var framesWritten: Int
        public var atoms: Int
        public var format: TrajectoryFormat
    }

    /// Runs the conversion. The output is written under a temporary name beside it and renamed into
    /// place only when complete, so a failed conversion never leaves a half-written file behind.
    public func run(progress: ((Int) -> Void)? = nil) throws -> Report {
        let givenTopology = try topologyPath.map { try TopologyFile.read($0) }
        let reader = try TrajectoryFile.openReader(input, format: inputFormat, topology: givenTopology)
        defer { reader.close() }
        let topology = givenTopology ?? reader.topology
        var atoms: [Int]? = nil
        if let selection {
            guard let topology else {
                throw TrajectoryError(.mismatch, path: input,
                                      "selecting atoms needs a topology: this format has no atom names, so pass --topology")
            }
            let indices = try AtomSelection(selection).indices(in: topology)
            guard !indices.isEmpty else {
                throw TrajectoryError(.mismatch, path: input, "the selection '\(selection)' matches no atom")
            }
            atoms = indices
        }
        let outputTopology = atoms.flatMap { indices in topology?.subset(atoms: indices) } ?? topology
        let stream = try TrajectoryStream(reader: reader, atoms: atoms, range: range, chunkSize: chunkSize)
        let format = try TrajectoryFile.format(of: output, override: outputFormat)
        if format.writerNeedsTopology && outputTopology == nil {
            throw TrajectoryError(.mismatch, path: output,
                                  "writing \(format.rawValue) needs atom and residue names; pass a topology with --topology")
        }
        do {
            return try convert(reader: reader, stream: stream, format: format, topology: outputTopology,
                               atoms: atoms, progress: progress)
        } catch var error as TrajectoryError where error.path.hasSuffix(".partial-\(getpid())") {
            // Errors of the writer name the file the user asked for, not the temporary one.
            error.path = output
            throw error
        }
    }

    private func convert(reader: TrajectoryReader, stream: TrajectoryStream, format: TrajectoryFormat,
                         topology outputTopology: Topology?, atoms: [Int]?,
                         progress: ((Int) -> Void)?) throws -> Report {

        let directory = (output as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((output as NSString).lastPathComponent).partial-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let writer = try TrajectoryFile.makeWriter(temporary, format: format, atomCount: stream.atomCount,
                                                   topology: outputTopology)
        var written = 0
        do {
            while let chunk = try stream.next() {
                if format.isSingleFrame && written + chunk.frameCount > 1 {
                    throw TrajectoryError(.mismatch, path: output,
                                          "\(format.rawValue) holds one frame; choose it with --begin N --end N+1")
                }
                if format.isSingleFrame, let frame = try fullPrecisionFrame(chunk, reader: reader, atoms: atoms) {
                    try writer.write(frame)
                } else {
                    try writer.write(chunk)
                }
                written += chunk.frameCount
                progress?(written)
            }
            try writer.close()
        } catch {
            try? writer.close()
            throw error
        }
        guard written > 0 else {
            throw TrajectoryError(.mismatch, path: input, "no frame falls in the requested range; nothing written")
        }
        if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
        try FileManager.default.moveItem(atPath: temporary, toPath: output)
        return Report(framesWritten: written, atoms: stream.atomCount, format: format)
    }

    /// For restart formats, the one frame re-read in the source's full precision (Float64 sources
    /// such as rst7, double TRR or state XML keep every digit), with the selection applied.
    private func fullPrecisionFrame(_ chunk: FrameChunk, reader: TrajectoryReader, atoms: [Int]?) throws -> Frame? {
        try reader.seek(toFrame: chunk.firstFrame)
        guard let frame = try reader.readFrame() else { return nil }
        guard let atoms else { return frame }
        return Frame(positions: atoms.map { frame.positions[$0] },
                     velocities: frame.velocities.map { v in atoms.map { v[$0] } },
                     forces: frame.forces.map { f in atoms.map { f[$0] } },
                     box: frame.box, time: frame.time, step: frame.step)
    }
}
