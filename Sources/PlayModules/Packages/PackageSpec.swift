/// One entry of a package module's `name` list split the way the package managers read it:
/// `nginx`, `nginx=1.22*` (apt's exact or wildcard version), `nginx>=1.22`, `nginx-1.22` stays a
/// name (dnf resolves those itself).
struct PackageSpec: Sendable, Hashable {
    enum Comparison: String, Sendable, Hashable {
        case equal = "="
        case atLeast = ">="
    }

    var name: String
    var comparison: Comparison?
    var version: String?

    init(name: String, comparison: Comparison? = nil, version: String? = nil) {
        self.name = name
        self.comparison = comparison
        self.version = version
    }

    /// Splits at the first `=` or `>=` as apt does; text without one is a bare name.
    init(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let eq = trimmed.firstIndex(of: "=") else {
            name = trimmed
            return
        }
        var nameEnd = eq
        comparison = .equal
        if eq > trimmed.startIndex, trimmed[trimmed.index(before: eq)] == ">" {
            nameEnd = trimmed.index(before: eq)
            comparison = .atLeast
        }
        name = String(trimmed[..<nameEnd])
        version = String(trimmed[trimmed.index(after: eq)...])
    }

    /// The entries of a `name` list: each item, and comma-separated items within a string, as
    /// Ansible's `list` type splits `"a,b"`.
    static func list(_ values: [String]) -> [PackageSpec] {
        values.flatMap { $0.split(separator: ",") }.map { PackageSpec(String($0)) }.filter { !$0.name.isEmpty }
    }
}
