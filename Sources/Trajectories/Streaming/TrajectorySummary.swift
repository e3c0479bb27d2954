import Foundation

/// What `lss traj info` reports about a file: format, frames, atoms, time step and box, read from
/// the header and at most three frames (never the whole file).
public struct TrajectorySummary: Codable, Sendable, Equatable {
    public struct BoxSummary: Codable, Sendable, Equatable {
        /// Edge lengths in nm.
        public var lengths: [Double]
        /// α, β, γ in degrees.
        public var angles: [Double]
        /// Box vectors a, b, c in nm.
        public var vectors: [[Double]]
    }

    public struct TopologySummary: Codable, Sendable, Equatable {
        public var chains: Int
        public var residues: Int
        public var atoms: Int
        public var bonds: Int
    }

    public var path: String
    public var format: TrajectoryFormat
    public var frames: Int
    public var atoms: Int
    /// Time of the first frame, ps.
    public var firstTime: Double?
    /// Time of the last frame, ps.
    public var lastTime: Double?
    /// Time between the first two frames, ps (nil for one frame).
    public var timeStep: Double?
    /// The first frame's box, or nil without a unit cell.
    public var box: BoxSummary?
    public var hasVelocities: Bool
    public var hasForces: Bool
    /// The topology the file carries, or the one given with it.
    public var topology: TopologySummary?

    /// Summarizes `path`, checking it against `topology` when one is given.
    public static func of(_ path: String, format: TrajectoryFormat? = nil,
                          topology: Topology? = nil) throws -> TrajectorySummary {
        let reader = try TrajectoryFile.openReader(path, format: format, topology: topology)
        defer { reader.close() }
        let frames = try reader.countFrames()
        var summary = TrajectorySummary(
            path: path, format: try TrajectoryFile.format(of: path, override: format), frames: frames,
            atoms: reader.atomCount, hasVelocities: false, hasForces: false)
        if let top = topology ?? reader.topology {
            summary.topology = TopologySummary(chains: top.chains.count, residues: top.residues.count,
                                               atoms: top.atomCount, bonds: top.bonds.count)
        }
        guard frames > 0 else { return summary }
        guard let first = try reader.read(maxFrames: min(2, frames)) else { return summary }
        summary.firstTime = first.times.first
        summary.lastTime = first.times.last
        if first.frameCount > 1 { summary.timeStep = first.times[1] - first.times[0] }
        summary.hasVelocities = first.velocities != nil
        summary.hasForces = first.forces != nil
        if let box = first.boxes?.first {
            func array(_ v: SIMD3<Double>) -> [Double] { [v.x, v.y, v.z] }
            summary.box = BoxSummary(lengths: array(box.lengths), angles: array(box.angles),
                                     vectors: [array(box.a), array(box.b), array(box.c)])
        }
        if frames > 2 {
            try reader.seek(toFrame: frames - 1)
            summary.lastTime = try reader.read(maxFrames: 1)?.times.first
        }
        return summary
    }

    /// The summary as lines a person reads.
    public var text: String {
        func number(_ value: Double?) -> String { value.map { String(format: "%g", $0) } ?? "n/a" }
        var lines = [
            "file        \(path)",
            "format      \(format.rawValue)",
            "frames      \(frames)",
            "atoms       \(atoms)",
            "time        \(number(firstTime)) to \(number(lastTime)) ps, step \(number(timeStep)) ps",
        ]
        if let box {
            lines.append(String(format: "box         %.5f %.5f %.5f nm, %.2f %.2f %.2f deg",
                                box.lengths[0], box.lengths[1], box.lengths[2],
                                box.angles[0], box.angles[1], box.angles[2]))
        } else {
            lines.append("box         none")
        }
        var content = ["positions"]
        if hasVelocities { content.append("velocities") }
        if hasForces { content.append("forces") }
        lines.append("holds       " + content.joined(separator: ", "))
        if let topology {
            lines.append("topology    \(topology.chains) chains, \(topology.residues) residues, \(topology.atoms) atoms, \(topology.bonds) bonds")
        }
        return lines.joined(separator: "\n")
    }
}
