import Dispatch

#if canImport(Glibc)
    internal import Glibc
#else
    internal import Darwin
#endif

/// Runs pure work on all cores. Only for transforms that touch nothing shared: inputs and results
/// are values, and results come back in input order, so callers stay deterministic.
public enum Parallel {
    /// Processors available to this process (at least 1).
    static let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Workers used: every processor, or one when `ABMSYNC_SERIAL` is set (for debugging, and for the
    /// test that serial and parallel runs print the same).
    static let workerCount: Int = getenv("ABMSYNC_SERIAL").map { String(cString: $0).isEmpty } ?? true ? processorCount : 1

    /// `inputs.map(transform)`, computed in chunks on all cores: a few per core, or chunks of
    /// `chunkSize` inputs, which each core takes as it becomes free.
    public static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], chunkSize: Int? = nil, _ transform: @Sendable (Input) -> Output
    ) -> [Output] {
        let workers = workerCount
        guard workers > 1, inputs.count > 1 else { return inputs.map(transform) }
        // A few chunks per core evens out files of different sizes.
        let chunkCount = chunkSize.map { (inputs.count + max(1, $0) - 1) / max(1, $0) } ?? min(inputs.count, workers * 4)
        let chunkSize = (inputs.count + chunkCount - 1) / chunkCount
        let results = ResultSlots<Output>(count: inputs.count)
        inputs.withUnsafeBufferPointer { buffer in
            let source = UnsafeSendable(buffer)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let lower = chunk * chunkSize
                let upper = min(lower + chunkSize, inputs.count)
                guard lower < upper else { return }
                for index in lower..<upper { results.set(index, transform(source.value[index])) }
            }
        }
        return results.collect()
    }
}

/// Wraps a buffer that is only read while the concurrent work runs.
private struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One slot per result; every index is written by exactly one worker, and read only after all
/// workers are done (`concurrentPerform` returns when every iteration has).
private final class ResultSlots<Output>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Output?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    /// Set once the results have been moved out.
    private var collected = false

    deinit {
        if !collected { slots.deinitialize(count: count) }
        slots.deallocate()
    }

    func set(_ index: Int, _ value: Output) { slots[index] = value }

    /// The results in order, moved out of the slots rather than copied (results can be large
    /// values; copying each and then destroying the original cost as much as a core's share of
    /// some of the work). Called once.
    func collect() -> [Output] {
        precondition(!collected)
        collected = true
        var out: [Output] = []
        out.reserveCapacity(count)
        for index in 0..<count {
            if let value = (slots + index).move() { out.append(value) }
        }
        return out
    }
}

/// Pure work started on another thread, its result collected later with `wait()`.
package final class BackgroundTask<Output: Sendable>: @unchecked Sendable {
    // Written once by the worker before `group.leave()`, read only after `group.wait()`.
    private var output: Output?
    private let group = DispatchGroup()

    package init(_ work: @escaping @Sendable () -> Output) {
        guard Parallel.workerCount > 1 else {
            output = work()
            return
        }
        group.enter()
        DispatchQueue.global().async {
            self.output = work()
            self.group.leave()
        }
    }

    package func wait() -> Output {
        group.wait()
        guard let output else { preconditionFailure("background work finished without a result") }
        return output
    }
}
