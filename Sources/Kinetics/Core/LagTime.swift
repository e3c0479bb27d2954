/// Converts physical lag times (ps, as users give them) into frame counts.
public enum LagTime {
    /// The number of saved frames in `picoseconds`, for frames saved every `frameInterval` ps.
    ///
    /// A lag that is not a whole number of frames is refused rather than rounded: rounding would
    /// silently estimate a different process than the one asked for (DESIGN.md §1, "Lags").
    public static func frames(_ picoseconds: Double, frameInterval: Double, name: String = "lag") throws -> Int {
        guard picoseconds.isFinite, picoseconds > 0 else {
            throw KineticsError(.invalidArgument, "\(name) must be a positive time in ps, got \(picoseconds)")
        }
        guard frameInterval.isFinite, frameInterval > 0 else {
            throw KineticsError(.invalidArgument,
                                "the saved-frame interval must be positive to convert \(name), got \(frameInterval) ps")
        }
        let ratio = picoseconds / frameInterval
        let whole = ratio.rounded()
        guard whole >= 1, abs(ratio - whole) <= 1e-6 * max(1, ratio) else {
            throw KineticsError(.invalidArgument,
                                "\(name) \(picoseconds) ps is not a whole number of saved frames "
                                    + "(one frame every \(frameInterval) ps); choose a multiple of \(frameInterval) ps")
        }
        return Int(whole)
    }
}
