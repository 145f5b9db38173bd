import OrderedCollections
import PlayBase
import Yams

/// Reads Ansible's YAML (and JSON) inventory format into the graph:
///
///     all:
///       vars: {ntp: time.example.com}
///       children:
///         web:
///           hosts:
///             web[01:03]: {ansible_port: 2222}
///
/// Every top-level key is a group; a group has `hosts`, `children` and `vars`, each a mapping
/// (a bare string is taken as a one-entry mapping). Keys in the file's order decide what is
/// declared first, as in Ansible.
struct YAMLInventoryParser {
    let file: String
    let source: InventorySourceInfo
    let loader: YAMLLoader

    /// Parses a document already known to be a mapping (plugin configurations, with a `plugin:`
    /// key, went to `InventorySourceLoader.loadPluginSource` instead).
    func parse(_ root: Node, into graph: inout InventoryGraph, warnings: inout [Diagnostic]) throws {
        guard let mapping = root.mapping else {
            throw Diagnostic.error(at: location(root), "YAML inventory has invalid structure, it should be a dictionary, got: \(typeName(root))")
        }
        for (key, value) in mapping {
            _ = try parseGroup(try name(of: key, what: "group"), key: key, value, &graph, &warnings)
        }
    }

    /// Declares the group and reads its sections; returns nil when the entry is not a group.
    private func parseGroup(_ group: String, key: Node, _ rawData: Node?, _ graph: inout InventoryGraph,
                            _ warnings: inout [Diagnostic]) throws -> Int? {
        let data = rawData.flatMap { isNull($0) ? nil : $0 }
        guard data == nil || data?.mapping != nil else {
            warnings.append(.init(.warning, at: location(key), "Skipping '\(group)' as this is not a valid group definition",
                                  notes: ["a group is a mapping with hosts, children and vars"]))
            return nil
        }
        let g = graph.addGroup(group)
        guard let mapping = data?.mapping else { return g }

        for (sectionKey, rawSection) in mapping {
            let section = sectionKey.string ?? ""
            let entries: [(key: Node, value: Node?)]
            if isNull(rawSection) {
                continue
            } else if let m = rawSection.mapping {
                entries = m.map { ($0.key, isNull($0.value) ? nil : $0.value) }
            } else if ["vars", "children", "hosts"].contains(section) {
                // `hosts: web1` means `hosts: {web1: null}`.
                guard rawSection.scalar != nil else {
                    throw Diagnostic.error(at: location(rawSection),
                        "Invalid \"\(section)\" entry for \"\(group)\" group, requires a dictionary, found \"\(typeName(rawSection))\" instead.")
                }
                entries = [(rawSection, nil)]
            } else {
                warnings.append(.init(.warning, at: location(sectionKey),
                    "Skipping key (\(section)) in group (\(group)) as it is not a mapping, it is a \(typeName(rawSection))"))
                continue
            }
            switch section {
            case "vars":
                for (varKey, varValue) in entries {
                    let value = try varValue.map { try loader.value(from: $0, file: file) } ?? .null
                    let varName = try name(of: varKey, what: "variable")
                    do throws(InventoryGraph.GraphError) {
                        try graph.setVariable(group: g, varName, value)
                    } catch {
                        throw Diagnostic.error(at: location(varValue ?? varKey), error.message)
                    }
                }
            case "children":
                for (childKey, childData) in entries {
                    let childName = try name(of: childKey, what: "group")
                    _ = try parseGroup(childName, key: childKey, childData, &graph, &warnings)
                    do throws(InventoryGraph.GraphError) {
                        if let child = graph.groupIndex[childName] {
                            try graph.addChild(parent: g, child: child)
                        } else if let host = graph.hostIndex[childName] {
                            graph.addHost(host, toGroup: g)
                        } else {
                            throw InventoryGraph.GraphError(message: "\(childName) is not a known host nor group")
                        }
                    } catch {
                        throw Diagnostic.error(at: location(childKey), error.message)
                    }
                }
            case "hosts":
                for (hostKey, hostData) in entries {
                    let pattern = try name(of: hostKey, what: "host")
                    let (names, port) = try INIInventoryParser.expandHostPattern(pattern, at: location(hostKey), ini: false)
                    var variables: [(String, Value)] = []
                    if let hostData {
                        guard let hostVars = hostData.mapping else {
                            throw Diagnostic.error(at: location(hostData),
                                "Invalid data from file, expected dictionary and got: \(typeName(hostData))",
                                notes: ["a host's entry holds its variables: \(pattern): {ansible_host: 127.0.0.1}"])
                        }
                        for (varKey, varValue) in hostVars {
                            variables.append((try name(of: varKey, what: "variable"), try loader.value(from: varValue, file: file)))
                        }
                    }
                    for hostName in names {
                        let h = graph.addHost(hostName, to: g, port: port, source: source)
                        for (k, v) in variables { graph.setVariable(host: h, k, v) }
                    }
                }
            default:
                warnings.append(.init(.warning, at: location(sectionKey),
                    "Skipping unexpected key (\(section)) in group (\(group)), only \"vars\", \"children\" and \"hosts\" are valid",
                    notes: Suggestions.didYouMean(section, in: ["vars", "children", "hosts"])))
            }
        }
        return g
    }

    /// A mapping key that must be a string (Ansible refuses `1:` as a host or group name).
    private func name(of key: Node, what: String) throws -> String {
        let value = try loader.value(from: key, file: file)
        guard case .string(let s) = value else {
            throw Diagnostic.error(at: location(key),
                "\(what.prefix(1).uppercased() + what.dropFirst()) name \(value.renderedString) must be a string, got \(value.typeName)",
                notes: ["enclose numbers in quotes: \"\(value.renderedString)\":"])
        }
        return s
    }

    private func isNull(_ node: Node) -> Bool {
        if case .scalar = node, (try? loader.value(from: node, file: file)) == .null { return true }
        return false
    }

    private func typeName(_ node: Node) -> String {
        switch node {
        case .mapping: return "dict"
        case .sequence: return "list"
        case .scalar, .alias: return (try? loader.value(from: node, file: file))?.typeName ?? "str"
        }
    }

    private func location(_ node: Node) -> SourceLocation { YAMLLoader.location(of: node, file: file) }
}
