/// Parsing without rendering: nothing is looked up, evaluated or run (a `lookup('pipe', ...)`
/// stays text). For syntax checks and the fuzz targets.
extension Templar {
    /// Parses template text (`{{ }}`, `{% %}`, `{# #}`) as the template module reads it.
    public static func checkSyntax(template text: String) throws(TemplateError) {
        _ = try TemplateParser(source: text, decodeEscapes: true).parse()
    }

    /// Parses a bare expression, as `when:` holds one.
    public static func checkSyntax(expression text: String) throws(TemplateError) {
        _ = try ParseCache().expression(text.trimmingSpaces)
    }
}
