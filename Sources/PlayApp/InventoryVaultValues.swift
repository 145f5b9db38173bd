import Foundation
import OrderedCollections
import PlayBase

/// `play inventory` shows a `!vault` value as ansible-inventory does, as its envelope
/// (`{"__ansible_vault": "$ANSIBLE_VAULT;..."}`), never its plaintext: the inventory is still
/// loaded with the real secrets (an inventory plugin may need them), and the listing puts each
/// recorded plaintext's envelope back. A wholly encrypted file's values are shown, as Ansible does.
final class InventoryVaultValues: VaultSecretResolver, @unchecked Sendable {
    private let inner: any VaultSecretResolver
    private let lock = NSLock()
    private var envelopes: [String: String] = [:]

    init(_ inner: any VaultSecretResolver) { self.inner = inner }

    func decrypt(_ envelope: String, source: SourceLocation) throws -> String {
        let plaintext = try inner.decrypt(envelope, source: source)
        if !source.isSynthetic {
            let text = envelope.hasSuffix("\n") ? envelope : envelope + "\n"
            lock.withLock { envelopes[plaintext] = text }
        }
        return plaintext
    }

    /// `value` with every string that came from a `!vault` replaced by its envelope.
    func restoringEnvelopes(_ value: Value) -> Value {
        let known = lock.withLock { envelopes }
        guard !known.isEmpty else { return value }
        func walk(_ v: Value) -> Value {
            switch v {
            case .string(let s):
                if let envelope = known[s] { return .dict(["__ansible_vault": .string(envelope)]) }
                return v
            case .list(let items): return .list(items.map(walk))
            case .dict(let entries):
                var out = OrderedDictionary<String, Value>()
                for (k, item) in entries { out[k] = walk(item) }
                return .dict(out)
            default: return v
            }
        }
        return walk(value)
    }
}
