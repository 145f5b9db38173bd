import OrderedCollections
import PlayBase

/// Reads Ansible's INI inventory format into the graph:
///
///     web1 ansible_host=127.0.2.1          # before any section: ungrouped
///     [web]
///     web[01:10]:2222 role=front           # ranges, a port, inline variables
///     [web:vars]
///     http_port = 8080
///     [prod:children]
///     web
///
/// Values go through Python's literal rules (`5` is an int, `True` a bool, `yes` a string),
/// as Ansible does. `#` and `;` start comment lines. `[g:vars]` and `[g:children]` may name
/// groups declared later in the file; a group still undeclared at the end is an error.
struct INIInventoryParser {
    let file: String
    let source: InventorySourceInfo

    private enum State: String { case hosts, vars, children }

    private struct Pending {
        var line: Int
        var state: State
        var parents: [String] = []
    }

    func parse(_ text: String, into graph: inout InventoryGraph) throws(Diagnostic) {
        var pending: OrderedDictionary<String, Pending> = [:]
        var group = "ungrouped"
        var state = State.hosts
        var lineNumber = 0

        for rawLine in TextScan.lines(text) {
            lineNumber += 1
            let line = Self.strip(rawLine)
            guard let first = line.first, first != "#", first != ";" else { continue }
            let at = SourceLocation(file: file, line: lineNumber, column: 1)

            if let (name, tag) = Self.sectionHeader(line) {
                guard let newState = State(rawValue: tag ?? "hosts") else {
                    throw .error(at: at, "Section [\(name):\(tag ?? "")] has unknown type: \(tag ?? "")",
                                 notes: ["a section is [group], [group:vars] or [group:children]"])
                }
                group = name
                state = newState
                if graph.groupIndex[name] == nil {
                    // [g:vars] alone does not declare g; remember it until [g] or [g:children] does.
                    if state == .vars && pending[name] == nil { pending[name] = Pending(line: lineNumber, state: .vars) }
                    _ = graph.addGroup(name)
                }
                if let declared = pending[name], state != .vars {
                    if declared.state == .children {
                        try attachPendingChildren(name, &pending, &graph, at: at)
                    } else {
                        pending[name] = nil
                    }
                }
                continue
            }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                throw .error(at: at, "Invalid section entry: '\(line)'",
                             notes: ["a section header has no spaces and no other characters: [group], [group:vars] or [group:children]"])
            }

            switch state {
            case .hosts:
                try parseHostLine(line, group: group, graph: &graph, at: at)
            case .vars:
                guard let eq = line.utf8.firstIndex(of: UInt8(ascii: "=")) else {
                    throw .error(at: at, "Expected key=value, got: \(line)", notes: ["lines in a [\(group):vars] section set one variable each: name = value"])
                }
                let key = Self.strip(line[..<eq])
                let value = Self.value(Self.strip(line[line.utf8.index(after: eq)...]))
                do throws(InventoryGraph.GraphError) {
                    try graph.setVariable(group: graph.groupIndex[group]!, String(key), value)
                } catch {
                    throw .error(at: at, error.message)
                }
            case .children:
                guard let child = Self.childName(line) else {
                    throw .error(at: at, "Expected group name, got: \(line)", notes: ["lines in a [\(group):children] section name one group each"])
                }
                if let childIndex = graph.groupIndex[child] {
                    do throws(InventoryGraph.GraphError) { try graph.addChild(parent: graph.groupIndex[group]!, child: childIndex) }
                    catch { throw .error(at: at, error.message) }
                } else if pending[child] == nil {
                    pending[child] = Pending(line: lineNumber, state: .children, parents: [group])
                } else {
                    pending[child]!.parents.append(group)
                }
            }
        }

        if let (name, declaration) = pending.elements.first {
            let at = SourceLocation(file: file, line: declaration.line, column: 1)
            switch declaration.state {
            case .vars:
                throw .error(at: at, "Section [\(name):vars] not valid for undefined group '\(name)'.",
                             notes: ["declare the group with a [\(name)] or [\(name):children] section"] + Suggestions.didYouMean(name, in: graph.groupIndex.keys))
            default:
                throw .error(at: at, "Section [\(declaration.parents.last ?? name):children] includes undefined group '\(name)'.",
                             notes: ["declare the group with a [\(name)] or [\(name):children] section"] + Suggestions.didYouMean(name, in: graph.groupIndex.keys))
            }
        }
    }

    private func attachPendingChildren(_ name: String, _ pending: inout OrderedDictionary<String, Pending>,
                                       _ graph: inout InventoryGraph, at: SourceLocation) throws(Diagnostic) {
        guard let declaration = pending[name] else { return }
        for parent in declaration.parents {
            do throws(InventoryGraph.GraphError) { try graph.addChild(parent: graph.groupIndex[parent]!, child: graph.groupIndex[name]!) }
            catch { throw .error(at: at, error.message) }
            if let p = pending[parent], p.state == .children {
                try attachPendingChildren(parent, &pending, &graph, at: at)
            }
        }
        pending[name] = nil
    }

    /// `name [key=value ...]` with shell quoting; the name may hold ranges and a port.
    private func parseHostLine(_ line: Substring, group: String, graph: inout InventoryGraph, at: SourceLocation) throws(Diagnostic) {
        let words: [String]
        do throws(ShellWords.SplitError) { words = try ShellWords.split(line, syntax: .shlexWithComments) } catch {
            throw .error(at: at, "Error parsing host definition '\(line)': \(error.message)")
        }
        guard let pattern = words.first else { return }
        let (names, port) = try Self.expandHostPattern(pattern, at: at, ini: true)
        var variables: [(String, Value)] = []
        for word in words.dropFirst() {
            guard let eq = word.utf8.firstIndex(of: UInt8(ascii: "=")) else {
                throw .error(at: at, "Expected key=value host variable assignment, got: \(word)",
                             notes: ["quote values that contain spaces: name=\"a b\""])
            }
            variables.append((String(word[..<eq]), Self.value(word[word.utf8.index(after: eq)...])))
        }
        let groupIndex = graph.groupIndex[group]!
        for name in names {
            let host = graph.addHost(name, to: groupIndex, port: port, source: source)
            for (key, value) in variables { graph.setVariable(host: host, key, value) }
        }
    }

    /// A host entry's names and port: `host:port` is split off when the host reads as an
    /// address, then ranges are expanded.
    static func expandHostPattern(_ pattern: String, at: SourceLocation, ini: Bool) throws(Diagnostic) -> ([String], Int?) {
        var name = pattern
        var port: Int?
        if let parsed = HostAddress.parse(pattern, allowRanges: true) {
            name = parsed.host
            port = parsed.port
        }
        if ini, port == nil, TextScan.trim(Substring(pattern)).hasSuffix(":") {
            throw .error(at: at, "Invalid host pattern '\(pattern)' supplied, ending in ':' is not allowed, this character is reserved to provide a port.")
        }
        let names: [String]
        do throws(HostRange.RangeError) { names = try HostRange.expand(name) } catch {
            throw .error(at: at, "Invalid host range in '\(pattern)': \(error.message)",
                         notes: ["ranges look like web[01:10], db-[a:f] or web[1:9:2]"])
        }
        for n in names {
            if n.isEmpty { throw .error(at: at, "Invalid empty host name provided") }
            if ini, n.trimmingBlanks == "---" {
                throw .error(at: at, "Invalid host pattern '\(pattern)' supplied, '---' is normally a sign this is a YAML file.",
                             notes: ["give YAML inventories a .yml or .yaml extension"])
            }
        }
        return (names, port)
    }

    static func value(_ text: Substring) -> Value {
        let s = String(text)
        return PythonLiteral.parse(s) ?? .string(s)
    }

    /// `[name]` or `[name:tag]`, optionally followed by blanks and a `#` comment.
    static func sectionHeader(_ line: Substring) -> (String, String?)? {
        guard line.first == "[" else { return nil }
        var i = line.index(after: line.startIndex)
        let nameStart = i
        while i < line.endIndex, line[i] != ":", line[i] != "]", !line[i].isWhitespace { i = line.index(after: i) }
        guard i > nameStart, i < line.endIndex else { return nil }
        let name = String(line[nameStart..<i])
        var tag: String?
        if line[i] == ":" {
            i = line.index(after: i)
            let tagStart = i
            while i < line.endIndex, line[i].isLetter || line[i].isNumber || line[i] == "_" { i = line.index(after: i) }
            guard i > tagStart else { return nil }
            tag = String(line[tagStart..<i])
        }
        guard i < line.endIndex, line[i] == "]" else { return nil }
        let rest = line[line.index(after: i)...].drop(while: \.isWhitespace)
        guard rest.isEmpty || rest.first == "#" else { return nil }
        return (name, tag)
    }

    /// A group name on a `[g:children]` line, optionally followed by a `#` comment.
    static func childName(_ line: Substring) -> String? {
        var i = line.startIndex
        while i < line.endIndex, line[i] != ":", line[i] != "]", !line[i].isWhitespace { i = line.index(after: i) }
        guard i > line.startIndex else { return nil }
        let rest = line[i...].drop(while: \.isWhitespace)
        guard rest.isEmpty || rest.first == "#" else { return nil }
        return String(line[..<i])
    }

    /// Python's str.strip(): blanks and line ends on both sides.
    static func strip(_ s: Substring) -> Substring { TextScan.trim(s) }
}

extension String {
    var trimmingBlanks: String { String(INIInventoryParser.strip(Substring(self))) }
}
