internal import CCmarkGFM
#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

/// Memory for cmark-gfm while it parses one document on a thread.
///
/// cmark-gfm allocates every node, buffer and list of a document on its own and frees them one by
/// one; for a small plan that is hundreds of `calloc`s and `free`s, which cost about a third of
/// its parse. It lets a parser take its memory from an allocator of our choosing (as its own arena
/// allocator does, which is one global arena and so not usable from several threads): here each
/// thread has an arena, allocations are cut from its block one after the other, `free` gives
/// nothing back, and everything is released at once when the document is done. The block is kept for the thread's next document; what a large document
/// needed beyond it is returned to the system.
enum MarkdownArena {
    /// Runs `body`, which may parse with `allocator`; the memory cmark-gfm took meanwhile is
    /// released afterwards, so nothing allocated through `allocator` may outlive `body`.
    static func withArena<Result>(_ body: (UnsafeMutablePointer<cmark_mem>) -> Result) -> Result {
        let arena = current()
        arena.pointee.depth += 1
        defer {
            arena.pointee.depth -= 1
            if arena.pointee.depth == 0 { arena.pointee.reset() }
        }
        return body(allocator.pointer)
    }

    /// The allocator given to cmark-gfm; its functions use the calling thread's arena.
    private static let allocator: Allocator = {
        let pointer = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
        pointer.initialize(
            to: cmark_mem(
                calloc: { count, size in
                    let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
                    guard !overflow else { return nil }
                    let memory = MarkdownArena.current().pointee.allocate(bytes)
                    memset(memory, 0, bytes)
                    return memory
                },
                realloc: { memory, size in MarkdownArena.current().pointee.reallocate(memory, to: size) },
                // Nothing is given back before the document is done: most frees come in one burst
                // when cmark-gfm frees the document, so looking up the arena for each costs more
                // than reusing the memory would save.
                free: { _ in }))
        return Allocator(pointer: pointer)
    }()

    /// Made once and never changed.
    private struct Allocator: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<cmark_mem>
    }

    /// The calling thread's arena, made on first use and freed when the thread ends.
    private static func current() -> UnsafeMutablePointer<State> {
        if let existing = pthread_getspecific(key.value) {
            return existing.assumingMemoryBound(to: State.self)
        }
        let state = UnsafeMutablePointer<State>.allocate(capacity: 1)
        state.initialize(to: State())
        pthread_setspecific(key.value, state)
        return state
    }

    private struct Key: @unchecked Sendable {
        var value = pthread_key_t()
    }

    private static let key: Key = {
        var key = Key()
        pthread_key_create(&key.value) { state in
            guard let state = state?.assumingMemoryBound(to: State.self) else { return }
            state.pointee.release()
            free(state.pointee.first)
            state.deinitialize(count: 1)
            state.deallocate()
        }
        return key
    }()

    /// Each allocation is preceded by a header holding its size; both are 16-byte aligned.
    private static let header = 16
    private static let alignment = 16
    /// The block a thread keeps between documents (a plan's parse needs a few dozen KiB).
    private static let blockSize = 256 * 1024

    private struct State {
        /// The block kept between documents.
        let first: UnsafeMutableRawPointer
        /// The block allocations are cut from, its size and how much of it is used.
        var block: UnsafeMutableRawPointer
        var capacity: Int
        var used = 0
        /// The newest allocation, which can grow in place.
        var newest: UnsafeMutableRawPointer?
        /// Blocks taken for this document beyond the first, each starting with a link to the one
        /// taken before it.
        var extra: UnsafeMutableRawPointer?
        var depth = 0

        init() {
            first = State.system(MarkdownArena.blockSize)
            block = first
            capacity = MarkdownArena.blockSize
        }

        private static func system(_ bytes: Int) -> UnsafeMutableRawPointer {
            guard let memory = malloc(bytes) else { fatalError("out of memory while reading Markdown") }
            return memory
        }

        private static func rounded(_ bytes: Int) -> Int {
            (bytes + MarkdownArena.alignment - 1) & ~(MarkdownArena.alignment - 1)
        }

        mutating func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
            let needed = MarkdownArena.header + State.rounded(max(bytes, 1))
            if used + needed > capacity {
                // A new block, linked to the previous extra one; its first 16 bytes hold the link.
                let size = MarkdownArena.header + max(MarkdownArena.blockSize, needed)
                let memory = State.system(size)
                memory.storeBytes(of: extra, as: UnsafeMutableRawPointer?.self)
                extra = memory
                block = memory
                capacity = size
                used = MarkdownArena.header
            }
            let start = block + used
            start.storeBytes(of: bytes, as: Int.self)
            used += needed
            let memory = start + MarkdownArena.header
            newest = memory
            return memory
        }

        mutating func reallocate(_ memory: UnsafeMutableRawPointer?, to bytes: Int) -> UnsafeMutableRawPointer {
            guard let memory else { return allocate(bytes) }
            let size = (memory - MarkdownArena.header).load(as: Int.self)
            if memory == newest {
                let end = memory - block + State.rounded(max(bytes, 1))
                if end <= capacity {
                    (memory - MarkdownArena.header).storeBytes(of: bytes, as: Int.self)
                    used = end
                    return memory
                }
            } else if bytes <= size {
                return memory
            }
            let moved = allocate(bytes)
            moved.copyMemory(from: memory, byteCount: min(size, bytes))
            return moved
        }

        /// Gives back everything allocated since the last reset, keeping the first block.
        mutating func reset() {
            release()
            block = first
            capacity = MarkdownArena.blockSize
            used = 0
            newest = nil
        }

        /// Returns the extra blocks to the system.
        mutating func release() {
            while let memory = extra {
                extra = memory.load(as: UnsafeMutableRawPointer?.self)
                free(memory)
            }
        }
    }
}
