import PlayBase

extension Inventory {
    /// An INI inventory read from text alone, with no group_vars/host_vars beside it: for tools
    /// that check a text and for the fuzz target.
    public static func parsingINI(_ text: String, file: String) throws(Diagnostic) -> Inventory {
        var graph = InventoryGraph()
        try INIInventoryParser(file: file, source: InventorySourceInfo(file: file, directory: nil)).parse(text, into: &graph)
        return Inventory(graph: graph, loader: YAMLLoader(), warnings: [])
    }
}
