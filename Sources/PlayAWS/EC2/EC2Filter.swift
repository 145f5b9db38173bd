/// A DescribeX filter: `name` matches any of `values` (wildcards `*` and `?` allowed by AWS).
public struct EC2Filter: Sendable, Hashable {
    public var name: String
    public var values: [String]

    public init(_ name: String, _ values: [String]) {
        self.name = name
        self.values = values
    }

    /// `tag:<key>` equal to one of `values`.
    public static func tag(_ key: String, _ values: String...) -> EC2Filter { EC2Filter("tag:\(key)", values) }

    /// `instance-state-name` in `states` (pending, running, shutting-down, terminated, stopping, stopped).
    public static func state(_ states: String...) -> EC2Filter { EC2Filter("instance-state-name", states) }

    /// Filters for "all of these tags" (AND across tags), as the deploy modules look instances up.
    public static func tags(_ tags: [String: String]) -> [EC2Filter] {
        tags.sorted { $0.key < $1.key }.map { EC2Filter("tag:\($0.key)", [$0.value]) }
    }
}
