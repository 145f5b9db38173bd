/// A parsed template: text with `{{ }}`, `{% %}` blocks and `{# #}` comments.
struct Template: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case output(Expression)
        case ifBlock(branches: [(Expression, [Node])], otherwise: [Node]?)
        case forBlock(targets: [String], iterable: Expression, filter: Expression?, body: [Node], otherwise: [Node]?)
        case set(SetTarget, Expression)
        case setBlock(name: String, body: [Node])
    }

    enum SetTarget: Sendable {
        case names([String])
        /// `{% set ns.attr = value %}` on a namespace().
        case attribute(String, String)
    }

    var nodes: [Node]
    /// The template's text, for error messages.
    var source: String
    /// The template ended with a newline that the parser removed (Jinja's keep_trailing_newline off);
    /// Ansible puts it back on text results.
    var trailingNewline: Bool

    /// The expression when the whole template is exactly one `{{ expr }}`: its value is native.
    var singleExpression: Expression? {
        if nodes.count == 1, case .output(let e) = nodes[0] { return e }
        return nil
    }

    /// Plain text without any template syntax.
    var constantText: String? {
        if nodes.isEmpty { return "" }
        if nodes.count == 1, case .text(let t) = nodes[0] { return t }
        return nil
    }
}
