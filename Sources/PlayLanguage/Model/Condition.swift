import PlayBase

/// One `when:` / `failed_when:` / `changed_when:` / `until:` entry: a bare Jinja2 expression
/// (no `{{ }}`), evaluated at run time. A YAML boolean is kept as the expression `True` / `False`.
public struct Condition: Sendable, Hashable {
    public var expression: String
    public var location: SourceLocation

    public init(expression: String, location: SourceLocation) {
        self.expression = expression
        self.location = location
    }
}
