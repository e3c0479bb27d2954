import Foundation
import NeuralNet
import Trajectories

/// Where feature time series come from: MD trajectories featurized on the fly, or tables of
/// collective variables that another program wrote (.npy, PLUMED COLVAR, GROMACS .xvg, CSV).
///
/// One source serves every analysis: it streams trajectory after trajectory in chunks (features are
/// computed chunk by chunk, so a long trajectory never sits in memory as coordinates), or loads the
/// whole feature matrix of each when the analysis needs random access. Every trajectory is one
/// time series; time-lagged pairs never cross from one to the next.
public struct FeatureSource: Sendable {
    /// How the files of a source become features.
    public enum Kind: Sendable {
        /// Trajectory files featurized with a featurizer built from their topology.
        case trajectories(featurizer: any Featurizer)
        /// Tables of numbers, one frame per row; `columns` are the 0-based columns kept.
        case tables(columns: [Int]?)
    }

    public let paths: [String]
    public let kind: Kind
    /// Frames kept from each file (begin, end, stride).
    public let range: FrameRange
    /// The interval between kept frames in ps when the caller knows it better than the files.
    public let frameIntervalOverride: Double?
    /// One name per feature column.
    public let labels: [String]

    /// Trajectory files featurized with `featurizer` (its atom count must match every file).
    public init(trajectories paths: [String], featurizer: any Featurizer, range: FrameRange = .all,
                frameInterval: Double? = nil) throws {
        try Self.checkPaths(paths)
        self.paths = paths
        kind = .trajectories(featurizer: featurizer)
        self.range = range
        frameIntervalOverride = frameInterval
        labels = featurizer.labels
    }

    /// Tables of collective variables. `columns` picks columns by name (a PLUMED field or CSV header)
    /// or by 1-based number; nil keeps every column except a leading "time" column. Without
    /// `frameInterval`, a "time" column supplies the interval.
    public init(tables paths: [String], columns: [String]? = nil, range: FrameRange = .all,
                frameInterval: Double? = nil) throws {
        try Self.checkPaths(paths)
        let first = try TableFile.read(paths[0])
        let indices: [Int]
        if let columns {
            indices = try columns.map { try TableFile.columnIndex($0, names: first.names, path: paths[0]) }
        } else {
            let skipTime = first.names.first?.lowercased() == "time" && first.names.count > 1
            indices = Array((skipTime ? 1 : 0)..<first.names.count)
        }
        self.paths = paths
        kind = .tables(columns: indices)
        self.range = range
        frameIntervalOverride = frameInterval
        labels = indices.map { first.names[$0] }
    }

    private static func checkPaths(_ paths: [String]) throws {
        guard !paths.isEmpty else { throw KineticsError(.insufficientData, "no input files were given") }
        for path in paths where !FileManager.default.isReadableFile(atPath: path) {
            throw KineticsError(.invalidArgument, "\(path): no such readable file")
        }
    }

    /// True when `path` names a table of numbers rather than a trajectory, by its extension.
    public static func isTable(_ path: String) -> Bool {
        TableFile.extensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
            || URL(fileURLWithPath: path).lastPathComponent.uppercased().hasPrefix("COLVAR")
    }

    public var featureCount: Int { labels.count }

    /// Streams every file in order, handing over chunks of at most `chunkFrames` rows with the index
    /// of the file they come from. Files are visited one at a time, chunks of one file in order.
    public func forEachChunk(chunkFrames: Int = 1000,
                             _ body: (_ trajectory: Int, _ chunk: DoubleMatrix) throws -> Void) throws {
        for (index, path) in paths.enumerated() {
            switch kind {
            case .trajectories(let featurizer):
                let reader = try TrajectoryFile.openReader(path)
                defer { reader.close() }
                let stream = try TrajectoryStream(reader: reader, range: range, chunkSize: chunkFrames)
                while let chunk = try stream.next() {
                    do {
                        try body(index, try featurizer.featurize(chunk))
                    } catch let error as KineticsError {
                        throw KineticsError(error.kind, "\(path): \(error.problem)")
                    }
                }
            case .tables:
                let table = try loadTable(index)
                var start = 0
                while start < table.rows {
                    let end = min(table.rows, start + chunkFrames)
                    try body(index, DoubleMatrix(rows: end - start, cols: table.cols,
                                                 values: Array(table.values[(start * table.cols)..<(end * table.cols)])))
                    start = end
                }
            }
        }
    }

    /// The whole feature matrix of every file.
    public func load() throws -> [DoubleMatrix] {
        var rows = [[Double]](repeating: [], count: paths.count)
        try forEachChunk { index, chunk in rows[index].append(contentsOf: chunk.values) }
        return rows.map { DoubleMatrix(rows: $0.count / max(featureCount, 1), cols: featureCount, values: $0) }
    }

    /// The interval between kept frames in ps (after the stride), the same for every file.
    /// Throws when the files disagree, or when nothing says what it is.
    public func frameInterval() throws -> Double {
        if let frameIntervalOverride {
            guard frameIntervalOverride > 0, frameIntervalOverride.isFinite else {
                throw KineticsError(.invalidArgument, "the frame interval must be a positive time in ps, got \(frameIntervalOverride)")
            }
            return frameIntervalOverride * Double(range.stride)
        }
        var found: (path: String, interval: Double)?
        for path in paths {
            let interval = try rawFrameInterval(path) * Double(range.stride)
            if let found, abs(found.interval - interval) > 1e-6 * max(abs(interval), 1e-12) {
                throw KineticsError(.mismatch,
                                    "\(path) saves a frame every \(interval) ps but \(found.path) every \(found.interval) ps; analyse them separately or resample one")
            }
            if found == nil { found = (path, interval) }
        }
        return found?.interval ?? 1
    }

    /// Interval between consecutive saved frames of one file, before the stride.
    private func rawFrameInterval(_ path: String) throws -> Double {
        switch kind {
        case .trajectories:
            let reader = try TrajectoryFile.openReader(path)
            defer { reader.close() }
            guard let chunk = try reader.read(maxFrames: 2), chunk.frameCount == 2 else {
                throw KineticsError(.insufficientData, "\(path) has fewer than two frames, so its frame interval is unknown; give it explicitly (--dt)")
            }
            let interval = chunk.times[1] - chunk.times[0]
            guard interval > 0, interval.isFinite else {
                throw KineticsError(.invalidArgument, "\(path): its frame times do not increase (\(chunk.times[0]), \(chunk.times[1]) ps); give the interval explicitly (--dt)")
            }
            return interval
        case .tables:
            let table = try TableFile.read(path)
            guard table.names.first?.lowercased() == "time", table.values.rows >= 2 else {
                throw KineticsError(.invalidArgument, "\(path) has no time column, so its frame interval is unknown; give it explicitly (--dt, in ps)")
            }
            let interval = table.values[1, 0] - table.values[0, 0]
            guard interval > 0 else {
                throw KineticsError(.invalidArgument, "\(path): the time column does not increase; give the interval explicitly (--dt)")
            }
            return interval
        }
    }

    /// The kept rows and columns of table `index`.
    private func loadTable(_ index: Int) throws -> DoubleMatrix {
        guard case .tables(let columns) = kind else { preconditionFailure("loadTable on a trajectory source") }
        let path = paths[index]
        let table = try TableFile.read(path)
        let kept = columns ?? Array(0..<table.values.cols)
        if let bad = kept.first(where: { $0 >= table.values.cols }) {
            throw KineticsError(.mismatch, "\(path) has \(table.values.cols) columns; column \(bad + 1) does not exist")
        }
        let interval = frameIntervalOverride
            ?? (table.names.first?.lowercased() == "time" && table.values.rows >= 2 ? table.values[1, 0] - table.values[0, 0] : 1)
        func position(_ bound: FrameRange.Bound?, default value: Int) -> Int {
            switch bound {
            case .frame(let f)?: return f
            case .time(let t)?: return Int((t / interval).rounded(.up))
            case nil: return value
            }
        }
        let begin = min(position(range.begin, default: 0), table.values.rows)
        var end = min(position(range.end, default: table.values.rows), table.values.rows)
        if case .time? = range.end { end = min(end + 1, table.values.rows) }   // time bounds include the end
        var values = [Double]()
        var rows = 0
        for row in Swift.stride(from: begin, to: max(begin, end), by: range.stride) {
            for column in kept { values.append(table.values[row, column]) }
            rows += 1
        }
        return DoubleMatrix(rows: rows, cols: kept.count, values: values)
    }
}

/// A table of numbers from .npy or text, with column names where the file has them.
enum TableFile {
    static let extensions: Set<String> = ["npy", "txt", "dat", "csv", "xvg", "colvar", "tsv"]

    static func read(_ path: String) throws -> (values: DoubleMatrix, names: [String]) {
        if path.lowercased().hasSuffix(".npy") {
            let values = try NumpyArrayFile.read(path)
            return (values, (1...max(values.cols, 1)).map { "column \($0)" })
        }
        let table = try ColumnTextFile(path: path)
        return (table.values, table.names)
    }

    /// A column by name or 1-based number.
    static func columnIndex(_ key: String, names: [String], path: String) throws -> Int {
        if let index = names.firstIndex(of: key) { return index }
        if let number = Int(key), number >= 1, number <= names.count { return number - 1 }
        throw KineticsError(.invalidArgument,
                            "\(path) has no column '\(key)'; its columns are \(names.joined(separator: ", ")) (or numbers 1 to \(names.count))")
    }
}
