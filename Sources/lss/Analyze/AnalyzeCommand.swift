import ArgumentParser

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "The kinetics toolbox: features, TICA, Markov state models and free energies of MD data.",
        discussion: """
            Inputs are trajectories (with --topology and --features) or tables of collective \
            variables (.npy, PLUMED COLVAR, GROMACS .xvg, CSV; --columns picks columns). Each input \
            file is one trajectory: time-lagged pairs never cross from one file to the next. Lags \
            are times (10ps, 1ns) or frame counts (a bare number), and a lag that is not a whole \
            number of saved frames is refused.
            """,
        subcommands: [AnalyzeFeaturesCommand.self, AnalyzeTICACommand.self, AnalyzeMSMCommand.self,
                      AnalyzeFESCommand.self])
}
