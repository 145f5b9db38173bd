/// Everything that can go wrong in the vault. `message` follows ansible-vault's wording where
/// ansible has one, so scripts and habits carry over; it never contains a password or plaintext.
public struct VaultError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure; a struct rather than an enum so new kinds break no caller.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String { name }

        /// The bytes are not `$ANSIBLE_VAULT...` ASCII text.
        public static let notVaultData = Kind(name: "not vault data")
        /// The envelope or the hex body is malformed (reported at once, never as a wrong password).
        public static let format = Kind(name: "format")
        public static let unknownCipher = Kind(name: "unknown cipher")
        /// No secret passed the HMAC check: a wrong password or tampered data (indistinguishable).
        public static let decryptionFailed = Kind(name: "decryption failed")
        public static let noSecrets = Kind(name: "no secrets")
        public static let alreadyEncrypted = Kind(name: "already encrypted")
        /// An empty password, or a password source that cannot be used.
        public static let invalidPassword = Kind(name: "invalid password")
        public static let passwordSource = Kind(name: "password source")
        public static let noTerminal = Kind(name: "no terminal")
        public static let invalidVaultID = Kind(name: "invalid vault id")
        public static let noEncryptSecret = Kind(name: "no encrypt secret")
        public static let io = Kind(name: "io")
        public static let editor = Kind(name: "editor")
        public static let interrupted = Kind(name: "interrupted")
        public static let notUTF8 = Kind(name: "not UTF-8")
        public static let crypto = Kind(name: "crypto")
    }

    public var kind: Kind
    public var message: String
    /// For format errors: 1-based line and column in the vault text of the offending character.
    public var line: Int?
    public var column: Int?
    /// For decryption failures: the labels of the secrets that were tried, in order.
    public var triedLabels: [String]

    public init(_ kind: Kind, _ message: String, line: Int? = nil, column: Int? = nil, triedLabels: [String] = []) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
        self.triedLabels = triedLabels
    }

    public var description: String { message }

    /// The same error with ansible's " for PATH" suffix.
    public func naming(_ path: String) -> VaultError {
        var copy = self
        copy.message += " for \(path)"
        return copy
    }
}
