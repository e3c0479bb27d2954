import Foundation
import NeuralNet
import Testing

@Suite("safetensors files")
struct SafeTensorsTests {
    static func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("lss-\(UUID().uuidString)-\(name)")
    }

    /// Values that catch careless conversions: signed zero, infinities, a NaN payload, subnormals.
    static func awkwardMatrix() -> Matrix {
        let m = testMatrix(3, 5, seed: 90, low: -1e3, high: 1e3)
        m.pointer[0] = -0.0
        m.pointer[1] = .infinity
        m.pointer[2] = -.infinity
        m.pointer[3] = Float(bitPattern: 0x7FC0_1234)
        m.pointer[4] = Float.leastNonzeroMagnitude
        return m
    }

    @Test("save then load is bit-identical, metadata included")
    func roundTrip() throws {
        var generator = RandomGenerator(seed: 91)
        let model = MLP.make(sizes: [4, 6, 2], hidden: .tanh, batchNorm: true, generator: &generator)
        let awkward = Self.awkwardMatrix()
        model.parameters[0].value.pointer.update(from: awkward.pointer, count: 15)
        let url = Self.temporaryURL("model.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.save(model.parameters, metadata: ["lag_ps": "10", "note": "quote \" and\nnewline"], to: url)

        var other = RandomGenerator(seed: 92)
        let copy = MLP.make(sizes: [4, 6, 2], hidden: .tanh, batchNorm: true, generator: &other)
        let metadata = try SafeTensors.load(into: copy.parameters, from: url)
        #expect(metadata == ["lag_ps": "10", "note": "quote \" and\nnewline"])
        for (a, b) in zip(model.parameters, copy.parameters) {
            #expect(a.value.values.map(\.bitPattern) == b.value.values.map(\.bitPattern), "\(a.name)")
        }
        // The data section starts on an 8-byte boundary.
        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
    }

    @Test("a file lss writes opens in Python's safetensors with the same values, and the reverse")
    func pythonInterop() throws {
        let matrix = Self.awkwardMatrix()
        let url = Self.temporaryURL("lss.safetensors")
        let back = Self.temporaryURL("python.safetensors")
        defer { try? FileManager.default.removeItem(at: url); try? FileManager.default.removeItem(at: back) }
        try SafeTensors.write(["layer.weight": matrix, "b": Matrix([[1.5, -2.5]])], metadata: ["k": "v"], to: url)
        let script = """
        import json, sys
        import numpy as np
        from safetensors import safe_open
        from safetensors.numpy import load_file, save_file
        t = load_file(sys.argv[1])
        with safe_open(sys.argv[1], framework="np") as f:
            meta = f.metadata()
        out = {k: {"shape": list(v.shape), "dtype": str(v.dtype), "bits": v.view(np.uint32).ravel().tolist()} for k, v in t.items()}
        half = np.array([1.5, -2, 65504, 6e-8, -0.0, np.inf], dtype=np.float16).astype(np.float32)
        print(json.dumps({"tensors": out, "metadata": meta, "half": half.view(np.uint32).tolist()}))
        save_file({"half": np.array([1.5, -2, 65504, 6e-8, -0.0, np.inf], dtype=np.float16),
                   "vector": np.array([1, 2, 3], dtype=np.float32),
                   "double": np.array([[0.1, -0.2]], dtype=np.float64),
                   "matrix": np.arange(6, dtype=np.float32).reshape(2, 3)}, sys.argv[2], metadata={"from": "python"})
        """
        let output = try runPython(script, arguments: [url.path, back.path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let tensors = try #require(json["tensors"] as? [String: [String: Any]])
        let weight = try #require(tensors["layer.weight"])
        #expect((weight["shape"] as? [Int]) == [3, 5])
        #expect((weight["dtype"] as? String) == "float32")
        #expect((weight["bits"] as? [UInt32]) == matrix.values.map(\.bitPattern))
        #expect((json["metadata"] as? [String: String]) == ["k": "v"])

        let (read, metadata) = try SafeTensors.read(from: back)
        #expect(metadata == ["from": "python"])
        #expect(read["vector"]?.rows == 1 && read["vector"]?.values == [1, 2, 3])
        #expect(read["double"]?.values == [0.1, -0.2])
        // F16, subnormal and infinity included, widened exactly as NumPy widens it.
        #expect(read["half"]?.values.map(\.bitPattern) == (json["half"] as? [UInt32]))
        #expect(read["matrix"]?.rows == 2 && read["matrix"]?.values == [0, 1, 2, 3, 4, 5])
    }

    @Test("corrupt and mismatched files give errors that name the file and the problem")
    func errors() throws {
        let url = Self.temporaryURL("bad.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([1, 2, 3]).write(to: url)
        #expect { _ = try SafeTensors.read(from: url) } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains("shorter")
        }
        var data = Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0])
        data.append(Data("{}".utf8))
        try data.write(to: url)
        #expect { _ = try SafeTensors.read(from: url) } throws: { "\($0)".contains("exceeds the file size") }
        try SafeTensors.write(["w": Matrix(rows: 2, cols: 2)], to: url)
        var truncated = try Data(contentsOf: url)
        truncated.removeLast(4)
        try truncated.write(to: url)
        #expect { _ = try SafeTensors.read(from: url) } throws: { "\($0)".contains("data_offsets") }
        try SafeTensors.write(["w": Matrix(rows: 2, cols: 3)], to: url)
        let p = Parameter(name: "w", value: Matrix(rows: 3, cols: 2))
        #expect { try SafeTensors.load(into: [p], from: url) } throws: { "\($0)".contains("another architecture") }
        let q = Parameter(name: "missing", value: Matrix(rows: 2, cols: 3))
        #expect { try SafeTensors.load(into: [q], from: url) } throws: { "\($0)".contains("no tensor named missing") }
        #expect { _ = try SafeTensors.read(from: URL(fileURLWithPath: "/nonexistent/x.safetensors")) } throws: {
            "\($0)".contains("/nonexistent/x.safetensors")
        }
    }
}

/// Runs a Python script with python3 and returns its standard output; a missing interpreter or
/// package fails the test with what to install.
func runPython(_ script: String, arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let message = String(data: errors, encoding: .utf8) ?? ""
        Issue.record(Comment(rawValue: "python3 failed (install with: pip install numpy safetensors):\n" + message))
        throw CancellationError()
    }
    return String(data: output, encoding: .utf8) ?? ""
}
