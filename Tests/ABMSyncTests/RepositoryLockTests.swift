import ABMSync
import ABMTestSupport
import Foundation
import Testing

/// The repository lock records who holds it (pid and process start time) and is held by the kernel
/// (flock): a live holder is waited for, a dead one's file is taken over at once.
@Suite struct RepositoryLockTests {
    @Test func theLockNamesItsHolderAndALiveHolderIsWaitedFor() throws {
        let temp = TemporaryDirectory("abmsync-lock-unit")
        let gitDirectory = temp.path + "/"
        let held = try RepositoryLock.acquire(gitDirectory: gitDirectory)
        let content = temp.read("abmsync.lock") ?? ""
        let fields = content.split(whereSeparator: \.isWhitespace)
        #expect(fields.count == 2 && fields[0] == "\(getpid())", "lock file: '\(content)'")
        #expect(Int(fields.last ?? "") ?? 0 > 0, "no process start time in '\(content)'")
        let started = Date()
        #expect(throws: AbmsyncError.self) { try RepositoryLock.acquire(gitDirectory: gitDirectory, timeout: 0.5) }
        #expect(Date().timeIntervalSince(started) >= 0.4)
        held.release()
        #expect(!FileManager.default.fileExists(atPath: temp.file("abmsync.lock")))
        let again = try RepositoryLock.acquire(gitDirectory: gitDirectory, timeout: 0.5)
        again.release()
    }
}
