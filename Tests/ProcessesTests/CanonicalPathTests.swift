import Foundation
import Testing

@testable import Processes

/// One spelling per file, however it was typed.
@Suite struct CanonicalPathTests {
    @Test func symbolicLinksAndDotsResolveToOnePath() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-canonical-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let project = base.appendingPathComponent("project/clusters")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base.appendingPathComponent("link").path, withDestinationPath: base.appendingPathComponent("project").path)
        let real = CanonicalPath.of(project.appendingPathComponent("devnet.yaml").path)
        #expect(CanonicalPath.of(base.path + "/link/clusters/devnet.yaml") == real)
        #expect(CanonicalPath.of("clusters/./devnet.yaml", relativeTo: base.path + "/link") == real)
        #expect(CanonicalPath.of("../clusters/devnet.yaml", relativeTo: base.path + "/link/clusters") == real)
        #expect(real.hasSuffix("/project/clusters/devnet.yaml") && !real.contains("/link/"))
        // Parts that do not exist yet are kept, after the resolved part that does.
        #expect(CanonicalPath.of(base.path + "/link/new/dir") == CanonicalPath.of(base.path + "/project") + "/new/dir")
        #expect(CanonicalPath.of("/") == "/")
    }
}
