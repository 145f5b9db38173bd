import Foundation
import PlayBase

/// Evaluates host patterns against the graph as Ansible's inventory manager does.
/// Results are host indices; `implicitLocalhost` stands for the implicit `localhost`, which is
/// not in the inventory and is created when a pattern names it and nothing else matches.
struct HostPatternMatcher {
    let graph: InventoryGraph

    static let localhostNames: Set<String> = ["localhost", "127.0.0.1", "::1"]

    var implicitLocalhost: Int { graph.hosts.count }

    /// The hosts a list of single patterns selects, in order, each once.
    /// `implicitName` is set to the name the implicit localhost was asked for by.
    func evaluate(_ patterns: [String], implicitName: inout String?) throws -> [Int] {
        var result: [Int] = []
        var present = Set<Int>()
        for p in HostPattern.ordered(patterns) {
            if let h = graph.hostIndex[p] {
                if present.insert(h).inserted { result.append(h) }
                continue
            }
            let that = try matchOne(p, implicitName: &implicitName)
            if p.hasPrefix("!") {
                let excluded = Set(that)
                result.removeAll { excluded.contains($0) }
                present.subtract(excluded)
            } else if p.hasPrefix("&") {
                let kept = Set(that)
                result.removeAll { !kept.contains($0) }
                present.formIntersection(kept)
            } else {
                for h in that where present.insert(h).inserted { result.append(h) }
            }
        }
        return result
    }

    /// One pattern, without its `&`/`!` prefix: groups whose names match contribute all their
    /// hosts; hosts whose names match are added when no group matched or the pattern has
    /// wildcards; then the subscript selects from that list.
    private func matchOne(_ raw: String, implicitName: inout String?) throws -> [Int] {
        let pattern = raw.hasPrefix("&") || raw.hasPrefix("!") ? String(raw.dropFirst()) : raw
        let (expression, subscriptPart) = HostPattern.splitSubscript(pattern)
        guard !expression.isEmpty else { return [] }
        let matcher = try NameMatcher(expression)

        var results: [Int] = []
        var matchedGroup = false
        for g in graph.groups.indices where matcher.matches(graph.groups[g].name) {
            matchedGroup = true
            results.append(contentsOf: graph.hosts(ofGroup: g))
        }
        if !matchedGroup || expression.hasPrefix("~") || expression.contains(where: { ".?*[".contains($0) }) {
            for h in graph.hosts.indices where matcher.matches(graph.hosts[h].name) {
                results.append(h)
            }
        }
        if results.isEmpty, Self.localhostNames.contains(expression) {
            if implicitName == nil { implicitName = expression }
            results = [implicitLocalhost]
        }
        guard let selected = HostPattern.apply(subscriptPart, to: results) else {
            throw Diagnostic.error(at: nil, "No hosts matched the subscripted pattern '\(pattern)'",
                notes: ["'\(expression)' has \(results.count) host\(results.count == 1 ? "" : "s"); subscripts count from 0"])
        }
        return selected
    }

    /// The single patterns (without `&`/`!` and subscript) that name no group and no host,
    /// for Ansible's "Could not match supplied host pattern, ignoring: X" warning.
    func unmatched(_ patterns: [String]) -> [String] {
        var result: [String] = []
        for raw in HostPattern.ordered(patterns) where graph.hostIndex[raw] == nil {
            let pattern = raw.hasPrefix("&") || raw.hasPrefix("!") ? String(raw.dropFirst()) : raw
            let (expression, _) = HostPattern.splitSubscript(pattern)
            guard expression != "all", !Self.localhostNames.contains(expression),
                  let matcher = try? NameMatcher(expression) else { continue }
            let matches = graph.groups.contains { matcher.matches($0.name) } || graph.hosts.contains { matcher.matches($0.name) }
            if !matches && !result.contains(expression) { result.append(expression) }
        }
        return result
    }

    /// `--limit` text: patterns, where `@FILE` reads one pattern per line from FILE.
    static func limitPatterns(_ limit: String) throws -> [String] {
        var result: [String] = []
        for p in HostPattern.split(limit) {
            guard p.hasPrefix("@") else { result.append(p); continue }
            let path = String(p.dropFirst())
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw Diagnostic.error(at: nil, "Unable to find limit file \(path)",
                                       notes: ["--limit @FILE reads host patterns from FILE, one a line (a .retry file, for instance)"])
            }
            guard !isDirectory.boolValue else {
                throw Diagnostic.error(at: nil, "Limit starting with \"@\" must be a file, not a directory: \(path)")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Diagnostic.error(at: nil, "could not read limit file \(path)", notes: ["check that the file is readable UTF-8 text"])
            }
            result.append(contentsOf: text.split(separator: "\n", omittingEmptySubsequences: false).map { HostPattern.trimmed($0) })
        }
        return result
    }
}
