import Testing
import Trajectories

/// An in-memory reader: frame k has every coordinate equal to k and time 0.5 k ps.
final class CountingReader: TrajectoryReader {
    let path = "memory.traj"
    let atomCount: Int
    let frames: Int
    var position = 0
    var largestRequest = 0

    init(atoms: Int, frames: Int) {
        atomCount = atoms
        self.frames = frames
    }

    func countFrames() throws -> Int { frames }

    func read(maxFrames: Int) throws -> FrameChunk? {
        largestRequest = max(largestRequest, maxFrames)
        guard position < frames else { return nil }
        let count = min(maxFrames, frames - position)
        var positions = [Float]()
        for frame in position ..< position + count {
            positions += (0 ..< atomCount * 3).map { Float(frame) + Float($0 % 3) * 0.001 }
        }
        let chunk = FrameChunk(atomCount: atomCount, firstFrame: position, positions: positions,
                               times: (position ..< position + count).map { Double($0) * 0.5 })
        position += count
        return chunk
    }

    func seek(toFrame index: Int) throws {
        guard index >= 0 && index <= frames else {
            throw TrajectoryError(.mismatch, path: path, frame: index, "out of range")
        }
        position = index
    }

    func close() {}
}

@Suite("TrajectoryStream: ranges, strides and selections while reading")
struct StreamTests {
    /// The frames a range keeps, by brute force over every frame index.
    func expected(_ frames: Int, _ range: FrameRange) -> [Int] {
        var kept = [Int](), first: Int?
        for index in 0 ..< frames {
            let time = Double(index) * 0.5
            switch range.begin {
            case .frame(let b)?: if index < b { continue }
            case .time(let t)?: if time < t { continue }
            case nil: break
            }
            switch range.end {
            case .frame(let e)?: if index >= e { return kept.filter { ($0 - first!) % range.stride == 0 } }
            case .time(let t)?: if time > t { return kept.filter { ($0 - first!) % range.stride == 0 } }
            case nil: break
            }
            if first == nil { first = index }
            kept.append(index)
        }
        return kept.filter { ($0 - first!) % range.stride == 0 }
    }

    @Test("every combination of begin, end, stride and chunk size keeps exactly the right frames",
          arguments: [1, 2, 3, 7], [1, 4, 16])
    func ranges(stride: Int, chunkSize: Int) throws {
        let bounds: [FrameRange.Bound?] = [nil, .frame(0), .frame(5), .frame(37), .time(3.0), .time(7.25)]
        for begin in bounds {
            for end in [nil, .frame(30), .frame(41), .time(15.0)] as [FrameRange.Bound?] {
                let range = FrameRange(begin: begin, end: end, stride: stride)
                let reader = CountingReader(atoms: 2, frames: 40)
                let stream = try TrajectoryStream(reader: reader, range: range, chunkSize: chunkSize)
                var got = [Int]()
                while let chunk = try stream.next() {
                    #expect(chunk.frameCount <= chunkSize)
                    for local in 0 ..< chunk.frameCount {
                        got.append(Int(chunk.positions(ofFrame: local).first!))
                    }
                }
                #expect(got == expected(40, range), "begin \(String(describing: begin)) end \(String(describing: end))")
                // Memory bound: the reader is never asked for more than chunk × stride frames.
                #expect(reader.largestRequest <= chunkSize * stride)
            }
        }
    }

    @Test("an atom selection keeps the chosen atoms in the given order")
    func selection() throws {
        let reader = CountingReader(atoms: 5, frames: 3)
        let stream = try TrajectoryStream(reader: reader, atoms: [4, 1], chunkSize: 2)
        let chunk = try #require(try stream.next())
        #expect(chunk.atomCount == 2)
        // Atom a of frame f has coordinates (f, f+0.001, f+0.002) whatever a is, so check the layout.
        #expect(Array(chunk.positions(ofFrame: 1)) == [1, 1.001, 1.002, 1, 1.001, 1.002])
        #expect(throws: TrajectoryError.self) { try TrajectoryStream(reader: reader, atoms: [5]) }
    }

    @Test("frame bounds parse from the command line")
    func bounds() {
        #expect(FrameRange.parseBound("12") == .frame(12))
        #expect(FrameRange.parseBound("50ps") == .time(50))
        #expect(FrameRange.parseBound("2 ns") == .time(2000))
        #expect(FrameRange.parseBound("-3") == nil)
        #expect(FrameRange.parseBound("ten") == nil)
    }
}

/// Delivers two chunks: the first with velocities and boxes, the second without (as a TRR whose
/// later frames carry no velocities).
final class MixedFieldsReader: TrajectoryReader {
    let path = "mixed.traj"
    let atomCount = 1
    var delivered = 0
    func countFrames() throws -> Int { 3 }
    func seek(toFrame index: Int) throws { delivered = index == 0 ? 0 : 2 }
    func close() {}
    func read(maxFrames: Int) throws -> FrameChunk? {
        defer { delivered += 1 }
        switch delivered {
        case 0: return FrameChunk(atomCount: 1, positions: [0, 0, 0, 1, 1, 1], velocities: [9, 9, 9, 8, 8, 8],
                                  times: [0, 1], boxes: [Box(rectangular: 2, 2, 2), Box(rectangular: 2, 2, 2)])
        case 1: return FrameChunk(atomCount: 1, firstFrame: 2, positions: [2, 2, 2], times: [2])
        default: return nil
        }
    }
}

@Suite("readAll")
struct ReadAllTests {
    @Test("keeps a field only when every chunk has it, so every array matches the frame count")
    func mixedFields() throws {
        let all = try MixedFieldsReader().readAll()
        #expect(all.frameCount == 3 && all.positions == [0, 0, 0, 1, 1, 1, 2, 2, 2])
        #expect(all.velocities == nil && all.boxes == nil)
        #expect(all.frame(2).positions == [SIMD3(2, 2, 2)])
    }
}
