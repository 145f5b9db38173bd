import Synchronization

/// A value computed once, on first use, safely from any task.
final class LazyBox<T: Sendable>: Sendable {
    private let slot = Mutex<T?>(nil)

    func get(_ make: () -> T) -> T {
        slot.withLock { current in
            if let v = current { return v }
            let v = make()
            current = v
            return v
        }
    }
}
