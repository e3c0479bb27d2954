/// Two atoms of the decoded selection (indices into the selection, not the full topology).
public struct AtomPair: Codable, Sendable, Equatable, Hashable {
    public var first: Int
    public var second: Int
    public init(_ first: Int, _ second: Int) {
        self.first = min(first, second)
        self.second = max(first, second)
    }
}

/// Structural sanity of a set of frames (decoded or MD): bond lengths, clashes, chirality.
public struct StructureReport: Codable, Sendable, Equatable {
    public var frameCount: Int
    /// The mean over bonds of each bond's mean length (nm).
    public var bondLengthMean: Double
    /// √(mean over bonds and frames of (ℓ − ℓ_ref)²) (nm), ℓ_ref the reference structure's length.
    public var bondLengthDeviation: Double
    /// The bonds checked (selection indices), and per bond: the reference length, the mean length
    /// over the frames and its standard deviation (nm). Comparing `bondMeans` of decoded frames with
    /// an MD report's `bondMeans` and `bondDeviations` is the acceptance test of the decoder
    /// (`bondMeanShifts(relativeTo:)`).
    public var bonds: [AtomPair]
    public var referenceBondLengths: [Double]
    public var bondMeans: [Double]
    public var bondDeviations: [Double]
    /// Frames with any heavy-atom pair at least three bonds apart closer than `clashDistance`.
    public var clashFraction: Double
    public var clashDistance: Double
    /// The shortest such distance in any frame (nm; infinity without candidate pairs).
    public var closestContact: Double
    /// Frames whose handedness is inverted relative to the reference: more than half of the chiral
    /// centres inverted (heavy atoms), or a negative handedness score of the Cα pseudo-dihedrals.
    public var mirrorFraction: Double
    /// Frames with at least one chiral centre inverted (a D-residue), 0 for Cα traces.
    public var invertedCentreFraction: Double
    /// How chirality was judged: "centres" (N, C, CB around each CA), "pseudo-dihedrals" (Cα
    /// trace) or "none" (nothing chiral among the decoded atoms; mirror images cannot be told).
    public var chiralityMethod: String

    public init(frameCount: Int, bondLengthMean: Double, bondLengthDeviation: Double, bonds: [AtomPair],
                referenceBondLengths: [Double], bondMeans: [Double], bondDeviations: [Double], clashFraction: Double,
                clashDistance: Double, closestContact: Double, mirrorFraction: Double, invertedCentreFraction: Double,
                chiralityMethod: String) {
        self.frameCount = frameCount
        self.bondLengthMean = bondLengthMean
        self.bondLengthDeviation = bondLengthDeviation
        self.bonds = bonds
        self.referenceBondLengths = referenceBondLengths
        self.bondMeans = bondMeans
        self.bondDeviations = bondDeviations
        self.clashFraction = clashFraction
        self.clashDistance = clashDistance
        self.closestContact = closestContact
        self.mirrorFraction = mirrorFraction
        self.invertedCentreFraction = invertedCentreFraction
        self.chiralityMethod = chiralityMethod
    }

    /// Per bond, |mean here − mean there| / (standard deviation there): below 1 when these frames'
    /// bonds are off the other set's (MD's) mean by less than its own fluctuation. Both reports must
    /// come from the same `StructureCheck`.
    public func bondMeanShifts(relativeTo other: StructureReport) -> [Double] {
        precondition(other.bonds == bonds, "bondMeanShifts: the reports check different bonds")
        return zip(bondMeans, zip(other.bondMeans, other.bondDeviations)).map { mean, reference in
            abs(mean - reference.0) / max(reference.1, 1e-12)
        }
    }
}
