import ABMCore
import Testing

@testable import ABMSync

struct PermissionsTemplateTests {
    /// init's abmsync.yaml writes `permissions:` out, and what it writes is the defaults.
    @Test func initTemplateWritesTheDefaultPermissions() {
        #expect(BundledFiles.policy.contains("\npermissions:"))
        let load = WorkspaceLoader.load(from: MemorySource(["abmsync.yaml": BundledFiles.policy]))
        #expect(load.findings.filter { $0.location.file == "abmsync.yaml" }.isEmpty)
        #expect(load.workspace.policy.permissions == .defaults)
    }
}
