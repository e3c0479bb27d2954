/// Per-frame weights that turn data from many short, non-equilibrium trajectories into equilibrium
/// averages (DESIGN.md §4): each frame in state s gets π_s / N_s, the MSM's stationary probability of
/// its state shared among the frames that visited it. Frames outside the MSM's active set get 0.
/// Histograms and free energies computed with these weights estimate the equilibrium distribution
/// at the resolution of the states.
public enum MSMReweighting {
    public static func frameWeights(_ trajectories: [[Int]], model: MarkovStateModel) throws -> [[Double]] {
        var visits = [Double](repeating: 0, count: model.fullStateCount)
        for trajectory in trajectories {
            for state in trajectory {
                guard state >= 0 && state < model.fullStateCount else {
                    throw KineticsError(.mismatch, "MSM reweighting: state \(state) is outside the model's \(model.fullStateCount) states")
                }
                visits[state] += 1
            }
        }
        let stationary = model.fullStationaryDistribution
        let total = Double(trajectories.reduce(0) { $0 + $1.count })
        // Scaled so the weights sum to the frame count: each frame weighs 1 on average.
        return trajectories.map { trajectory in
            trajectory.map { state in visits[state] > 0 ? stationary[state] / visits[state] * total : 0 }
        }
    }
}
