import Foundation

// Two builds of one harness (see fuzz/README.md):
// - with `-sanitize=fuzzer -D LSS_LIBFUZZER`: a libFuzzer target; `main` hands control to
//   libFuzzer's driver, which calls back with coverage-guided inputs;
// - without: `FuzzTrajectories INPUT...` replays saved inputs (a corpus, or a crash to reproduce),
//   and `FuzzTrajectories --make-corpus DIR` writes a seed corpus of valid files, one per format.

#if LSS_LIBFUZZER
/// libFuzzer's entry for programs that keep their own `main` (SwiftPM renames an executable's main,
/// so libFuzzer's would never run).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
struct FuzzReaders {
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count == 3 && arguments[1] == "--make-corpus" { makeCorpus(arguments[2]) }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in
            guard let data else { return 0 }
            ReaderExercise.run(UnsafeRawBufferPointer(start: data, count: size), scratch: scratchDirectory)
            return 0
        })
    }
}
#else
@main
struct ReplayInputs {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        if paths.first == "--make-corpus", paths.count == 2 { makeCorpus(paths.last!) }
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

/// Writes the seed corpus and exits.
func makeCorpus(_ directory: String) -> Never {
    do {
        try SeedCorpus.write(to: directory)
        exit(0)
    } catch {
        print("cannot write the corpus: \(error)")
        exit(1)
    }
}
