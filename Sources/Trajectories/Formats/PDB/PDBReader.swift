/// Reads PDB files: the topology from the first model, one frame per model.
///
/// Models are delimited by MODEL/ENDMDL (or END, or a new MODEL); a file without MODEL records is
/// one frame. Every model must hold the same atoms as the first (same count and names, after
/// keeping only the first alternate location of each atom); a model that differs is an error that
/// names it. CRYST1 gives the box (Å → nm) of the models after it. Opening the file scans it once
/// to index the models and collect CONECT records; frames are then read on demand.
public final class PDBReader: TrajectoryReader {
    public let path: String
    public let atomCount: Int
    public let topology: Topology?

    /// Where a model starts: the offset of its first line (MODEL or the first atom), the number of
    /// the line before it, the box in effect there, and the MODEL serial when written.
    private struct ModelStart {
        var offset: Int64
        var lineBefore: Int
        var box: Box?
        var serial: Int?
    }

    private let lines: ColumnTextReader
    private let models: [ModelStart]
    private let expectedNames: [UInt32]
    private let topologyNames: [String]
    private let hasBox: Bool
    private var filter = PDBAlternateLocationFilter()
    private var scratch: [Double]
    private var nextFrame = 0
    private var closed = false

    public init(path: String) throws {
        self.path = path
        let lines = try ColumnTextReader(path: path)
        var builder = PDBTopologyBuilder()
        var filter = PDBAlternateLocationFilter()
        var models: [ModelStart] = []
        var inModel = false, modelHasAtoms = false
        var box: Box?, firstModelBox: Box?, pendingSerial: Int?

        func startModel(serial: Int?) {
            models.append(ModelStart(offset: lines.lineOffset, lineBefore: lines.lineNumber - 1, box: box, serial: serial))
            inModel = true
            modelHasAtoms = false
        }
        func endModel() {
            if models.count == 1 { firstModelBox = box }
            inModel = false
        }

        // One pass: the first model's records build the topology; later models are only located.
        while let line = try lines.nextLine() {
            switch PDBRecordKind.of(line) {
            case .atom:
                if !inModel { startModel(serial: pendingSerial); pendingSerial = nil }
                modelHasAtoms = true
                if models.count == 1 && filter.keep(line) {
                    try builder.addAtom(line, path: path, lineNumber: lines.lineNumber)
                }
            case .model:
                let serial = ColumnFields.integer(line, 10, 14) ?? ColumnFields.integer(line, 5, line.count)
                if inModel && modelHasAtoms { endModel() }
                if !inModel { startModel(serial: serial) } else { models[models.count - 1].serial = serial }
            case .endModel, .end:
                if inModel { endModel() }
            case .ter:
                if inModel && models.count == 1 { builder.terminateChain() }
            case .cryst1:
                box = try PDBRecords.box(line, path: path, lineNumber: lines.lineNumber)
            case .conect:
                builder.addConect(line)
            case .other:
                continue
            }
        }
        if inModel { endModel() }

        guard models.first != nil, !builder.topology.atoms.isEmpty else {
            lines.close()
            throw TrajectoryError(.malformed, path: path, "no ATOM or HETATM records; this is not a PDB file with coordinates")
        }
        let count = builder.topology.atoms.count
        let topology = builder.finish(box: PDBRecords.plausible(firstModelBox, atomCount: count))
        self.lines = lines
        self.topology = topology
        self.atomCount = count
        self.models = models
        self.topologyNames = topology.atoms.map(\.name)
        self.expectedNames = topologyNames.map(PDBRecords.packedName)
        self.hasBox = topology.box != nil
        self.scratch = [Double](repeating: 0, count: count * 3)
    }

    public func countFrames() throws -> Int {
        try checkOpen()
        return models.count
    }

    public func seek(toFrame index: Int) throws {
        try checkOpen()
        guard index >= 0 && index <= models.count else {
            throw TrajectoryError(.mismatch, path: path, frame: index,
                                  "cannot seek to frame \(index): the file has \(models.count) models")
        }
        nextFrame = index
    }

    public func read(maxFrames: Int) throws -> FrameChunk? {
        try checkOpen()
        guard maxFrames > 0, nextFrame < models.count else { return nil }
        let frames = min(maxFrames, models.count - nextFrame)
        var positions = [Float]()
        positions.reserveCapacity(frames * atomCount * 3)
        var boxes: [Box] = []
        var times: [Double] = []
        var everyFrameHasBox = hasBox
        let first = nextFrame
        for _ in 0 ..< frames {
            let box = try readModel(nextFrame)
            for value in scratch { positions.append(Float(value / 10)) }
            if let box { boxes.append(box) } else { everyFrameHasBox = false }
            times.append(Double(nextFrame))
            nextFrame += 1
        }
        return FrameChunk(atomCount: atomCount, firstFrame: first, positions: positions, times: times,
                          boxes: everyFrameHasBox ? boxes : nil)
    }

    /// The next model in Float64 (the file's %8.3f Å values converted to nm without rounding to Float32).
    public func readFrame() throws -> Frame? {
        try checkOpen()
        guard nextFrame < models.count else { return nil }
        let box = try readModel(nextFrame)
        let positions = (0 ..< atomCount).map { SIMD3(scratch[3 * $0], scratch[3 * $0 + 1], scratch[3 * $0 + 2]) / 10 }
        let frame = Frame(positions: positions, box: hasBox ? box : nil, time: Double(nextFrame))
        nextFrame += 1
        return frame
    }

    public func close() {
        closed = true
        lines.close()
    }

    // MARK: - Reading one model

    /// Reads model `frame` into `scratch` (Å) and returns its box.
    private func readModel(_ frame: Int) throws -> Box? {
        let start = models[frame]
        lines.seek(toOffset: start.offset, lineNumber: start.lineBefore)
        filter.reset()
        var box = start.box
        var opened = false, sawAtomLine = false
        var atoms = 0
        reading: while let line = try lines.nextLine() {
            switch PDBRecordKind.of(line) {
            case .atom:
                opened = true
                sawAtomLine = true
                guard filter.keep(line) else { continue }
                guard atoms < atomCount else {
                    throw modelMismatch(frame, "has more atoms than the first model (\(atomCount))")
                }
                guard PDBRecords.packedName(line) == expectedNames[atoms] else {
                    throw modelMismatch(frame, "line \(lines.lineNumber): atom \(atoms + 1) is named '\(ColumnFields.text(line, 12, 16))' where the first model has '\(topologyNames[atoms])'")
                }
                let position = try PDBRecords.coordinates(line, path: path, lineNumber: lines.lineNumber, frame: frame)
                scratch[3 * atoms] = position.x
                scratch[3 * atoms + 1] = position.y
                scratch[3 * atoms + 2] = position.z
                atoms += 1
            case .model:
                if opened && sawAtomLine { break reading }
                opened = true
            case .endModel, .end:
                if opened { break reading }
            case .cryst1:
                box = try PDBRecords.box(line, path: path, lineNumber: lines.lineNumber)
            case .ter, .conect, .other:
                continue
            }
        }
        guard atoms == atomCount else {
            throw modelMismatch(frame, "has \(atoms) atoms; the first model has \(atomCount)")
        }
        return PDBRecords.plausible(box, atomCount: atomCount)
    }

    private func modelMismatch(_ frame: Int, _ problem: String) -> TrajectoryError {
        let serial = models[frame].serial.map { " (MODEL \($0))" } ?? ""
        return TrajectoryError(.mismatch, path: path, frame: frame, "model \(frame + 1)\(serial) \(problem)")
    }

    private func checkOpen() throws {
        if closed { throw TrajectoryError(.io, path: path, "the reader was closed") }
    }
}

/// Convenience entry points for PDB files.
public enum PDBFile {
    /// The topology of the first model (with the CRYST1 box, if any).
    public static func readTopology(path: String) throws -> Topology {
        let reader = try PDBReader(path: path)
        defer { reader.close() }
        guard let topology = reader.topology else {
            throw TrajectoryError(.malformed, path: path, "no topology")
        }
        return topology
    }
}
