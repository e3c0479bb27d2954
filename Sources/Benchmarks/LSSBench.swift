/// The Latent Space Simulator benchmarks behind `lss bench lss` (bench/lss/README.md): training
/// epochs of the SRV, MDN and cWGAN-GP, parallel latent sampling against the sgemm bound, decoding,
/// and one paper-length trajectory end to end. bench/pytorch/lss_bench.py runs the same workloads
/// in PyTorch under the same (bench, metric, unit) names; `bench/compare.py lss` joins the two.
enum LSSBench {
    static func run(_ settings: BenchSettings, _ report: (BenchResult) -> Void) throws {
        try LSSTrainingBench.run(settings, report)
        try LSSSimulationBench.run(settings, report)
    }
}
