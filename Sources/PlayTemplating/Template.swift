import PlayBase

/// A parsed template: text with `{{ }}`, `{% %}` blocks and `{# #}` comments.
struct Template: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case output(TemplateExpression)
        case ifBlock(branches: [(TemplateExpression, [Node])], otherwise: [Node]?)
        case forBlock(targets: [String], iterable: TemplateExpression, filter: TemplateExpression?, body: [Node], otherwise: [Node]?)
        case set(SetTarget, TemplateExpression)
        case setBlock(name: String, body: [Node])
        /// `{% macro name(a, b=default) %}...{% endmacro %}`: defined where it stands, called by name.
        case macro(Macro)
    }

    struct Macro: Sendable {
        var name: String
        var parameters: [(name: String, fallback: TemplateExpression?)]
        var body: [Node]
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

    /// Ansible keeps the input's trailing newlines: Jinja drops one, and trim_blocks may eat the one
    /// after a closing tag; the output gets back as many as it lacks.
    /// A native result that is a string gets them too (`"{{ item }}\n"` is the item and a
    /// newline); other values stay as they are (`"{{ 5 }}\n"` is 5).
    func restoringTrailingNewlines(_ value: Value) -> Value {
        guard trailingNewline, case .string(let s) = value else { return value }
        return .string(restoringTrailingNewlines(s))
    }

    func restoringTrailingNewlines(_ text: String) -> String {
        guard trailingNewline else { return text }
        let wanted = source.utf8.reversed().prefix { $0 == 0x0A }.count
        let present = text.utf8.reversed().prefix { $0 == 0x0A }.count
        return wanted > present ? text + String(repeating: "\n", count: wanted - present) : text
    }

    /// Plain text without any template syntax.
    var constantText: String? {
        if nodes.isEmpty { return "" }
        if nodes.count == 1, case .text(let t) = nodes[0] { return t }
        return nil
    }
}
