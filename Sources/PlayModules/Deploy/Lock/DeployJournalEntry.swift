import Foundation
import OrderedCollections
import PlayBase

/// One run that changed a fleet, as the journal keeps it: who, when, which flow, the version it
/// went from and to, the instances it launched, registered and stopped, how it ended, how long it
/// took, and which `play` did it.
struct DeployJournalEntry: Sendable, Hashable {
    var app: String
    var run: String
    var user: String
    var host: String
    var flow: String
    var versionFrom: String
    var versionTo: String
    var launched: [String]
    var registered: [String]
    var stopped: [String]
    /// success, failed, interrupted, lock broken...
    var result: String
    var started: Date
    var finished: Date
    var playVersion: String
    var note: String

    var durationSeconds: Double { max(0, finished.timeIntervalSince(started)) }

    var value: Value {
        .dict([
            "app": .string(app), "run": .string(run), "user": .string(user), "host": .string(host), "flow": .string(flow),
            "version_from": .string(versionFrom), "version_to": .string(versionTo),
            "launched": .list(launched.map(Value.string)), "registered": .list(registered.map(Value.string)),
            "stopped": .list(stopped.map(Value.string)), "result": .string(result),
            "started": .string(DeployTime.text(started)), "finished": .string(DeployTime.text(finished)),
            "duration_seconds": .double((durationSeconds * 10).rounded() / 10), "play_version": .string(playVersion),
            "note": .string(note),
        ])
    }

    var json: Data { Data(value.jsonString(sortKeys: true).utf8) }

    init(app: String, run: String, user: String, host: String, flow: String, versionFrom: String, versionTo: String,
         launched: [String] = [], registered: [String] = [], stopped: [String] = [], result: String, started: Date,
         finished: Date, playVersion: String = PlayBuild.version, note: String = "") {
        self.app = app
        self.run = run
        self.user = user
        self.host = host
        self.flow = flow
        self.versionFrom = versionFrom
        self.versionTo = versionTo
        self.launched = launched
        self.registered = registered
        self.stopped = stopped
        self.result = result
        self.started = started
        self.finished = finished
        self.playVersion = playVersion
        self.note = note
    }

    init?(json: Data) {
        guard case .dict(let d)? = try? Value.parseJSON(String(decoding: json, as: UTF8.self)),
              let run = d["run"]?.stringValue else { return nil }
        func text(_ key: String) -> String { d[key]?.stringValue ?? "" }
        func ids(_ key: String) -> [String] { (d[key]?.listValue ?? []).compactMap(\.stringValue) }
        func date(_ key: String) -> Date { DeployTime.parse(text(key)) ?? Date(timeIntervalSince1970: 0) }
        self.init(app: text("app"), run: run, user: text("user"), host: text("host"), flow: text("flow"),
                  versionFrom: text("version_from"), versionTo: text("version_to"), launched: ids("launched"),
                  registered: ids("registered"), stopped: ids("stopped"), result: text("result"), started: date("started"),
                  finished: date("finished"), playVersion: text("play_version"), note: text("note"))
    }

    /// One line for `--tags history`:
    /// `2026-12-07T19:40:02Z deploy 1 -> 2 success in 41.2 s by alice@build-7; launched i-1, i-2; ...`
    var line: String {
        var text = "\(DeployTime.text(finished)) \(flow)"
        if !versionFrom.isEmpty || !versionTo.isEmpty {
            text += " \(versionFrom.isEmpty ? "-" : versionFrom) -> \(versionTo.isEmpty ? "-" : versionTo)"
        }
        text += " \(result) in \(String(format: "%.1f", durationSeconds)) s by \(user)@\(host)"
        for (word, list) in [("launched", launched), ("registered", registered), ("stopped", stopped)] where !list.isEmpty {
            text += "; \(word) \(list.joined(separator: ", "))"
        }
        if !note.isEmpty { text += "; \(note)" }
        return text + " (play \(playVersion), run \(run.prefix(8)))"
    }
}

/// Which `play` made a record: the first 12 hex digits of the running executable's SHA-256 (the
/// project has no release numbers; the digest names the exact build).
enum PlayBuild {
    /// Computed once per process (the executable does not change while it runs).
    static let version: String = {
        guard let digests = try? StreamingDigest.hashFile(URL(fileURLWithPath: "/proc/self/exe"), algorithms: [.sha256]),
              let first = digests.first else { return "unknown" }
        return "build " + String(first.hexString.prefix(12))
    }()
}
