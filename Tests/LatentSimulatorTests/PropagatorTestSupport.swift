import Foundation
import LatentSimulator
import NeuralNet

/// Helpers shared by the MDN propagator tests.
enum PropagatorTestSupport {
    /// Whether the tests were compiled with optimization: training tests need release builds.
    static var optimizedBuild: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }
}
