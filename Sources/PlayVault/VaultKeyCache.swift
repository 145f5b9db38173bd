import Foundation

/// Derives the keys for each (password, salt) pair at most once and shares them between threads.
/// `play` decrypts many `!vault` values written with the same password and salt, and PBKDF2 with
/// 10,000 rounds is the expensive part; concurrent askers for one pair wait for a single derivation.
final class VaultKeyCache: @unchecked Sendable {
    /// One pair's slot; its own lock is held while deriving, so only that pair's askers wait.
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var keys: VaultKeys?
    }

    private let lock = NSLock()
    // Keyed by SHA-256 over the pair, so the cache keeps no second copy of the password.
    private var slots: [[UInt8]: Slot] = [:]
    private var derivations = 0

    /// How many PBKDF2 derivations ran (the cache's observable effect).
    var derivationCount: Int { lock.withLock { derivations } }

    func keys(password: [UInt8], salt: [UInt8]) throws(VaultError) -> VaultKeys {
        var material = withUnsafeBytes(of: UInt64(password.count).bigEndian) { Array($0) }
        material += password
        material += salt
        let id = VaultCrypto.sha256(material)
        material.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }

        let slot = lock.withLock {
            if let existing = slots[id] { return existing }
            let created = Slot()
            slots[id] = created
            return created
        }
        slot.lock.lock()
        defer { slot.lock.unlock() }
        if let keys = slot.keys { return keys }
        let keys = try VaultKeys.derive(password: password, salt: salt)
        slot.keys = keys
        lock.withLock { derivations += 1 }
        return keys
    }
}
