/// A parsed template: text with `{{ }}`, `{% %}` blocks and `{# #}` comments.
struct Template: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case output(TemplateExpression)
        case ifBlock(branches: [(TemplateExpression, [Node])], otherwise: [Node]?)
        case forBlock(targets: [String], iterable: TemplateExpression, filter: TemplateExpression?, body: [Node], otherwise: [Node]?)
        case set(SetTarget, TemplateExpression)
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
    var singleExpression: TemplateExpression? {
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
