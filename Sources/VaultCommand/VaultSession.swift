#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PlayBase
import PlayVault

/// What every subcommand shares: the environment, the console, and loading secrets the way
/// ansible-vault's `run()` does for reading and for encrypting actions.
struct VaultSession {
    let options: VaultSecretOptions
    let console: Console
    let environment: [String: String]
    let loader: VaultSecretLoader

    init(options: VaultSecretOptions, console: Console) throws {
        // Files we create are private, as ansible-vault's `umask 077`.
        umask(0o077)
        self.options = options
        self.console = console
        // ansible.cfg's vault settings reach the loader as the ANSIBLE_VAULT_* variables it reads.
        environment = try Configuration.forProcess().vaultEnvironment(ProcessInfo.processInfo.environment)
        loader = VaultSecretLoader(environment: environment)
        for id in options.vaultIDs {
            do { _ = try VaultID.parse(id) } catch { throw VaultCLIError.options(error.message) }
        }
    }

    /// The `--encrypt-vault-id` option, else `ANSIBLE_VAULT_ENCRYPT_IDENTITY`.
    func encryptVaultID(_ option: String?) -> String? {
        if let option, !option.isEmpty { return option }
        if let configured = environment["ANSIBLE_VAULT_ENCRYPT_IDENTITY"], !configured.isEmpty { return configured }
        return nil
    }

    /// Secrets to decrypt with (view, decrypt, edit, rekey): prompts when nothing else is given.
    func readingKeyring() throws -> VaultKeyring {
        let ids = try loader.vaultIDs(arguments: options.vaultIDs, passwordFiles: options.passwordFiles,
                                      askVaultPass: options.askVaultPass, autoPrompt: true)
        let secrets = try loader.load(ids, purpose: .decrypt, warn: console.warning)
        guard !secrets.isEmpty else { throw VaultCLIError.options("A vault password is required to use Ansible's Vault") }
        return VaultKeyring(secrets: secrets, requireLabelMatch: VaultKeyring.requireLabelMatch(environment))
    }

    /// The keyring and the one secret to encrypt with (create, encrypt, encrypt_string): new
    /// passwords are asked twice; several secrets need `--encrypt-vault-id`.
    func encryptingSecret(encryptVaultID option: String?) throws -> (VaultKeyring, VaultSecret) {
        let ids = try loader.vaultIDs(arguments: options.vaultIDs, passwordFiles: options.passwordFiles,
                                      askVaultPass: options.askVaultPass, autoPrompt: true)
        let secrets = try loader.load(ids, purpose: .encrypt, warn: console.warning)
        let chosen = encryptVaultID(option)
        if secrets.count > 1 && chosen == nil {
            throw VaultCLIError.options(
                "The vault-ids \(secrets.map(\.label).joined(separator: ",")) are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id")
        }
        guard !secrets.isEmpty else { throw VaultCLIError.options("A vault password is required to use Ansible's Vault") }
        let keyring = VaultKeyring(secrets: secrets, requireLabelMatch: VaultKeyring.requireLabelMatch(environment))
        return (keyring, try keyring.encryptionSecret(encryptVaultID: chosen))
    }

    /// Decrypts, adding ansible's " for PATH" and, at -vvvv, which vault ids were tried.
    func decrypt(_ data: [UInt8], with keyring: VaultKeyring, naming path: String) throws -> VaultDecryption {
        do {
            return try keyring.decrypt(data)
        } catch {
            if console.verbosity >= 4 {
                for label in error.triedLabels {
                    console.note("Tried to use the vault secret (\(label)) to decrypt (\(path)) but it failed. Error: HMAC verification failed: Signature did not match digest.")
                }
            }
            throw error.naming(path)
        }
    }

    /// A file's bytes (`-` is stdin), with ansible's message naming the absolute path on failure.
    func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return try console.readStdin() }
        switch FileIO.read(path: path) {
        case .success(let bytes): return bytes
        case .failure(let failure):
            throw VaultCLIError("Unable to read source file (\(FileIO.absolutePath(path))): \(failure.reason)")
        }
    }

    /// The path an in-place operation works on: symlinks are followed, as ansible-vault does.
    func realPath(_ path: String) -> String {
        path == "-" ? path : (FileIO.realPath(path) ?? FileIO.absolutePath(path))
    }

    /// Writes to stdout (`-`) or replaces a file atomically with a private mode.
    func write(_ bytes: [UInt8], to target: String, attributes: AtomicFile.Attributes = .init(mode: 0o600),
               scrubOld: Bool = false) throws {
        if target == "-" {
            try console.writeStdout(bytes)
        } else {
            try AtomicFile.write(bytes, to: target, attributes: attributes, scrubOld: scrubOld)
        }
    }

    /// `--output` as ansible normalises it: `-` stays, a path becomes absolute.
    func outputTarget(_ output: String?) -> String? {
        guard let output else { return nil }
        return output == "-" ? output : FileIO.absolutePath(output)
    }
}
