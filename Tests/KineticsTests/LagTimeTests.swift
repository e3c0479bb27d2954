import Foundation
import Kinetics
import Testing

@Suite struct LagTimeTests {
    @Test func wholeMultiplesConvert() throws {
        #expect(try LagTime.frames(10, frameInterval: 2) == 5)
        #expect(try LagTime.frames(0.3, frameInterval: 0.1) == 3)
    }

    @Test func fractionalLagsAreRefusedWithTheInterval() {
        #expect(throws: KineticsError.self) { try LagTime.frames(5, frameInterval: 2) }
        do {
            _ = try LagTime.frames(5, frameInterval: 2, name: "msm lag")
            Issue.record("expected an error")
        } catch let error as KineticsError {
            #expect(error.kind == .invalidArgument)
            #expect(error.problem.contains("msm lag") && error.problem.contains("2.0 ps"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func nonPositiveValuesAreRefused() {
        #expect(throws: KineticsError.self) { try LagTime.frames(0, frameInterval: 1) }
        #expect(throws: KineticsError.self) { try LagTime.frames(1, frameInterval: 0) }
        #expect(throws: KineticsError.self) { try LagTime.frames(.nan, frameInterval: 1) }
    }
}

@Suite struct ImpliedTimescaleTests {
    @Test func matchesTheDefinition() {
        // λ = e^(-τ/t) for t = 50 and τ = 5.
        let lambda = exp(-5.0 / 50.0)
        #expect(abs(ImpliedTimescales.timescale(eigenvalue: lambda, lag: 5) - 50) < 1e-9)
        #expect(ImpliedTimescales.timescale(eigenvalue: 1, lag: 5) == .infinity)
        #expect(ImpliedTimescales.timescale(eigenvalue: 0, lag: 5) == 0)
        #expect(ImpliedTimescales.timescale(eigenvalue: -lambda, lag: 5)
                == ImpliedTimescales.timescale(eigenvalue: lambda, lag: 5))
    }
}
