import Foundation

// Two builds of one harness (see fuzz/README.md):
// - with `-sanitize=fuzzer -D LSS_LIBFUZZER`: a libFuzzer target; libFuzzer supplies `main` and
//   calls LLVMFuzzerTestOneInput with coverage-guided inputs;
// - without: `FuzzTrajectories INPUT...` replays saved inputs (a corpus, or a crash to reproduce),
//   and `FuzzTrajectories --make-corpus DIR` writes a seed corpus of valid files, one per format.

#if LSS_LIBFUZZER
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ReaderExercise.run(UnsafeRawBufferPointer(start: data, count: size), scratch: scratchDirectory)
    return 0
}
#else
@main
struct ReplayInputs {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        if paths.first == "--make-corpus", paths.count == 2 {
            do {
                try SeedCorpus.write(to: paths.last!)
                exit(0)
            } catch {
                print("cannot write the corpus: \(error)")
                exit(1)
            }
        }
        guard !paths.isEmpty else {
            print("usage: FuzzTrajectories INPUT...          replay inputs (a format selector byte, then file bytes)")
            print("       FuzzTrajectories --make-corpus DIR  write a seed corpus")
            exit(2)
        }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot read"); continue
            }
            data.withUnsafeBytes { ReaderExercise.run($0, scratch: scratchDirectory) }
            print("\(path): ok")
        }
    }
}
#endif

/// /dev/shm when it exists (no disk traffic per input), else the temporary directory.
let scratchDirectory: String = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm"
    : FileManager.default.temporaryDirectory.path
