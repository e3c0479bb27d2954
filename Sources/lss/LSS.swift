import ArgumentParser

@main
struct LSS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lss",
        abstract: "Adaptive sampling campaigns around a Latent Space Simulator.",
        subcommands: [TrainCommand.self, SimulateCommand.self, ValidateCommand.self, EncodeCommand.self, AnalyzeCommand.self,
                      TrajCommand.self, BenchCommand.self])
}
