import Foundation
import Kinetics
import NeuralNet
import Testing
import TestSupport

/// .npy and column text files against NumPy writing and reading the same arrays.
@Suite struct DataFileTests {
    @Test(arguments: ["<f8", "<f4", ">f8", "<i4", "<i8"])
    func readsWhatNumpyWrites(dtype: String) throws {
        let w = try Workspace()
        try runPython("""
        import numpy as np, sys
        a = (np.arange(15).reshape(5, 3) * 1.5 - 4).astype(np.dtype(sys.argv[2]))
        np.save(sys.argv[1] + '/c.npy', a)
        np.save(sys.argv[1] + '/f.npy', np.asfortranarray(a))
        np.save(sys.argv[1] + '/v.npy', a[:, 1].copy())
        """, [w.url.path, dtype])
        let truncates = dtype.hasSuffix("i4") || dtype.hasSuffix("i8")
        let expected = (0..<15).map { Double($0) * 1.5 - 4 }.map { truncates ? $0.rounded(.towardZero) : $0 }
        for name in ["c.npy", "f.npy"] {
            let m = try NumpyArrayFile.read(w.path(name))
            #expect(m.rows == 5 && m.cols == 3)
            #expect(m.values == expected, "\(name) \(dtype)")
        }
        let v = try NumpyArrayFile.read(w.path("v.npy"))
        #expect(v.rows == 5 && v.cols == 1 && v.values == (0..<5).map { expected[$0 * 3 + 1] })
    }

    @Test func numpyReadsWhatLssWrites() throws {
        let w = try Workspace()
        let m = DoubleMatrix(rows: 4, cols: 2, values: [1, -2, 3.25, 1e-300, .pi, 6, 7, 8])
        try NumpyArrayFile.write(m, to: w.path("m.npy"))
        let out = try runPython("""
        import numpy as np, sys, json
        a = np.load(sys.argv[1])
        print(json.dumps({'shape': list(a.shape), 'values': a.ravel().tolist(), 'dtype': str(a.dtype)}))
        """, [w.path("m.npy")])
        struct Loaded: Decodable { var shape: [Int]; var values: [Double]; var dtype: String }
        let loaded = try decodeJSON(Loaded.self, from: out)
        #expect(loaded.shape == [4, 2] && loaded.dtype == "float64" && loaded.values == m.values)
    }

    @Test func damagedNpyFilesNameTheProblem() throws {
        let w = try Workspace()
        try Data("hello".utf8).write(to: w.url.appendingPathComponent("bad.npy"))
        #expect(throws: KineticsError.self) { try NumpyArrayFile.read(w.path("bad.npy")) }
        let m = DoubleMatrix(rows: 100, cols: 2, repeating: 1)
        try NumpyArrayFile.write(m, to: w.path("m.npy"))
        let whole = try Data(contentsOf: w.url.appendingPathComponent("m.npy"))
        try whole.prefix(whole.count - 8).write(to: w.url.appendingPathComponent("cut.npy"))
        do {
            _ = try NumpyArrayFile.read(w.path("cut.npy"))
            Issue.record("a truncated file was accepted")
        } catch let error as KineticsError {
            #expect(error.problem.contains("cut.npy") && error.problem.contains("fewer"))
        }
    }

    @Test func readsPlumedColvarAndGromacsXvg() throws {
        let w = try Workspace()
        try """
        #! FIELDS time phi psi
        #! SET min_phi -pi
         0.000000 -1.5 2.5
         1.000000 -1.4 2.6
        """.write(toFile: w.path("COLVAR"), atomically: true, encoding: .utf8)
        let colvar = try ColumnTextFile(path: w.path("COLVAR"))
        #expect(colvar.names == ["time", "phi", "psi"])
        #expect(colvar.values.rows == 2 && colvar.values[1, 2] == 2.6)
        try """
        # GROMACS xvg
        @    title "Radius of gyration"
        @ s0 legend "Rg"
        0.0\t1.25
        10.0\t1.5
        """.write(toFile: w.path("gyrate.xvg"), atomically: true, encoding: .utf8)
        let xvg = try ColumnTextFile(path: w.path("gyrate.xvg"))
        #expect(xvg.values.values == [0, 1.25, 10, 1.5] && xvg.names == ["column 1", "column 2"])
        try "1 2\n3\n".write(toFile: w.path("ragged.dat"), atomically: true, encoding: .utf8)
        #expect(throws: KineticsError.self) { try ColumnTextFile(path: w.path("ragged.dat")) }
    }
}
