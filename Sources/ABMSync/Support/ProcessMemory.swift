/// Memory a command-line process leaves for the operating system to take back when it exits.
enum ProcessMemory {
    /// Never frees `value`. Only for values built for a process that ends right after: freeing
    /// tens of thousands of small objects (strings, records, libgit2's index entries) one by one
    /// costs milliseconds that the kernel spends on nothing when it unmaps the process.
    static func keepUntilExit(_ value: Any) {
        _ = Unmanaged.passRetained(Kept(value))
    }

    private final class Kept {
        let value: Any
        init(_ value: Any) { self.value = value }
    }
}
