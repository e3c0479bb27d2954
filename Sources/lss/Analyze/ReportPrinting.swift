import Foundation
import Kinetics
import LatentSimulator
import NeuralNet
import Plots

/// Printing of `lss analyze` results: aligned text tables for people, one JSON document for scripts.
enum ReportPrinting {
    /// Non-finite numbers that reach here are written as "inf", "-inf" or "nan" (JSONCoding).
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONCoding.encoder()
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Columns padded to their widest cell; the first column left-aligned, the others right-aligned.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: max(0, widths[column] - cell.count))
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// A number in at most four significant digits, "∞" for infinity, "-" for a missing value.
    static func number(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value.isNaN { return "-" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.3e", value) }
        return String(format: "%.4g", value)
    }

    /// A value JSON can carry: non-finite numbers become null.
    static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }

    /// Saves one matrix per input as .npy: `path` itself for one input, NAME-K.npy for several.
    /// Returns the paths written.
    static func saveNumpy(_ matrices: [DoubleMatrix], to path: String) throws -> [String] {
        try matrices.enumerated().map { k, matrix in
            let target = matrices.count == 1 ? path : String(path.dropLast(4)) + "-\(k).npy"
            try NumpyArrayFile.write(matrix, to: target)
            return target
        }
    }

    /// Writes the figure when an output path was asked for, and says where it went.
    static func writeFigure(_ figure: () throws -> Figure, to path: String?, quiet: Bool) throws {
        guard let path else { return }
        _ = try figure().write(to: path)
        if !quiet { print("plot written to \(path)") }
    }
}
