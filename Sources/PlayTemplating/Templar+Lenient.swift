import PlayBase

extension Templar {
    /// Renders text for display where a failure must not stop the run (task names in banners):
    /// each `{{ }}` that fails is replaced by `<< error N - message >>`, numbered in order, as
    /// ansible-core 2.19 shows it; the rest renders normally.
    public func renderLeniently(_ text: String, _ vars: some VariableLookup) -> String {
        if let whole = try? renderString(text, vars) { return whole.renderedString }
        var out = ""
        var errors = 0
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let segment = String(rest[open.lowerBound..<close.upperBound])
            do {
                out += try renderString(segment, vars).renderedString
            } catch {
                errors += 1
                out += "<< error \(errors) - \(error.message) >>"
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
