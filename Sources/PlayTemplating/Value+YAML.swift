import PlayBase

extension Value {
    /// YAML text as PyYAML's `yaml.dump` writes it (sorted keys): block style with `indent`
    /// spaces, or with leaf collections inline when `flowLeaves` (default_flow_style=None).
    public func yamlString(indent: Int = 2, flowLeaves: Bool = false) -> String {
        YAMLWriter(indent: indent, flowLeaves: flowLeaves).write(self)
    }
}
