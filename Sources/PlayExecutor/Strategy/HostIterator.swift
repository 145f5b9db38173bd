import PlayLanguage

/// One host's walk through a section of a play: a pure state machine over the compiled blocks
/// (body, rescue, always), with no I/O, so its sequencing is tested on its own.
///
/// The executor asks `next()` for the step to run, runs it, and reports back with `complete(...)`
/// or `expand(...)` (for `include_tasks`). Failures move to the innermost rescue, then always;
/// an unrescued failure leaves every enclosing block through its `always` and fails the host.
public struct HostIterator: Sendable {
    /// Indirect: a compiled task is a large value (about 1.7 KiB), and steps are copied through
    /// every lockstep round; boxed, a copy is one retain.
    public indirect enum Step: Sendable {
        case task(CompiledTask, key: StepKey)
        case include(CompiledInclude, key: StepKey)
        case done
    }

    /// What a failure reported to `complete` led to.
    public enum FailureOutcome: Sendable, Equatable {
        /// A rescue section took over (Ansible counts the host as rescued, not failed).
        case rescued
        /// No rescue; `always` sections (if any) still run, then the host fails.
        case failing
    }

    enum Phase: Sendable { case body, rescue, always }

    struct Frame: Sendable {
        var rescue: [CompiledItem]
        var always: [CompiledItem]
        var items: [CompiledItem]
        var index = 0
        var phase = Phase.body
        /// A failure is pending: it will leave this block once `always` is done.
        var failed = false
        /// Ordering keys of the items of this frame are `keyPrefix + [item id]`.
        var keyPrefix: [Int]
    }

    private var stack: [Frame]
    public private(set) var hostFailed = false
    public private(set) var ended = false

    public init(section: CompiledBlock) {
        stack = [Frame(rescue: section.rescue, always: section.always, items: section.body, keyPrefix: [])]
    }

    public init(items: [CompiledItem]) {
        stack = [Frame(rescue: [], always: [], items: items, keyPrefix: [])]
    }

    /// The next step for this host. Calling it again without reporting returns the same step.
    public mutating func next() -> Step {
        while !ended, let top = stack.last {
            if top.index < top.items.count {
                switch top.items[top.index] {
                case .task(let t): return .task(t, key: StepKey(top.keyPrefix + [t.id]))
                case .include(let inc): return .include(inc, key: StepKey(top.keyPrefix + [inc.id]))
                case .block(let b):
                    stack[stack.count - 1].index += 1
                    stack.append(Frame(rescue: b.rescue, always: b.always, items: b.body, keyPrefix: top.keyPrefix))
                }
            } else {
                finishPhase()
            }
        }
        return .done
    }

    /// Reports the current task's end. `failed` means a failure that is not ignored.
    @discardableResult
    public mutating func complete(failed: Bool) -> FailureOutcome? {
        guard !stack.isEmpty else { return nil }
        stack[stack.count - 1].index += 1
        return failed ? fail() : nil
    }

    /// Replaces the current `include_tasks` step with the items it loaded.
    public mutating func expand(_ items: [CompiledItem], key: StepKey) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].index += 1
        if !items.isEmpty {
            stack.append(Frame(rescue: [], always: [], items: items, keyPrefix: key.path))
        }
    }

    /// Replaces the current `include_tasks` step with what each of its loop items loaded. Item
    /// `i`'s steps are keyed `key + [i, node id]`, so every host that loaded the same file for the
    /// same item runs its tasks in lockstep, and items run in loop order whatever their node ids.
    public mutating func expand(parts: [[CompiledItem]], key: StepKey) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].index += 1
        // One frame per item, the first on top; a failure leaves them all, as it would one frame.
        for (index, items) in parts.enumerated().reversed() where !items.isEmpty {
            stack.append(Frame(rescue: [], always: [], items: items, keyPrefix: key.path + [index]))
        }
    }

    /// `meta: end_host` (or an unreachable host): nothing more runs for this host.
    public mutating func end() {
        ended = true
        stack.removeAll()
    }

    /// The host fails at the current position (used for unreachable hosts and `any_errors_fatal`).
    public mutating func failHost() {
        hostFailed = true
        end()
    }

    private mutating func fail() -> FailureOutcome {
        guard !stack.isEmpty else {
            hostFailed = true
            return .failing
        }
        var frame = stack[stack.count - 1]
        defer { stack[stack.count - 1] = frame }
        switch frame.phase {
        case .body where !frame.rescue.isEmpty:
            frame.phase = .rescue
            frame.items = frame.rescue
            frame.index = 0
            frame.failed = true
            return .rescued
        case .body, .rescue:
            frame.failed = true
            frame.phase = .always
            frame.items = frame.always
            frame.index = 0
        case .always:
            frame.failed = true
            frame.index = frame.items.count
        }
        return .failing
    }

    private mutating func finishPhase() {
        var frame = stack[stack.count - 1]
        switch frame.phase {
        case .body:
            frame.phase = .always
            frame.items = frame.always
            frame.index = 0
            stack[stack.count - 1] = frame
        case .rescue:
            frame.failed = false
            frame.phase = .always
            frame.items = frame.always
            frame.index = 0
            stack[stack.count - 1] = frame
        case .always:
            stack.removeLast()
            if frame.failed {
                if stack.isEmpty { hostFailed = true } else { _ = fail() }
            }
        }
    }
}

/// Orders steps across hosts for the linear strategy: static tasks by their node id, tasks of an
/// `include_tasks` right after the include that loaded them.
public struct StepKey: Sendable, Hashable, Comparable {
    public var path: [Int]
    public init(_ path: [Int]) { self.path = path }

    public static func < (a: StepKey, b: StepKey) -> Bool {
        a.path.lexicographicallyPrecedes(b.path)
    }
}
