import Foundation

/// The `lss` executable of this build (built because the test target depends on it), run the way a
/// user runs it.
public enum LSSBinary {
    public static var path: String {
        // The test bundle sits in the build directory beside the executables.
        let bundle = Bundle.main.bundleURL
        for directory in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("lss").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return Repository.root.appendingPathComponent(".build/release/lss").path
    }

    /// Runs lss with `arguments`; returns standard output (throws `ProcessFailure` on a non-zero exit).
    @discardableResult
    public static func run(_ arguments: [String], in directory: String? = nil) throws -> String {
        try runProgram(path, arguments, in: directory)
    }

    /// Runs lss expecting failure; returns the combined output.
    public static func failure(_ arguments: [String], in directory: String? = nil) throws -> String? {
        do {
            _ = try runProgram(path, arguments, in: directory)
            return nil
        } catch let failure as ProcessFailure {
            return failure.output
        }
    }
}

extension LSSBinary {
    /// A decoder for lss's JSON output, which writes non-finite numbers as "inf", "-inf" and "nan".
    public static var jsonDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        return decoder
    }
}
