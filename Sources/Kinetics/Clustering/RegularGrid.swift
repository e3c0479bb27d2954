import NeuralNet

/// A fixed regular grid over feature space: each dimension's range [lower, upper) is cut into equal
/// bins, and a frame's state is its cell's index in row-major order (the last dimension fastest).
///
/// A discretization with no fitted parameters, the natural choice for one or two collective variables
/// (the four-well test uses a fine 1-D grid). Frames outside the range are put in the edge bin of each
/// dimension that they leave, so every frame gets a state; choose the range to cover the data.
public struct RegularGrid: Codable, Sendable, Equatable {
    public let lower: [Double]
    public let upper: [Double]
    public let bins: [Int]

    public init(lower: [Double], upper: [Double], bins: [Int]) throws {
        guard !bins.isEmpty, lower.count == bins.count, upper.count == bins.count else {
            throw KineticsError(.mismatch, "a regular grid needs one lower bound, one upper bound and one bin count per dimension "
                                    + "(got \(lower.count), \(upper.count) and \(bins.count))")
        }
        for t in 0..<bins.count {
            guard bins[t] >= 1 else {
                throw KineticsError(.invalidArgument, "regular grid: dimension \(t) needs at least 1 bin, got \(bins[t])")
            }
            guard lower[t].isFinite, upper[t].isFinite, upper[t] > lower[t] else {
                throw KineticsError(.invalidArgument,
                                    "regular grid: dimension \(t) needs finite bounds with lower < upper, got [\(lower[t]), \(upper[t])]")
            }
        }
        let total = bins.reduce(1.0) { $0 * Double($1) }
        guard total <= Double(Int32.max) else {
            throw KineticsError(.invalidArgument, "regular grid: \(Int(total)) cells are too many; use fewer bins")
        }
        self.lower = lower
        self.upper = upper
        self.bins = bins
    }

    /// A one-dimensional grid of `bins` equal bins on [lower, upper).
    public init(lower: Double, upper: Double, bins: Int) throws {
        try self.init(lower: [lower], upper: [upper], bins: [bins])
    }

    public var dimensions: Int { bins.count }
    public var stateCount: Int { bins.reduce(1, *) }

    /// The state of one point (`dimensions` values).
    public func state(of point: UnsafePointer<Double>) -> Int {
        var index = 0
        for t in 0..<bins.count {
            let width = (upper[t] - lower[t]) / Double(bins[t])
            let position = ((point[t] - lower[t]) / width).rounded(.down)
            let bin = position < 0 ? 0 : (position >= Double(bins[t]) ? bins[t] - 1 : Int(position))
            index = index * bins[t] + bin
        }
        return index
    }

    /// The state of one point.
    public func state(of point: [Double]) -> Int {
        precondition(point.count == dimensions, "RegularGrid.state: point has \(point.count) values, grid has \(dimensions) dimensions")
        return point.withUnsafeBufferPointer { state(of: $0.baseAddress!) }
    }

    /// The centre of a state's cell.
    public func center(ofState state: Int) -> [Double] {
        precondition(state >= 0 && state < stateCount, "RegularGrid.center: state \(state) out of range")
        var remainder = state
        var point = [Double](repeating: 0, count: dimensions)
        for t in stride(from: dimensions - 1, through: 0, by: -1) {
            let bin = remainder % bins[t]
            remainder /= bins[t]
            let width = (upper[t] - lower[t]) / Double(bins[t])
            point[t] = lower[t] + (Double(bin) + 0.5) * width
        }
        return point
    }

    /// The discrete trajectories of `trajectories` (frames × `dimensions` each).
    public func assign(_ trajectories: [DoubleMatrix]) throws -> [[Int]] {
        try trajectories.enumerated().map { index, trajectory in
            guard trajectory.cols == dimensions || trajectory.rows == 0 else {
                throw KineticsError(.mismatch, "regular grid: trajectory \(index) has \(trajectory.cols) features "
                                        + "but the grid has \(dimensions) dimensions")
            }
            guard trajectory.values.allSatisfy(\.isFinite) else {
                throw KineticsError(.numerical, "regular grid: trajectory \(index) contains NaN or infinite values")
            }
            return trajectory.values.withUnsafeBufferPointer { x in
                (0..<trajectory.rows).map { state(of: x.baseAddress! + $0 * dimensions) }
            }
        }
    }
}
