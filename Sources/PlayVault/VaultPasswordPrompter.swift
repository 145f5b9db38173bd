/// Asks the user for passwords. The terminal implementation is the real one; the protocol lets a
/// caller with its own UI (or a test harness) supply answers.
public protocol VaultPasswordPrompter {
    /// Reads one line without its newline; `echo: false` hides what is typed. Returns nil at end of
    /// input (Ctrl-D); throws `.noTerminal` when nobody can answer, `.interrupted` on Ctrl-C.
    func read(prompt: String, echo: Bool) throws(VaultError) -> [UInt8]?
}
