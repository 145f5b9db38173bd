import Foundation
import PlayBase

/// `--report FILE.html`: one self-contained page (inline CSS and SVG, no scripts, nothing
/// fetched) showing a run: the recap, a timeline per host with tasks as bars coloured by status,
/// the slowest tasks, the failures with their messages and source places, and for deploy flows
/// the story (`DeployStory`).
public enum HTMLReport {
    static let colours: [TaskStatus: String] = [
        .ok: "#3a9d4f", .changed: "#d39b1a", .failed: "#c8343a", .skipped: "#3aa6b9", .unreachable: "#8e1b1f",
    ]
    static let stateColours = ["healthy": "#3a9d4f", "initial": "#8fb3d9", "unhealthy": "#c8343a",
                               "draining": "#d39b1a", "unused": "#9a9a9a", "unavailable": "#6d4c8f"]

    public static func render(_ record: RunRecord, story: DeployStory, title: String? = nil) -> String {
        let name = title ?? record.playbooks.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        var body = "<h1>\(escape(name.isEmpty ? "play run" : name))</h1>\n"
        let started = ISO8601DateFormatter().string(from: record.started)
        body += "<p class=\"meta\">started \(escape(started)), took \(seconds(record.duration))"
        body += record.interrupted ? ", <b>interrupted</b>" : ""
        body += "</p>\n"
        body += recap(record)
        body += "<h2>Timeline</h2>\n" + timeline(record)
        if story.isDeploy { body += "<h2>Deploy</h2>\n" + deploy(story, duration: record.duration) }
        body += "<h2>Slowest tasks</h2>\n" + slowest(record)
        body += "<h2>Failures</h2>\n" + failures(record)
        if !record.warnings.isEmpty {
            body += "<h2>Warnings</h2>\n<ul>" + record.warnings.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(name)) - play report</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
        .meta{color:#666;margin:0 0 12px}table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee}
        th{background:#f5f5f5}.num{text-align:right;font-variant-numeric:tabular-nums}
        .legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
        pre{background:#f7f7f7;padding:6px 8px;white-space:pre-wrap;margin:4px 0}.fail{color:#c8343a;font-weight:600}
        .story td:first-child{font-weight:600}
        </style></head><body>
        \(body)</body></html>

        """
    }

    static func recap(_ record: RunRecord) -> String {
        guard !record.stats.isEmpty else { return "" }
        var out = "<table><tr><th>host</th>" + ["ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"]
            .map { "<th class=\"num\">\($0)</th>" }.joined() + "</tr>\n"
        for (host, s) in record.stats {
            let cls = s.failed > 0 || s.unreachable > 0 ? " class=\"fail\"" : ""
            out += "<tr><td\(cls)>\(escape(host))</td>" + [s.ok, s.changed, s.unreachable, s.failed, s.skipped, s.rescued, s.ignored]
                .map { "<td class=\"num\">\($0)</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    /// One row per host; each task a bar from its start to its end on a shared time axis.
    static func timeline(_ record: RunRecord) -> String {
        let hosts = record.hosts
        guard !hosts.isEmpty else { return "<p>No task ran.</p>\n" }
        let label = 170.0, width = 1000.0, row = 22.0, top = 24.0
        let span = max(record.duration, record.runs.map(\.end).max() ?? 0, 0.001)
        let plot = width - label - 10
        func x(_ t: Double) -> Double { label + t / span * plot }
        var svg = "<svg width=\"\(Int(width))\" height=\"\(Int(top + row * Double(hosts.count) + 10))\" role=\"img\" aria-label=\"timeline\">\n"
        for i in 0...5 {
            let t = span * Double(i) / 5
            svg += "<line x1=\"\(fmt(x(t)))\" y1=\"\(fmt(top - 6))\" x2=\"\(fmt(x(t)))\" y2=\"\(fmt(top + row * Double(hosts.count)))\" stroke=\"#e4e4e4\"/>"
            let anchor = i == 0 ? "start" : (i == 5 ? "end" : "middle")
            svg += "<text x=\"\(fmt(x(t)))\" y=\"12\" font-size=\"11\" text-anchor=\"\(anchor)\" fill=\"#777\">\(seconds(t))</text>\n"
        }
        for (i, host) in hosts.enumerated() {
            let y = top + row * Double(i)
            svg += "<text x=\"0\" y=\"\(fmt(y + 14))\" font-size=\"12\">\(escape(host))</text>\n"
            for run in record.runs where run.host == host {
                let w = max(2, x(run.end) - x(run.start))
                let colour = colours[run.status] ?? "#999"
                let tip = "\(run.task): \(run.status.rawValue)\(run.ignored ? " (ignored)" : ""), \(seconds(run.end - run.start))"
                svg += "<rect x=\"\(fmt(x(run.start)))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(w))\" height=\"\(fmt(row - 6))\" fill=\"\(colour)\" stroke=\"#fff\" stroke-width=\"0.5\"><title>\(escape(tip))</title></rect>\n"
            }
        }
        svg += "</svg>\n"
        let legend = "<p class=\"legend\">" + [TaskStatus.ok, .changed, .failed, .skipped, .unreachable]
            .map { "<span><i style=\"background:\(colours[$0]!)\"></i>\($0.rawValue)</span>" }.joined() + "</p>\n"
        return svg + legend
    }

    static func slowest(_ record: RunRecord, count: Int = 10) -> String {
        let runs = record.runs.sorted { ($0.end - $0.start) > ($1.end - $1.start) }.prefix(count)
        guard !runs.isEmpty else { return "<p>No task ran.</p>\n" }
        var out = "<table><tr><th>task</th><th>host</th><th>play</th><th>status</th><th class=\"num\">time</th></tr>\n"
        for r in runs {
            out += "<tr><td>\(escape(r.task))</td><td>\(escape(r.host))</td><td>\(escape(r.play))</td>"
                + "<td>\(r.status.rawValue)\(r.ignored ? " (ignored)" : "")</td><td class=\"num\">\(seconds(r.end - r.start))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    static func failures(_ record: RunRecord) -> String {
        let failed = record.runs.filter { $0.status == .failed || $0.status == .unreachable }
        guard !failed.isEmpty else { return "<p>None.</p>\n" }
        var out = ""
        for r in failed {
            out += "<div><span class=\"fail\">\(escape(r.host))</span>: \(escape(r.task))"
            out += r.ignored ? " (ignored)" : ""
            if let loc = r.location, !loc.isSynthetic { out += " at <code>\(escape(HumanRenderer.absolute(loc).description))</code>" }
            out += "<pre>\(escape(r.message ?? "failed without a message"))</pre></div>\n"
        }
        return out
    }

    static func deploy(_ story: DeployStory, duration: Double) -> String {
        func ids(_ list: [String]) -> String { list.isEmpty ? "none" : escape(list.joined(separator: ", ")) }
        var out = "<table class=\"story\">\n"
        out += "<tr><td>version before</td><td>\(ids(story.versionsBefore))</td></tr>\n"
        out += "<tr><td>version after</td><td>\(ids(story.versionsAfter))</td></tr>\n"
        out += "<tr><td>launched</td><td>\(ids(story.launched))</td></tr>\n"
        out += "<tr><td>registered</td><td>\(ids(story.registered))</td></tr>\n"
        out += "<tr><td>taken out</td><td>\(ids(story.deregistered))</td></tr>\n"
        out += "<tr><td>stopped</td><td>\(ids(story.stopped))</td></tr>\n"
        out += "<tr><td>terminated</td><td>\(ids(story.terminated))</td></tr>\n"
        if let load = story.load {
            let answers = load.versions.map { "\(escape($0.version)): \($0.count)" }.joined(separator: ", ")
            out += "<tr><td>load balancer answered</td><td>\(load.requests) requests (\(String(format: "%.1f", load.rps))/s), "
                + "\(load.failures) failed; by version: \(answers.isEmpty ? "none" : answers)</td></tr>\n"
            if !load.failureReasons.isEmpty {
                out += "<tr><td>failures</td><td>" + load.failureReasons.map { "\(escape($0.reason)): \($0.count)" }
                    .joined(separator: ", ") + "</td></tr>\n"
            }
        }
        out += "</table>\n"
        if !story.health.isEmpty { out += "<h3>Target health</h3>\n" + healthChart(story, duration: duration) }
        return out
    }

    /// Stacked bars of target states at each progress line, on the run's time axis.
    static func healthChart(_ story: DeployStory, duration: Double) -> String {
        let width = 1000.0, height = 160.0, left = 40.0, bottom = 20.0
        let span = max(duration, story.health.map(\.time).max() ?? 0, 0.001)
        let most = max(1, story.health.map { $0.counts.reduce(0) { $0 + $1.count } }.max() ?? 1)
        let unit = (height - bottom - 10) / Double(most)
        let bar = max(3, min(14, (width - left) / Double(max(1, story.health.count)) - 1))
        var svg = "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"target health\">\n"
        svg += "<text x=\"0\" y=\"14\" font-size=\"11\" fill=\"#777\">\(most)</text><text x=\"0\" y=\"\(fmt(height - bottom))\" font-size=\"11\" fill=\"#777\">0</text>\n"
        for sample in story.health {
            let x = left + sample.time / span * (width - left - bar)
            var y = height - bottom
            for (state, count) in sample.counts {
                let h = unit * Double(count)
                y -= h
                svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(bar))\" height=\"\(fmt(h))\" fill=\"\(stateColours[state] ?? "#999")\"><title>\(seconds(sample.time)): \(count) \(state)</title></rect>\n"
            }
        }
        svg += "<text x=\"\(fmt(width - 4))\" y=\"\(fmt(height - 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#777\">\(seconds(span))</text>\n</svg>\n"
        let legend = "<p class=\"legend\">" + DeployStory.states.map {
            "<span><i style=\"background:\(stateColours[$0]!)\"></i>\($0)</span>"
        }.joined() + "</p>\n"
        return svg + legend
    }

    static func seconds(_ t: Double) -> String {
        if t < 1 { return String(format: "%.0fms", t * 1000) }
        return t < 10 ? String(format: "%.2fs", t) : String(format: "%.1fs", t)
    }
    static func fmt(_ d: Double) -> String { String(format: "%.1f", d) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
