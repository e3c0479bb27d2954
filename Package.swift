// swift-tools-version:6.1
import PackageDescription

// MARK: - Code generation for the numeric kernels
//
// Release builds on x86-64 target Haswell (AVX2 + FMA): measured 2-3.5x on the elementwise
// kernels (tanh, exp, swish, Adam) against the baseline SSE2 target. `-target-cpu` is an
// unsafe flag, and SwiftPM refuses unsafe flags in a package that is a versioned dependency,
// so the flag is applied only when lss is the package being built, never when it is checked
// out as someone else's dependency. The environment variable LSS_TARGET_CPU overrides:
//   LSS_TARGET_CPU=none      portable build (any x86-64, or to silence unsafe flags entirely)
//   LSS_TARGET_CPU=znver4    any CPU name that `swiftc -target-cpu` accepts
// LSS_FMA=0 turns off the explicit fused multiply-add path (needed with an x86-64 CPU older than
// Haswell, where FMA would become a slow library call). On aarch64 FMA is always native and no
// unsafe flag is used.
let environment = Context.environment
let isDependencyCheckout = Context.packageDirectory.contains("/checkouts/")

func kernelSettings() -> [SwiftSetting] {
    var settings: [SwiftSetting] = []
    #if arch(x86_64)
    let cpu = environment["LSS_TARGET_CPU"] ?? (isDependencyCheckout ? "none" : "haswell")
    let useCPU = !cpu.isEmpty && cpu != "none"
    if useCPU {
        settings.append(.unsafeFlags(["-target-cpu", cpu], .when(configuration: .release)))
    }
    let fmaDefault = useCPU ? "1" : "0"
    #else
    let fmaDefault = "1"
    #endif
    if (environment["LSS_FMA"] ?? fmaDefault) == "1" {
        settings.append(.define("LSS_FMA", .when(configuration: .release)))
    }
    return settings
}

let kernels = kernelSettings()

// LSS_CORE_ONLY=1 builds only the targets without package dependencies (system libraries,
// NeuralNet, Trajectories, Kinetics, Plots, LatentSimulator, Engines and their tests): no dependency is
// fetched or compiled, which makes a first debug build of the numeric core take seconds, not minutes.
let coreOnly = environment["LSS_CORE_ONLY"] == "1"

let externalPackages: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
]

let coreTargets: [Target] = [
    // System libraries, found through pkg-config.
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                   providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
    .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CNetCDF", pkgConfig: "netcdf", providers: [.apt(["libnetcdf-dev"])]),

    // Libraries (DESIGN.md §2).
    .target(name: "NeuralNet", dependencies: ["CBLAS"], swiftSettings: kernels),
    .target(name: "Trajectories", dependencies: ["CHDF5", "CNetCDF"], swiftSettings: kernels),
    .target(name: "Kinetics", dependencies: ["NeuralNet", "Trajectories", "CBLAS"], swiftSettings: kernels),
    .target(name: "Plots"),
    .target(name: "LatentSimulator",
            dependencies: ["NeuralNet", "Kinetics", "Trajectories"], swiftSettings: kernels),
    .target(name: "Engines", dependencies: ["Trajectories"]),

    // Coverage-guided fuzzing of the trajectory readers (fuzz/README.md); a plain build replays inputs.
    .executableTarget(name: "FuzzTrajectories", dependencies: ["Trajectories"]),

    .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"]),
    .testTarget(name: "SystemLibraryTests", dependencies: ["CHDF5", "CNetCDF"]),
    // Shared by the test targets: temporary directories, running reference programs, fixtures.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "TrajectoriesTests", dependencies: ["Trajectories", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "KineticsTests", dependencies: ["Kinetics", "Trajectories", "NeuralNet", "TestSupport"],
                exclude: ["Fixtures"], swiftSettings: kernels),
    .testTarget(name: "PlotsTests", dependencies: ["Plots", "TestSupport"]),
    .testTarget(name: "LatentSimulatorTests",
                dependencies: ["LatentSimulator", "Kinetics", "NeuralNet", "Trajectories", "TestSupport"],
                exclude: ["Fixtures"], swiftSettings: kernels),
]

let applicationTargets: [Target] = [
    .target(name: "Scheduling", dependencies: [.product(name: "Logging", package: "swift-log")]),
    .target(name: "Campaign", dependencies: [
        "LatentSimulator", "Kinetics", "Engines", "Scheduling", "Trajectories",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "TOMLKit", package: "TOMLKit"),
        .product(name: "Logging", package: "swift-log"),
    ]),
    .target(name: "Benchmarks", dependencies: ["NeuralNet", "Trajectories", "Kinetics", "LatentSimulator", "CBLAS"],
            swiftSettings: kernels),

    // `lss analyze` run as a user runs it: the built binary, checked against exact answers and deeptime.
    .testTarget(name: "AnalyzeCommandTests", dependencies: ["lss", "Kinetics", "TestSupport"]),
    // `lss train`, `simulate` and `validate` end to end: the four-well potential and OpenMM alanine dipeptide.
    .testTarget(name: "ModelCommandTests", dependencies: ["lss", "Kinetics", "Trajectories", "TestSupport"],
                exclude: ["Fixtures"]),

    // The command-line tool: a thin layer over the libraries.
    .executableTarget(name: "lss", dependencies: [
        "Campaign", "LatentSimulator", "Trajectories", "Kinetics", "Plots", "Benchmarks",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
    ]),
]

let coreLibraries = ["NeuralNet", "Trajectories", "Kinetics", "Plots", "LatentSimulator", "Engines"]

let package = Package(
    name: "lss",
    platforms: [.macOS(.v13)],
    products: coreLibraries.map { Product.library(name: $0, targets: [$0]) } + (coreOnly ? [] : [
        .executable(name: "lss", targets: ["lss"]),
        .library(name: "Scheduling", targets: ["Scheduling"]),
        .library(name: "Campaign", targets: ["Campaign"]),
    ]),
    dependencies: coreOnly ? [] : externalPackages,
    targets: coreOnly ? coreTargets : coreTargets + applicationTargets
)
