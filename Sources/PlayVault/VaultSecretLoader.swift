#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PlayBase

/// Gathers vault secrets the way ansible's CLIs do: `--vault-id` arguments (after any configured
/// identity list), then password files (`--vault-password-file`, `ANSIBLE_VAULT_PASSWORD_FILE`),
/// then a prompt. A source that fails is a warning while another one works, an error otherwise.
public struct VaultSecretLoader {
    /// Reading existing data asks for a password once; encrypting asks twice and compares.
    public enum Purpose: Sendable { case decrypt, encrypt }

    public var environment: [String: String]
    public var currentDirectory: String
    public var prompter: any VaultPasswordPrompter

    public init(environment: [String: String], currentDirectory: String? = nil,
                prompter: any VaultPasswordPrompter = TerminalPrompter()) {
        self.environment = environment
        self.currentDirectory = currentDirectory ?? Self.workingDirectory()
        self.prompter = prompter
    }

    /// The ordered sources, as ansible's `build_vault_ids`. `autoPrompt` adds a prompt when nothing
    /// else is given (ansible-vault does; ansible-playbook does not). `includeConfigured` adds
    /// `ANSIBLE_VAULT_IDENTITY_LIST` first and `ANSIBLE_VAULT_PASSWORD_FILE` after the files.
    public func vaultIDs(arguments: [String], passwordFiles: [String], askVaultPass: Bool,
                         autoPrompt: Bool, includeConfigured: Bool = true) throws(VaultError) -> [VaultID] {
        var ids: [VaultID] = []
        if includeConfigured, let list = environment["ANSIBLE_VAULT_IDENTITY_LIST"] {
            for entry in list.split(separator: ",") {
                let trimmed = entry.strippingCharacters(" \t")
                if !trimmed.isEmpty { ids.append(try VaultID.parse(trimmed)) }
            }
        }
        for argument in arguments { ids.append(try VaultID.parse(argument)) }
        var files = passwordFiles
        if includeConfigured, let configured = environment["ANSIBLE_VAULT_PASSWORD_FILE"], !configured.isEmpty {
            files.append(configured)
        }
        for file in files { ids.append(VaultID(label: VaultSecret.defaultLabel, source: .file(file))) }
        if askVaultPass || (ids.isEmpty && autoPrompt) {
            ids.append(VaultID(label: VaultSecret.defaultLabel, source: .askVaultPass))
        }
        return ids
    }

    /// Loads every source in order. Each password file may itself be vault-encrypted with a secret
    /// loaded before it. `warn` receives ansible's warnings for sources that failed.
    public func load(_ ids: [VaultID], purpose: Purpose, warn: (String) -> Void = { _ in }) throws(VaultError) -> [VaultSecret] {
        var secrets: [VaultSecret] = []
        var lastError: VaultError?
        for id in ids {
            switch id.source {
            case .prompt, .askVaultPass:
                secrets.append(try ask(id, purpose: purpose))
            case .file(let path):
                let full = PasswordPath.absolute(path, environment: environment, currentDirectory: currentDirectory)
                do {
                    let password = try readPasswordSource(full, givenAs: path, id: id, earlier: secrets)
                    secrets.append(try VaultSecret(label: id.effectiveLabel, password: password))
                } catch {
                    warn("Error getting vault password file (\(id.effectiveLabel)): \(error.message)")
                    lastError = error
                }
            }
        }
        if let lastError, secrets.isEmpty { throw lastError }
        return secrets
    }

    private func ask(_ id: VaultID, purpose: Purpose) throws(VaultError) -> VaultSecret {
        let label = id.effectiveLabel
        let prompts: [String]
        switch (id.source, purpose) {
        case (.askVaultPass, .decrypt): prompts = ["Vault password: "]
        case (.askVaultPass, .encrypt): prompts = ["New Vault password: ", "Confirm New Vault password: "]
        case (_, .decrypt): prompts = ["Vault password (\(label)): "]
        case (_, .encrypt): prompts = ["New vault password (\(label)): ", "Confirm new vault password (\(label)): "]
        }
        var answers: [[UInt8]] = []
        for prompt in prompts {
            guard let typed = try prompter.read(prompt: prompt, echo: false) else {
                throw VaultError(.invalidPassword, "EOFError (ctrl-d) on prompt for (\(label))")
            }
            let password = Array(VaultEnvelope.strip(typed[...]))
            guard !password.isEmpty else { throw VaultError(.invalidPassword, "Invalid vault password was provided") }
            answers.append(password)
        }
        guard answers.allSatisfy({ $0 == answers[0] }) else {
            throw VaultError(.invalidPassword, "Passwords do not match")
        }
        return try VaultSecret(label: label, password: answers[0])
    }

    /// A password file's stripped content, or an executable's output.
    private func readPasswordSource(_ path: String, givenAs argument: String, id: VaultID,
                                    earlier: [VaultSecret]) throws(VaultError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw VaultError(.passwordSource, "The vault password file \(path) was not found")
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw VaultError(.passwordSource, "The vault password file provided '\(path)' can not be a directory")
        }
        if info.st_mode & 0o111 != 0 {
            return try runPasswordScript(path, client: PasswordPath.isClientScript(argument), label: id.label)
        }
        guard let raw = FileIO.readAll(path: path) else {
            throw VaultError(.passwordSource, "Could not read vault password file '\(path)'.")
        }
        var password = Array(VaultEnvelope.strip(raw[...]))
        if VaultEnvelope.isVaultData(password) {
            password = try VaultKeyring(secrets: earlier).decrypt(password).plaintext
        }
        password = Array(Self.stripNewlines(password[...]))
        guard !password.isEmpty else {
            throw VaultError(.invalidPassword, "Invalid vault password was provided from file (\(path))")
        }
        return password
    }

    private func runPasswordScript(_ path: String, client: Bool, label: String?) throws(VaultError) -> [UInt8] {
        let kind = client ? "client script" : "script"
        var arguments = [path]
        if client, let label { arguments += ["--vault-id", label] }
        let output: SubprocessOutput
        do {
            output = try Subprocess.capture(arguments, environment: environment, stderr: client ? .separate : .inherited)
        } catch {
            throw VaultError(.passwordSource,
                "Problem running vault password \(kind) \(path) (\(error.reason)). If this is not a script, remove the executable bit from the file.")
        }
        let stderr = String(decoding: output.stderr, as: UTF8.self).strippingCharacters(" \t\r\n")
        let status: String
        switch output.termination {
        case .exited(0): status = ""
        case .exited(let code): status = "\(code)"
        case .signaled(let signal): status = "signal \(signal)"
        }
        if !status.isEmpty {
            if client {
                let shown = label ?? "None"
                if output.termination == .exited(2) {
                    throw VaultError(.passwordSource,
                        "Vault password client script \(path) did not find a secret for vault-id=\(shown): \(stderr)")
                }
                throw VaultError(.passwordSource,
                    "Vault password client script \(path) returned non-zero (\(status)) when getting secret for vault-id=\(shown): \(stderr)")
            }
            throw VaultError(.passwordSource, "Vault password script \(path) returned non-zero (\(status))")
        }
        let password = Array(Self.stripNewlines(Array(output.stdout)[...]))
        guard !password.isEmpty else {
            throw VaultError(.invalidPassword, "Invalid vault password was provided from script (\(path))")
        }
        return password
    }

    /// Strips CR and LF only, at both ends (spaces are part of a script's password).
    static func stripNewlines(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = bytes
        while let f = s.first, f == 0x0A || f == 0x0D { s = s.dropFirst() }
        while let l = s.last, l == 0x0A || l == 0x0D { s = s.dropLast() }
        return s
    }

    private static func workingDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "/" }
        defer { free(cwd) }
        return String(cString: cwd)
    }
}

extension StringProtocol {
    /// Strips the given characters (compared as Unicode scalars, so "\r\n" is two) at both ends.
    func strippingCharacters(_ set: String) -> String {
        let members = Set(set.unicodeScalars)
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, members.contains(f) { scalars = scalars.dropFirst() }
        while let l = scalars.last, members.contains(l) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
