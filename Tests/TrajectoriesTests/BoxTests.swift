import Testing
import Trajectories

@Suite("Box: lengths and angles against box vectors")
struct BoxTests {
    @Test("a GROMACS rhombic dodecahedron (lengths 1, angles 60/60/90) has the textbook vectors")
    func dodecahedron() {
        // GROMACS manual, Table 'triclinic boxes': a = (d,0,0), b = (0,d,0), c = (d/2, d/2, d√2/2).
        let box = Box(lengths: [1, 1, 1], angles: [60, 60, 90])
        #expect(abs(box.a.x - 1) < 1e-12 && box.a.y == 0 && box.a.z == 0)
        #expect(abs(box.b.x) < 1e-12 && abs(box.b.y - 1) < 1e-12)
        #expect(abs(box.c.x - 0.5) < 1e-12 && abs(box.c.y - 0.5) < 1e-12)
        #expect(abs(box.c.z - 2.0.squareRoot() / 2) < 1e-12)
        #expect(abs(box.volume - 2.0.squareRoot() / 2) < 1e-12)
    }

    @Test("lengths and angles survive the round trip through vectors", arguments: [
        (SIMD3<Double>(3, 4, 5), SIMD3<Double>(90, 90, 90)),
        (SIMD3<Double>(2.5, 2.5, 2.5), SIMD3<Double>(109.4712206, 109.4712206, 109.4712206)),
        (SIMD3<Double>(4, 5, 6), SIMD3<Double>(80, 95, 120)),
    ])
    func roundTrip(lengths: SIMD3<Double>, angles: SIMD3<Double>) {
        let box = Box(lengths: lengths, angles: angles)
        #expect(((box.lengths - lengths) * (box.lengths - lengths)).sum() < 1e-20)
        #expect(((box.angles - angles) * (box.angles - angles)).sum() < 1e-16)
        #expect(box.isRectangular == (angles == SIMD3(90, 90, 90)))
    }
}
