#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PlayBase

/// `vault edit` and `vault create`: plaintext goes only to a memory-filesystem scratch directory,
/// the editor runs on it, and the vault file is replaced atomically, and only if the text changed.
/// The scratch copy is zeroed and removed on every way out: success, editor failure, Ctrl-C, SIGTERM.
package struct VaultEditor {
    package enum Outcome: Sendable, Equatable {
        /// The editor left the text as it was: the vault file was not written at all.
        case unchanged
        case saved
    }

    package var environment: [String: String]

    package init(environment: [String: String]) {
        self.environment = environment
    }

    /// `$ANSIBLE_EDITOR`, else `$EDITOR`, else `vi`, split like a shell command line.
    package func editorCommand() throws(VaultError) -> [String] {
        let configured = [environment["ANSIBLE_EDITOR"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let words: [String]
        do throws(ShellWords.SplitError) { words = try ShellWords.split(configured) } catch {
            throw VaultError(.editor, "\(error.message) in editor command '\(configured)'")
        }
        guard !words.isEmpty else { throw VaultError(.editor, "the editor command is empty: set EDITOR") }
        return words
    }

    /// Decrypts `path` (symlinks followed), lets the user edit it, and re-encrypts changed text with
    /// the secret that opened it, the header's label and a fresh salt, keeping the file's mode and owner.
    package func edit(path: String, keyring: VaultKeyring) throws(VaultError) -> Outcome {
        let real = FileIO.realPath(path) ?? FileIO.absolutePath(path)
        let data: [UInt8]
        switch FileIO.read(path: real) {
        case .success(let bytes): data = bytes
        case .failure(let failure): throw VaultError(.io, "Unable to read source file (\(real)): \(failure.reason)")
        }
        let opened: VaultDecryption
        do { opened = try keyring.decrypt(data) } catch { throw error.naming(real) }
        let attributes = AtomicFile.Attributes.of(real) ?? AtomicFile.Attributes(mode: 0o600)
        let command = try editorCommand()

        return try SignalTrap.with { trap throws(VaultError) in
            try MemoryScratchDirectory.with(environment: environment) { scratch throws(VaultError) in
                let edited = try runEditor(command, on: opened.plaintext, extension: FileIO.pathExtension(of: real),
                                           in: scratch, trap: trap, target: real)
                if edited == opened.plaintext { return .unchanged }
                let encrypted = try keyring.encrypt(edited, with: opened.secret, label: opened.envelope.effectiveLabel)
                try trap.checkNotInterrupted("\(real) was left unchanged")
                try AtomicFile.write(encrypted, to: real, attributes: attributes)
                return .saved
            }
        }
    }

    /// Opens the editor on an empty text and encrypts whatever is saved (even nothing) into a new
    /// file, mode 0600. Missing parent directories are created (reported through `warn`).
    package func create(path: String, keyring: VaultKeyring, secret: VaultSecret,
                        warn: (String) -> Void) throws(VaultError) {
        let directory = FileIO.directory(of: path)
        if path.contains("/") && !FileIO.exists(directory) {
            warn("\(directory) does not exist, creating...")
            try makeDirectories(directory)
        }
        if FileIO.exists(path) { throw VaultError(.io, "\(path) exists, please use 'edit' instead") }
        let command = try editorCommand()
        let suffix = FileIO.pathExtension(of: path)
        try SignalTrap.with { trap throws(VaultError) in
            try MemoryScratchDirectory.with(environment: environment) { scratch throws(VaultError) in
                let text = try runEditor(command, on: [], extension: suffix, in: scratch, trap: trap, target: path)
                let encrypted = try keyring.encrypt(text, with: secret)
                try trap.checkNotInterrupted("\(path) was not created")
                try AtomicFile.create(encrypted, at: path, attributes: AtomicFile.Attributes(mode: 0o600))
            }
        }
    }

    /// Writes the text to a scratch file, runs the editor on it and reads the result back.
    /// An editor that fails (or is stopped) means "abort": nothing is saved.
    private func runEditor(_ command: [String], on text: [UInt8], extension suffix: String,
                           in scratch: MemoryScratchDirectory, trap: SignalTrap, target: String) throws(VaultError) -> [UInt8] {
        let temp = try scratch.makeFile(suffix: suffix, contents: text)
        try trap.checkNotInterrupted("\(target) was left unchanged")
        let arguments = command + [temp]
        let pid: pid_t
        switch Subprocess.spawn(arguments, environment: environment, stdin: .inherit, processGroup: false) {
        case .success(let child): pid = child
        case .failure(let error):
            throw VaultError(.editor, "Unable to execute the command \"\(arguments.joined(separator: " "))\": \(error.reason)")
        }
        let termination = trap.wait(for: pid)
        try trap.checkNotInterrupted("\(target) was left unchanged")
        switch termination {
        case .exited(0): break
        case .exited(let code):
            throw VaultError(.editor, "the editor \(command[0]) exited with status \(code); \(target) was left unchanged")
        case .signaled(let signal):
            throw VaultError(.editor, "the editor \(command[0]) was killed by signal \(signal); \(target) was left unchanged")
        }
        switch FileIO.read(path: temp) {
        case .success(let bytes): return bytes
        case .failure(let failure):
            throw VaultError(.editor, "could not read back the edited text (\(failure.reason)); \(target) was left unchanged")
        }
    }

    private func makeDirectories(_ directory: String) throws(VaultError) {
        var path = directory.hasPrefix("/") ? "" : "."
        for part in directory.split(separator: "/") {
            path += "/\(part)"
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw VaultError(.io, "could not create \(path): \(FileIO.Failure(errno: errno).reason)")
            }
        }
    }
}
