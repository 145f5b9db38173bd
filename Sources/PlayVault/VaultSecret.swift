/// One vault password and the vault-id label it was given (`default` when none).
/// The password is a byte string: no normalisation, no re-encoding, exactly as ansible uses it.
public struct VaultSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let defaultLabel = "default"

    public let label: String
    package let password: [UInt8]

    /// Refuses an empty password: it would encrypt with a key anyone can derive.
    public init(label: String = VaultSecret.defaultLabel, password: [UInt8]) throws(VaultError) {
        guard !password.isEmpty else { throw VaultError(.invalidPassword, "Invalid vault password was provided") }
        self.label = label
        self.password = password
    }

    /// Never shows the password, so a secret can be logged or interpolated safely.
    public var description: String { "VaultSecret(label: \(label))" }
    public var debugDescription: String { description }
    /// `dump()` and debuggers see the label only.
    public var customMirror: Mirror { Mirror(self, children: ["label": label]) }
}
