import PlayLanguage

/// Results coming back from the run loop: each one settles the decision that asked for it.
extension PlayScheduler {
    /// Results of `.runTask` or `.runHandler`, one per host that ran it. Returns the hosts whose
    /// failure a rescue section took over (the loop sets `ansible_failed_result` for them).
    @discardableResult
    public mutating func report(_ reports: [HostReport]) -> [String] {
        var byHost: [String: HostReport] = [:]
        for r in reports where byHost[r.host] == nil { byHost[r.host] = r }
        switch awaiting {
        case .task(let hosts, let once)?:
            awaiting = nil
            var rescued: [String] = []
            for host in hosts {
                // With run_once every host of the step takes the first host's result; only the
                // first host counts it (except failures).
                guard var r = byHost[once ? hosts[0] : host] else { continue }
                r.host = host
                // Taken out while it changes, so its stack is not copied.
                var it = iterators.removeValue(forKey: host)!
                let outcome = apply(r, countStats: !once || host == hosts[0], iterator: &it)
                iterators[host] = it
                if outcome == .rescued { rescued.append(host) }
            }
            return rescued
        case .handler(let hosts)?:
            awaiting = nil
            // Every report counts: a handler written as include_tasks reports its include and
            // then each task it ran, in order.
            let waiting = Set(hosts)
            for r in reports where waiting.contains(r.host) {
                var detached = HostIterator(items: [])
                apply(r, countStats: true, iterator: &detached)
                if r.failed { markFailed(r.host) }
            }
            return []
        default:
            preconditionFailure("no task or handler is waiting for results")
        }
    }

    /// Results of `.expandInclude`, one per host, in the order the hosts were given.
    public mutating func reportInclude(_ results: [(host: String, result: IncludeResult)]) {
        guard case .include(_, let key)? = awaiting else { preconditionFailure("no include is waiting for results") }
        awaiting = nil
        for (host, result) in results {
            switch result {
            case .skipped:
                bookkeeping.update(host) { $0.skipped += 1 }
                iterators[host]!.expand(parts: [], key: key)
            case .loaded(let parts):
                // Ansible counts one ok per included file.
                bookkeeping.update(host) { $0.ok += parts.count }
                iterators[host]!.expand(parts: parts, key: key)
            case .failed(let loadedBefore):
                bookkeeping.update(host) { $0.ok += loadedBefore }
                let rescued = iterators[host]!.complete(failed: true) == .rescued
                bookkeeping.update(host) { rescued ? ($0.rescued += 1) : ($0.failed += 1) }
            }
        }
    }

    /// The hosts a `.meta` decision applies to (its conditions held); the others skipped it.
    public mutating func reportMeta(applied: [String]) {
        guard case .meta(let action, let hosts)? = awaiting else { preconditionFailure("no meta task is waiting") }
        awaiting = nil
        for host in hosts { iterators[host]!.complete(failed: false) }
        guard !applied.isEmpty else { return }
        switch action {
        case .flushHandlers:
            flush = HandlerFlush(eligible: flushEligible())
        case .endPlay:
            playEnded = true
        case .endBatch:
            for host in self.hosts.active { iterators[host]?.end() }
        case .endHost:
            for host in applied {
                iterators[host]?.end()
                self.hosts.active.remove(host)
            }
        case .clearHostErrors:
            for host in self.hosts.batch { bookkeeping.failed.remove(host) }
        case .other:
            break
        }
    }

    /// One host's result: counters, notifications, and where its iterator goes next.
    @discardableResult
    private mutating func apply(_ r: HostReport, countStats: Bool, iterator: inout HostIterator) -> HostIterator.FailureOutcome? {
        let host = r.host
        handlerQueue.notify(host, r.notify, among: handlers)
        if r.unreachable {
            bookkeeping.update(host) { $0.unreachable += 1 }
            bookkeeping.unreachable.insert(host)
            iterator.end()
            hosts.active.remove(host)
            return nil
        }
        if countStats { bookkeeping.count(r) }
        guard r.failed else {
            iterator.complete(failed: false)
            return nil
        }
        let outcome = iterator.complete(failed: true)
        bookkeeping.update(host) { outcome == .rescued ? ($0.rescued += 1) : ($0.failed += 1) }
        if iterator.hostFailed { markFailed(host) }
        if settings.anyErrorsFatal {
            playEnded = true
            iterator.end()
        }
        return outcome
    }
}
