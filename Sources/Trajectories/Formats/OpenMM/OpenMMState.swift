import Foundation

/// OpenMM state XML files (`Simulation.saveState` / `loadState`, `XmlSerializer` of a `State`):
/// one frame in full precision with positions, velocities, forces when present, the periodic box
/// vectors, the time and the step count.
public enum OpenMMStateFile {
    /// Reads the state in `path`. Malformed XML, missing or non-numeric attributes, non-finite
    /// numbers and sections of different lengths throw a `TrajectoryError` naming the file.
    public static func read(path: String) throws -> Frame {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrajectoryError(.io, path: path, "cannot read: no such file or not readable")
        }
        var bytes = [UInt8](data)
        let count = bytes.count
        bytes.append(0)  // the parser's number scanning relies on a terminating 0 byte
        return try bytes.withUnsafeBufferPointer { buffer in
            try OpenMMStateXML.parse(UnsafeBufferPointer(rebasing: buffer[0 ..< count]), path: path)
        }
    }

    /// Writes `frame` as a state OpenMM loads with every bit of every number intact.
    /// OpenMM requires periodic box vectors in every state; a frame without a box takes
    /// `defaultBox` (OpenMM's own default for a new System is a 2 nm cube), and without either
    /// writing fails.
    public static func write(_ frame: Frame, to path: String, defaultBox: Box? = nil) throws {
        guard let box = frame.box ?? defaultBox else {
            throw TrajectoryError(.unsupported, path: path,
                                  "an OpenMM state needs periodic box vectors: the frame has no box and no defaultBox was given")
        }
        for (name, values) in [("positions", frame.positions), ("velocities", frame.velocities ?? []),
                               ("forces", frame.forces ?? [])] {
            if values.contains(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
                throw TrajectoryError(.nonFinite, path: path, frame: 0, "the frame has non-finite \(name)")
            }
        }
        for (name, values) in [("velocities", frame.velocities), ("forces", frame.forces)] {
            if let values, values.count != frame.atomCount {
                throw TrajectoryError(.mismatch, path: path, "the frame has \(frame.atomCount) positions but \(values.count) \(name)")
            }
        }
        do {
            try Data(OpenMMStateXML.format(frame, box: box)).write(to: URL(fileURLWithPath: path))
        } catch {
            throw TrajectoryError(.io, path: path, "cannot write: \(error.localizedDescription)")
        }
    }
}

/// An OpenMM state file as a one-frame trajectory. `readFrame` keeps the file's Float64 values;
/// `read(maxFrames:)` narrows them to a Float32 chunk like every other reader.
public final class OpenMMStateReader: TrajectoryReader {
    public let path: String
    public let atomCount: Int
    private var state: Frame?
    private var position = 0

    public init(path: String) throws {
        self.path = path
        let frame = try OpenMMStateFile.read(path: path)
        state = frame
        atomCount = frame.atomCount
    }

    public func countFrames() throws -> Int { 1 }

    public func read(maxFrames: Int) throws -> FrameChunk? {
        guard let frame = try readFrame() else { return nil }
        return frame.chunk()
    }

    public func readFrame() throws -> Frame? {
        guard let state else { throw TrajectoryError(.io, path: path, "the reader is closed") }
        guard position == 0 else { return nil }
        position = 1
        return state
    }

    public func seek(toFrame index: Int) throws {
        guard state != nil else { throw TrajectoryError(.io, path: path, "the reader is closed") }
        guard index == 0 || index == 1 else {
            throw TrajectoryError(.mismatch, path: path, frame: index, "an OpenMM state file holds one frame; cannot seek to frame \(index)")
        }
        position = index
    }

    public func close() { state = nil }
}

/// Writes one frame as an OpenMM state file; a second frame is an error (a state is one instant).
public final class OpenMMStateWriter: TrajectoryWriter {
    public let path: String
    public let atomCount: Int
    private let defaultBox: Box?
    private var written = false
    private var closed = false

    /// - Parameter defaultBox: the box written when the frame has none (OpenMM requires one).
    public init(path: String, atomCount: Int, topology: Topology? = nil, defaultBox: Box? = nil) throws {
        if let topology, topology.atomCount != atomCount {
            throw TrajectoryError(.mismatch, path: path, "the topology has \(topology.atomCount) atoms but the writer was given \(atomCount)")
        }
        self.path = path
        self.atomCount = atomCount
        self.defaultBox = defaultBox
    }

    public func write(_ chunk: FrameChunk) throws {
        guard chunk.frameCount == 1 else {
            throw TrajectoryError(.unsupported, path: path, "an OpenMM state file holds one frame, not \(chunk.frameCount)")
        }
        try write(chunk.frame(0))
    }

    public func write(_ frame: Frame) throws {
        guard !closed else { throw TrajectoryError(.io, path: path, "the writer is closed") }
        guard !written else {
            throw TrajectoryError(.unsupported, path: path, frame: 1, "an OpenMM state file holds one frame; a second was written")
        }
        guard frame.atomCount == atomCount else {
            throw TrajectoryError(.mismatch, path: path, frame: 0, "a frame of \(frame.atomCount) atoms cannot go into a file of \(atomCount)")
        }
        try OpenMMStateFile.write(frame, to: path, defaultBox: defaultBox)
        written = true
    }

    /// Throws when no frame was written: there is no empty OpenMM state.
    public func close() throws {
        guard !closed else { return }
        closed = true
        guard written else { throw TrajectoryError(.mismatch, path: path, "no frame was written; an OpenMM state file holds exactly one") }
    }
}
