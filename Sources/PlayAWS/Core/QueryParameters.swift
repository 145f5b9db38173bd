/// The parameters of a Query-protocol call (EC2, ELBv2, IAM) in the order they are added,
/// with the list conventions of each service: `Name.1` (EC2) and `Name.member.1` (ELBv2, IAM).
struct QueryParameters: Sendable {
    private(set) var pairs: [(String, String)]

    init(action: String, version: String) {
        pairs = [("Action", action), ("Version", version)]
    }

    var action: String { pairs[0].1 }

    mutating func set(_ name: String, _ value: String?) {
        if let value { pairs.append((name, value)) }
    }

    mutating func set(_ name: String, _ value: Int?) {
        if let value { pairs.append((name, String(value))) }
    }

    mutating func set(_ name: String, _ value: Bool?) {
        if let value { pairs.append((name, value ? "true" : "false")) }
    }

    /// EC2 lists: `InstanceId.1`, `InstanceId.2`...
    mutating func list(_ prefix: String, _ values: [String]) {
        for (i, value) in values.enumerated() { pairs.append(("\(prefix).\(i + 1)", value)) }
    }

    /// ELBv2/IAM lists: `Names.member.1`...
    mutating func members(_ prefix: String, _ values: [String]) {
        for (i, value) in values.enumerated() { pairs.append(("\(prefix).member.\(i + 1)", value)) }
    }

    /// EC2 filters: `Filter.1.Name`, `Filter.1.Value.1`...
    mutating func filters(_ filters: [EC2Filter]) {
        for (i, filter) in filters.enumerated() {
            pairs.append(("Filter.\(i + 1).Name", filter.name))
            list("Filter.\(i + 1).Value", filter.values)
        }
    }

    /// EC2 `TagSpecification.N` for resource types, tags sorted by key so bodies are stable.
    mutating func tagSpecifications(_ resourceTypes: [String], tags: [String: String]) {
        guard !tags.isEmpty else { return }
        let sorted = tags.sorted { $0.key < $1.key }
        for (i, type) in resourceTypes.enumerated() {
            let prefix = "TagSpecification.\(i + 1)"
            pairs.append(("\(prefix).ResourceType", type))
            for (j, tag) in sorted.enumerated() {
                pairs.append(("\(prefix).Tag.\(j + 1).Key", tag.key))
                pairs.append(("\(prefix).Tag.\(j + 1).Value", tag.value))
            }
        }
    }

    var body: String { URIEncoding.formBody(pairs) }
}
