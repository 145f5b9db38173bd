import Foundation

/// Runs work on a thread of its own with a chosen stack size and waits for it: for tests that
/// show recursive code fits in a given stack (a stack overflow ends the test process).
public enum StackLimitedThread {
    /// Swift's pool threads on Linux have 8 MiB; a quarter of it, in a debug build, leaves room.
    public static let quarterOfAPoolStack = 2 << 20

    public static func run<T: Sendable>(stackSize: Int = quarterOfAPoolStack, _ work: @escaping @Sendable () throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.set(Result { try work() })
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        done.wait()
        return try box.get()
    }

    private final class Box<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<T, any Error>?
        func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
        func get() throws -> T { try lock.withLock { result! }.get() }
    }
}
