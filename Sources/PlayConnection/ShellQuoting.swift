import PlayBase

/// Quoting for the remote paths in the command lines we build; plain words go through
/// `ShellWords.quote`.
public enum ShellQuoting {
    /// A remote path as one shell word; a leading `~` or `~/` refers to the remote user's home,
    /// as in Ansible, so it is left outside the quotes for the shell to expand.
    public static func quotePath(_ path: String) -> String {
        if path == "~" { return "\"$HOME\"" }
        if path.hasPrefix("~/") { return "\"$HOME\"/" + ShellWords.quote(String(path.dropFirst(2))) }
        return ShellWords.quote(path)
    }
}
