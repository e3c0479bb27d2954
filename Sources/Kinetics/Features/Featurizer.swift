import NeuralNet
import Trajectories

/// Turns frames into rows of features: roto-translationally invariant descriptors (DESIGN.md §1).
///
/// A featurizer is built once from a topology and then applied chunk after chunk, so a trajectory
/// of any length streams through it. Results are Float64: one row per frame, one column per
/// feature, in the order of `labels`.
public protocol Featurizer: Sendable {
    /// Number of columns `featurize` produces.
    var featureCount: Int { get }
    /// One human-readable name per feature, e.g. "dist CA 3 - CA 7" or "phi ALA 2 cos".
    var labels: [String] { get }
    /// Atoms every chunk must have (the topology's atom count).
    var atomCount: Int { get }
    /// Writes the features of every frame of `chunk` into columns `column ..< column + featureCount`
    /// of `output` (which has `chunk.frameCount` rows). Used to concatenate featurizers without
    /// copies; callers normally use `featurize(_:)`.
    func write(_ chunk: FrameChunk, into output: inout DoubleMatrix, column: Int) throws
}

extension Featurizer {
    /// The features of every frame of `chunk`: frames × `featureCount`.
    public func featurize(_ chunk: FrameChunk) throws -> DoubleMatrix {
        try checkChunk(chunk)
        var output = DoubleMatrix(rows: chunk.frameCount, cols: featureCount)
        try write(chunk, into: &output, column: 0)
        return output
    }

    /// Throws unless `chunk` has this featurizer's atom count.
    func checkChunk(_ chunk: FrameChunk) throws {
        guard chunk.atomCount == atomCount else {
            throw KineticsError(.mismatch,
                                "the frames have \(chunk.atomCount) atoms but the features were defined on a topology of \(atomCount) atoms; use the topology of this trajectory")
        }
    }
}

extension Topology {
    /// "ALA 3" (residue name and number as the file writes them, with any insertion code).
    func residueLabel(_ residueIndex: Int) -> String {
        let residue = residues[residueIndex]
        return "\(residue.name) \(residue.number)\(residue.insertionCode)"
    }

    /// "CA 3": atom name and residue number.
    func atomLabel(_ atomIndex: Int) -> String {
        let atom = atoms[atomIndex]
        let residue = residues[atom.residueIndex]
        return "\(atom.name) \(residue.number)\(residue.insertionCode)"
    }

    /// The atoms of an `AtomSelection` text; a bad text or an empty result throws a
    /// `KineticsError` naming the selection and what it is for.
    func selectAtoms(_ text: String, for purpose: String) throws -> [Int] {
        let selection: AtomSelection
        do { selection = try AtomSelection(text) } catch {
            throw KineticsError(.invalidArgument, "\(purpose): \(error.description)")
        }
        let indices = selection.indices(in: self)
        guard !indices.isEmpty else {
            throw KineticsError(.emptySelection, "\(purpose): the selection \"\(text)\" matches no atom of the topology")
        }
        return indices
    }

    /// True when the two residues are in the same chain and at most `separation` residues apart.
    func areNeighbours(_ r1: Int, _ r2: Int, within separation: Int) -> Bool {
        residues[r1].chainIndex == residues[r2].chainIndex && abs(r1 - r2) <= separation
    }
}

extension Featurizer {
    /// The features of a whole trajectory, read `chunkFrames` frames at a time (so memory holds
    /// one chunk of positions plus the result), keeping every `stride`-th frame of the file
    /// (frames 0, stride, 2·stride, ...).
    public func featurize(_ reader: TrajectoryReader, chunkFrames: Int = 4096, stride: Int = 1) throws -> DoubleMatrix {
        guard chunkFrames > 0, stride > 0 else {
            throw KineticsError(.invalidArgument, "chunk size and stride must be positive, got \(chunkFrames) and \(stride)")
        }
        guard reader.atomCount == atomCount else {
            throw KineticsError(.mismatch,
                                "\(reader.path) has \(reader.atomCount) atoms but the features were defined on a topology of \(atomCount) atoms")
        }
        var values = [Double]()
        var rows = 0
        while let chunk = try reader.read(maxFrames: chunkFrames) {
            let kept = (0 ..< chunk.frameCount).filter { (chunk.firstFrame + $0) % stride == 0 }
            guard !kept.isEmpty else { continue }
            let part = try featurize(kept.count == chunk.frameCount ? chunk : chunk.selecting(frames: kept))
            values += part.values
            rows += part.rows
        }
        return DoubleMatrix(rows: rows, cols: featureCount, values: values)
    }
}
