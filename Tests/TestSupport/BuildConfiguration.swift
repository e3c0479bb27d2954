/// How the tests were compiled. Simulation- and training-heavy tests run only in optimized
/// (release) builds: debug builds of the numeric kernels are about 30x slower.
public enum BuildConfiguration {
    public static var isOptimized: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }
}
