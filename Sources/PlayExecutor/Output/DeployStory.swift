import Foundation
import PlayBase

/// What a deploy flow did, read from its results and progress lines: versions serving before
/// and after, instances launched, registered, taken out, stopped and terminated, target health
/// over time, and (given a load generator's report) what the load balancer answered.
public struct DeployStory: Sendable {
    public var versionsBefore: [String] = []
    public var versionsAfter: [String] = []
    public var launched: [String] = []
    public var registered: [String] = []
    public var deregistered: [String] = []
    public var stopped: [String] = []
    public var terminated: [String] = []
    /// Target states counted at each progress line that reported them (`2 healthy, 1 initial`).
    public var health: [(time: Double, counts: [(state: String, count: Int)])] = []
    /// The load report's fields: requests, failures, answers per version, requests per second.
    public var load: LoadReport?

    public struct LoadReport: Sendable {
        public var requests: Int
        public var failures: Int
        public var versions: [(version: String, count: Int)]
        public var rps: Double
        public var failureReasons: [(reason: String, count: Int)]
    }

    /// Whether the run changed anything a deploy is made of.
    public var isDeploy: Bool {
        !(launched.isEmpty && registered.isEmpty && deregistered.isEmpty && stopped.isEmpty && terminated.isEmpty
          && health.isEmpty && versionsAfter.isEmpty) || load != nil
    }

    public init(_ record: RunRecord, load: Value? = nil) {
        func strings(_ v: Value?) -> [String] {
            guard case .list(let l)? = v else { return [] }
            return l.map(\.renderedString)
        }
        func versions(_ v: Value?) -> [String] {
            guard case .list(let instances)? = v else { return [] }
            var seen: [String] = []
            for case .dict(let i) in instances {
                if case .dict(let tags)? = i["tags"], let version = tags["version"]?.renderedString, !seen.contains(version) {
                    seen.append(version)
                }
            }
            return seen
        }
        func add(_ ids: [String], to list: inout [String]) {
            for id in ids where !list.contains(id) { list.append(id) }
        }
        for run in record.runs where run.status != .skipped && run.status != .failed {
            let r = run.result.result
            switch run.module {
            case "ec2_info" where versionsBefore.isEmpty:
                versionsBefore = versions(r["instances"])
            case "s3_fetch":
                if let version = r["version"], version != .null { versionsAfter = [version.renderedString] }
            case "ec2_launch":
                add(strings(r["launched"]), to: &launched)
                if versionsAfter.isEmpty { versionsAfter = versions(r["instances"]) }
            case "elb_register":
                add(strings(r["registered"]), to: &registered)
            case "elb_deregister":
                add(strings(r["deregistered"]), to: &deregistered)
            case "ec2_state":
                guard case .list(let instances)? = r["instances"] else { break }
                let changed = Set(strings(r["changed_ids"]))
                for case .dict(let i) in instances {
                    guard let id = i["instance_id"]?.renderedString ?? i["id"]?.renderedString, changed.contains(id) else { continue }
                    switch i["state"]?.renderedString {
                    case "stopped", "stopping": add([id], to: &stopped)
                    case "terminated", "shutting-down": add([id], to: &terminated)
                    default: break
                    }
                }
            default:
                break
            }
        }
        // Target health: each progress line that counts target states, and the states a
        // register or deregister result reports when it ends.
        var samples: [(time: Double, counts: [(state: String, count: Int)])] = []
        for p in record.progress {
            let counts = Self.targetCounts(p.message)
            if !counts.isEmpty { samples.append((p.time, counts)) }
        }
        for run in record.runs where ["elb_register", "elb_deregister"].contains(run.module) {
            guard case .dict(let states)? = run.result.result["states"], !states.isEmpty else { continue }
            var counts: [String: Int] = [:]
            for state in states.values { counts[state.renderedString, default: 0] += 1 }
            let ordered = Self.states.compactMap { s in counts[s].map { (state: s, count: $0) } }
                + counts.keys.filter { !Self.states.contains($0) }.sorted().map { (state: $0, count: counts[$0]!) }
            samples.append((run.end, ordered))
        }
        health = samples.sorted { $0.time < $1.time }
        if case .dict(let d)? = load {
            func pairs(_ v: Value?) -> [(String, Int)] {
                guard case .dict(let m)? = v else { return [] }
                return m.map { ($0.key, Int($0.value.renderedString) ?? 0) }.sorted { $0.0 < $1.0 }
            }
            self.load = LoadReport(requests: Int(d["requests"]?.renderedString ?? "") ?? 0,
                                   failures: Int(d["failures"]?.renderedString ?? "") ?? 0,
                                   versions: pairs(d["versions"]).map { (version: $0.0, count: $0.1) },
                                   rps: Double(d["rps"]?.renderedString ?? "") ?? 0,
                                   failureReasons: pairs(d["failure_reasons"]).map { (reason: $0.0, count: $0.1) })
        }
    }

    static let states = ["healthy", "initial", "unhealthy", "draining", "unused", "unavailable"]

    /// `tg: 2 healthy, 1 initial (4s of 60s)` → [(healthy, 2), (initial, 1)]; nothing for other lines.
    static func targetCounts(_ message: String) -> [(state: String, count: Int)] {
        let pattern = try! NSRegularExpression(pattern: #"(\d+) (healthy|initial|unhealthy|draining|unused|unavailable)\b"#)
        let range = NSRange(message.startIndex..., in: message)
        return pattern.matches(in: message, range: range).compactMap { m in
            guard let n = Range(m.range(at: 1), in: message), let s = Range(m.range(at: 2), in: message),
                  let count = Int(message[n]) else { return nil }
            return (String(message[s]), count)
        }
    }
}
