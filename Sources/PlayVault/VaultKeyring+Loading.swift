import PlayBase

extension VaultKeyring {
    /// The secrets for a `play` run, gathered as ansible-playbook does: `ANSIBLE_VAULT_IDENTITY_LIST`,
    /// then `--vault-id LABEL@SOURCE` (a file, `prompt`, or an executable script), then
    /// `--vault-password-file` and `ANSIBLE_VAULT_PASSWORD_FILE` (label `default`), then the
    /// `--ask-vault-pass` prompt. No source at all gives an empty keyring (files that need a
    /// password then fail with "no vault secrets found"). Prompts use the terminal, without echo.
    /// `warn` receives warnings about sources that failed while another one worked.
    /// Errors are Diagnostics; they never contain a password.
    public static func loadSecrets(vaultIDs: [String], passwordFiles: [String], askVaultPass: Bool,
                                   environment: [String: String],
                                   warn: (String) -> Void = { _ in }) throws -> VaultKeyring {
        let loader = VaultSecretLoader(environment: environment)
        do {
            let ids = try loader.vaultIDs(arguments: vaultIDs, passwordFiles: passwordFiles,
                                          askVaultPass: askVaultPass, autoPrompt: false)
            let secrets = try loader.load(ids, purpose: .decrypt, warn: warn)
            return VaultKeyring(secrets: secrets, requireLabelMatch: requireLabelMatch(environment))
        } catch {
            let notes: [String]
            switch error.kind {
            case .noTerminal, .passwordSource, .invalidPassword:
                notes = ["check --vault-password-file, --vault-id and ANSIBLE_VAULT_PASSWORD_FILE"]
            case .invalidVaultID:
                notes = ["write --vault-id LABEL@SOURCE, where SOURCE is a password file, an executable script or 'prompt'"]
            default:
                notes = []
            }
            throw Diagnostic.error(at: .synthetic("vault secrets"), error.message, notes: notes)
        }
    }

    /// `ANSIBLE_VAULT_ID_MATCH`, read as ansible reads booleans.
    public static func requireLabelMatch(_ environment: [String: String]) -> Bool {
        guard let value = environment["ANSIBLE_VAULT_ID_MATCH"]?.lowercased() else { return false }
        return ["y", "yes", "on", "1", "true", "t"].contains(value)
    }
}
