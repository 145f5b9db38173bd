/// A `--vault-id LABEL@SOURCE` argument: where a password comes from and the label it gets.
public struct VaultID: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// `prompt`: asked on the terminal, the prompt naming the label.
        case prompt
        /// `--ask-vault-pass`: asked with ansible's older, label-less prompt text.
        case askVaultPass
        /// A password file, or an executable script whose output is the password.
        case file(String)
    }

    /// The label as given; nil for `SOURCE` or `@SOURCE`, which mean `default`.
    public var label: String?
    public var source: Source

    public init(label: String?, source: Source) {
        self.label = label?.isEmpty == true ? nil : label
        self.source = source
    }

    public var effectiveLabel: String { label ?? VaultSecret.defaultLabel }

    /// Splits at the first `@` as ansible does; `;` is refused anywhere (it would corrupt a header),
    /// and so is a label that would not survive a round trip through a vault header.
    public static func parse(_ argument: String) throws(VaultError) -> VaultID {
        guard !argument.contains(";") else {
            throw VaultError(.invalidVaultID,
                "'\(argument)' is not a valid vault id. The character ';' is not allowed in vault ids")
        }
        let label: String?, source: String
        if let at = argument.firstIndex(of: "@") {
            label = String(argument[..<at])
            source = String(argument[argument.index(after: at)...])
        } else {
            label = nil
            source = argument
        }
        if let label, !label.isEmpty { try validateLabel(label, argument: argument) }
        switch source {
        case "prompt": return VaultID(label: label, source: .prompt)
        case "prompt_ask_vault_pass": return VaultID(label: label, source: .askVaultPass)
        default: return VaultID(label: label, source: .file(source))
        }
    }

    /// A label must be non-empty printable ASCII without spaces, `;` or `@`.
    public static func validateLabel(_ label: String, argument: String? = nil) throws(VaultError) {
        let ok = !label.isEmpty && label.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "@") }
        guard ok else {
            throw VaultError(.invalidVaultID,
                "'\(argument ?? label)' is not a valid vault id. A vault id label must be printable ASCII without spaces, ';' or '@'")
        }
    }
}
