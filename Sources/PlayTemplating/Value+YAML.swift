import PlayBase

extension Value {
    /// YAML text as PyYAML's `yaml.dump` writes it (sorted keys): block style with `indent`
    /// spaces, or with leaf collections inline when `flowLeaves` (default_flow_style=None).
    public func yamlString(indent: Int = 2, flowLeaves: Bool = false) -> String {
        YAMLWriter(indent: indent, flowLeaves: flowLeaves).write(self)
    }
}

extension Value {
    /// The YAML of Ansible's callbacks with `result_format=yaml` (pretty results): block style,
    /// indent 4, multi-line strings as literal blocks, tidied as Ansible's lossy dumper does
    /// (trailing spaces and special characters dropped, tabs expanded).
    public func callbackYAML() -> String {
        YAMLWriter(indent: 4, flowLeaves: false, literalBlocks: true).write(self)
    }
}
