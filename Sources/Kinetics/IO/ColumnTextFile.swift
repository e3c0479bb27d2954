import Foundation
import NeuralNet

/// Plain-text tables of numbers, one frame per line: PLUMED COLVAR files, GROMACS .xvg output,
/// CSV or whitespace-separated columns, the usual way collective variables reach an analysis.
///
/// Lines starting with '#' or '@' are comments (xvg legends, PLUMED's "#! FIELDS" line, which
/// supplies the column names when present). Separators are commas, tabs or spaces.
public struct ColumnTextFile: Sendable {
    public let values: DoubleMatrix
    /// Column names from a PLUMED "#! FIELDS" line or a CSV header, else "column 1", "column 2", ...
    public let names: [String]

    public init(path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw KineticsError(.invalidArgument, "\(path): cannot read the file (\(error.localizedDescription))")
        }
        var names: [String] = []
        var rows: [[Double]] = []
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#! FIELDS") {
                names = line.dropFirst("#! FIELDS".count).split(whereSeparator: \.isWhitespace).map(String.init)
                continue
            }
            if line.hasPrefix("#") || line.hasPrefix("@") { continue }
            let fields = line.split(whereSeparator: { $0 == "," || $0 == "\t" || $0 == " " }).map(String.init)
            let numbers = fields.compactMap { Double($0) }
            if numbers.count != fields.count {
                // A first non-numeric line is a CSV header.
                if rows.isEmpty && names.isEmpty { names = fields; continue }
                throw KineticsError(.invalidArgument,
                                    "\(path), line \(index + 1): '\(line.prefix(60))' is not a row of numbers")
            }
            if let first = rows.first, first.count != numbers.count {
                throw KineticsError(.mismatch,
                                    "\(path), line \(index + 1): \(numbers.count) columns where earlier lines have \(first.count)")
            }
            if let bad = numbers.firstIndex(where: { !$0.isFinite }) {
                throw KineticsError(.invalidArgument, "\(path), line \(index + 1): column \(bad + 1) is not finite")
            }
            rows.append(numbers)
        }
        guard let first = rows.first else { throw KineticsError(.insufficientData, "\(path): no rows of numbers") }
        let columns = first.count
        if names.count != columns { names = (1...columns).map { "column \($0)" } }
        self.names = names
        values = DoubleMatrix(rows: rows.count, cols: columns, values: rows.flatMap { $0 })
    }
}
