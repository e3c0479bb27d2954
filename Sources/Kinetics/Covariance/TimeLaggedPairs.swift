/// Which time-lagged pairs (x_t, x_{t+τ}) a trajectory of T frames contributes.
///
/// Pairs are formed within one trajectory, never across two. With lag τ and stride s the pair starts
/// are t = 0, s, 2s, … with t + τ < T: the stride thins the pairs *after* shifting by the lag, as
/// deeptime's `timeshifted_split(lagtime=τ, stride=s)` does (`X[:-τ][::s]`, `X[τ:][::s]`), so every
/// pair still spans exactly τ frames whatever the stride. A trajectory with T ≤ τ contributes no
/// pair and is skipped (deeptime refuses such input; lss accepts it so that a set of trajectories of
/// mixed length can be analysed at a long lag), and only a lag longer than every trajectory is an error.
public enum TimeLaggedPairs {
    /// The number of pairs a trajectory of `frames` frames gives: ⌈(T − τ)/s⌉, or 0 when T ≤ τ.
    public static func count(frames: Int, lag: Int, stride: Int = 1) -> Int {
        precondition(lag >= 1 && stride >= 1, "TimeLaggedPairs.count: lag and stride must be positive")
        let span = frames - lag
        return span <= 0 ? 0 : (span + stride - 1) / stride
    }

    /// Checks a lag and a stride before any data are read.
    public static func validate(lag: Int, stride: Int) throws {
        guard lag >= 1 else {
            throw KineticsError(.invalidArgument, "the lag must be at least 1 frame, got \(lag)")
        }
        guard stride >= 1 else {
            throw KineticsError(.invalidArgument, "the stride must be at least 1 frame, got \(stride)")
        }
    }

    /// The error for a lag that no trajectory is long enough for.
    static func lagTooLong(lag: Int, longest: Int, trajectories: Int) -> KineticsError {
        let set = trajectories == 1 ? "the trajectory has" : "the longest of \(trajectories) trajectories has"
        return KineticsError(.insufficientData,
                             "the lag of \(lag) frames is longer than every trajectory: \(set) \(longest) frames; "
                                 + "choose a lag below \(max(longest, 1)) frames or provide longer trajectories")
    }
}
