import Foundation
import Testing
import Trajectories

/// The NetCDF-3 header check that runs before libnetcdf opens a file: corrupt counts that made
/// libnetcdf allocate gigabytes (fuzzer findings, kept in fuzz/regressions) and data cut short
/// after an intact header are errors naming the file.
@Suite("NetCDF-3 headers are checked before libnetcdf sees them")
struct NetCDFHeaderTests {
    /// A 5-frame, 4-atom AMBER NetCDF trajectory written by lss (64-bit offset).
    func sample(_ workspace: Workspace) throws -> (String, [UInt8]) {
        let path = workspace.path("sample.nc")
        let writer = try AmberNetCDFWriter(path: path, atomCount: 4)
        for frame in 0 ..< 5 {
            try writer.write(Frame(positions: (0 ..< 4).map { SIMD3(Double($0), Double(frame), 1) },
                                   box: Box(rectangular: 3, 3, 3), time: Double(frame)))
        }
        try writer.close()
        return (path, [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test("a dimension count of 2^31-1 is refused without allocating")
    func hugeCount() throws {
        let workspace = try Workspace()
        var (_, bytes) = try sample(workspace)
        // CDF-2: magic (4), numrecs (4), NC_DIMENSION tag (4), then the 4-byte count at offset 12.
        #expect(Array(bytes[0 ..< 4]) == [0x43, 0x44, 0x46, 0x02])
        bytes.replaceSubrange(12 ..< 16, with: [0x7f, 0xff, 0xff, 0xff])
        let path = workspace.path("huge.nc")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: TrajectoryError.self) { try AmberNetCDFReader(path: path) }
        #expect(error?.path == path)
        #expect(error?.problem.contains("dimensions cannot fit") == true, "\(String(describing: error))")
    }

    @Test("a file cut inside its last frame names that frame; cut inside the header it says truncated")
    func truncated() throws {
        let workspace = try Workspace()
        let (_, bytes) = try sample(workspace)
        // Each record holds 4 atoms x 3 floats (48 bytes) plus time (4), cell lengths and angles (48).
        let path = workspace.path("cut.nc")
        try Data(bytes.prefix(bytes.count - 30)).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: TrajectoryError.self) { try AmberNetCDFReader(path: path) }
        #expect(error?.frame == 4, "\(String(describing: error))")
        #expect(error?.problem.contains("truncated") == true)

        try Data(bytes.prefix(40)).write(to: URL(fileURLWithPath: path))
        let early = #expect(throws: TrajectoryError.self) { try AmberNetCDFReader(path: path) }
        #expect(early?.problem.contains("truncated") == true, "\(String(describing: early))")
    }
}
