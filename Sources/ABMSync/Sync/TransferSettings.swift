import GitKit

/// How a pull, push, sync or clone talks to the shared remote, in the command layer's terms: the
/// commands never see GitKit. Credentials are always the standard sources (ssh agent, the user's
/// ssh keys, `ABMSYNC_GIT_USERNAME` / `ABMSYNC_GIT_TOKEN`); tests that need others pass GitKit's
/// `RemoteOptions` through the package-level initialisers.
public struct TransferSettings: Sendable {
    /// Called while objects are received or sent; nil prints nothing.
    public var progress: (@Sendable (TransferStep) -> Void)?

    public init(progress: (@Sendable (TransferStep) -> Void)? = nil) {
        self.progress = progress
    }

    var remoteOptions: RemoteOptions {
        var options = RemoteOptions()
        if let progress {
            options.progress = { progress(TransferStep($0)) }
        }
        return options
    }
}

/// How far one transfer got.
public struct TransferStep: Equatable, Sendable {
    public enum Direction: Equatable, Sendable { case receiving, sending }
    public var direction: Direction
    /// Objects received or sent so far, out of `totalObjects`.
    public var doneObjects: Int
    public var totalObjects: Int
    public var bytes: Int

    public init(direction: Direction, doneObjects: Int, totalObjects: Int, bytes: Int) {
        self.direction = direction
        self.doneObjects = doneObjects
        self.totalObjects = totalObjects
        self.bytes = bytes
    }

    init(_ progress: TransferProgress) {
        // For an upload, libgit2 counts the objects sent so far in the received field.
        self.init(
            direction: progress.direction == .download ? .receiving : .sending, doneObjects: progress.receivedObjects,
            totalObjects: progress.totalObjects, bytes: progress.bytes)
    }
}
