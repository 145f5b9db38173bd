import Foundation
@testable import PlayVault
import XCTest

/// The built `vault` binary, subcommand by subcommand: outputs, files, modes, exit codes, messages.
final class VaultCLITests: XCTestCase {
    var directory: URL!
    var passwordFile: String!
    var otherPasswordFile: String!
    let password = "cli-pass"

    override func setUpWithError() throws {
        directory = try TestSupport.makeTemporaryDirectory()
        passwordFile = directory.appendingPathComponent("pw").path
        try TestSupport.write(Array("\(password)\n".utf8), to: URL(fileURLWithPath: passwordFile))
        otherPasswordFile = directory.appendingPathComponent("pw2").path
        try TestSupport.write(Array("other-pass".utf8), to: URL(fileURLWithPath: otherPasswordFile))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func keyring(_ password: String = "cli-pass", label: String = "default") throws -> VaultKeyring {
        VaultKeyring(secrets: [try VaultSecret(label: label, password: Array(password.utf8))])
    }

    func vault(_ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:]) throws -> TestSupport.RunResult {
        try TestSupport.vault(arguments, input: input, environment: environment, currentDirectory: directory)
    }

    func testEncryptViewDecryptInPlace() throws {
        let file = url("vars.yml")
        let plain = Array("aws_region: eu-west-1\r\nkey: value".utf8)
        try TestSupport.write(plain, to: file, mode: 0o644)

        let encrypt = try vault(["encrypt", "vars.yml", "--vault-password-file", passwordFile])
        XCTAssertEqual(encrypt.status, 0, encrypt.stderr)
        XCTAssertEqual(encrypt.stdout, [])
        let encrypted = try TestSupport.read(file)
        XCTAssertTrue(encrypted.starts(with: Array("$ANSIBLE_VAULT;1.1;AES256\n".utf8)))
        XCTAssertEqual(try TestSupport.mode(of: file), 0o600)
        XCTAssertEqual(try keyring().decrypt(encrypted).plaintext, plain)

        let view = try vault(["view", "vars.yml", "--vault-password-file", passwordFile])
        XCTAssertEqual(view.status, 0, view.stderr)
        XCTAssertEqual(view.stdoutText, "aws_region: eu-west-1\nkey: value\n", "CRLF normalised, final LF added")

        let decrypt = try vault(["decrypt", "vars.yml", "--vault-password-file", passwordFile])
        XCTAssertEqual(decrypt.status, 0, decrypt.stderr)
        XCTAssertEqual(decrypt.stdout, [])
        XCTAssertEqual(try TestSupport.read(file), plain, "exact bytes back")
        XCTAssertEqual(try TestSupport.mode(of: file), 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["pw", "pw2", "vars.yml"],
                       "no temporary files left beside")
    }

    func testStdinStdoutAndOutputOption() throws {
        let plain = Array("from stdin\n".utf8)
        let encrypted = try vault(["encrypt", "--vault-password-file", passwordFile], input: plain)
        XCTAssertEqual(encrypted.status, 0, encrypted.stderr)
        XCTAssertEqual(try keyring().decrypt(encrypted.stdout).plaintext, plain)

        let decrypted = try vault(["decrypt", "--vault-password-file", passwordFile, "--output", "-"], input: encrypted.stdout)
        XCTAssertEqual(decrypted.stdout, plain, "exact bytes, no newline added")

        try TestSupport.write(encrypted.stdout, to: url("in.vault"))
        let toFile = try vault(["decrypt", "in.vault", "--output", "out.txt", "--vault-password-file", passwordFile])
        XCTAssertEqual(toFile.status, 0, toFile.stderr)
        XCTAssertEqual(try TestSupport.read(url("out.txt")), plain)
        XCTAssertEqual(try TestSupport.read(url("in.vault")), encrypted.stdout, "input untouched with --output")

        let encryptTo = try vault(["encrypt", "out.txt", "--output", "again.vault", "--vault-id", "prod@\(passwordFile!)"])
        XCTAssertEqual(encryptTo.status, 0, encryptTo.stderr)
        XCTAssertTrue(try TestSupport.read(url("again.vault")).starts(with: Array("$ANSIBLE_VAULT;1.2;AES256;prod\n".utf8)))

        let two = try vault(["decrypt", "a", "b", "--output", "x", "--vault-password-file", passwordFile])
        XCTAssertEqual(two.status, 5)
        XCTAssertEqual(two.stderr, "[ERROR]: At most one input file may be used with the --output option\n")
    }

    /// Wrong password or tampered data: exit 1, a message naming the file, nothing on stdout, file unchanged.
    func testWrongPasswordAndTamperingChangeNothing() throws {
        let file = url("secret.yml")
        let secretText = "db_password: do-not-print-me\n"
        try TestSupport.write(try keyring().encrypt(Array(secretText.utf8), with: keyring().secrets[0]), to: file, mode: 0o640)
        var tampered = try TestSupport.read(file)
        let index = tampered.count - 10
        tampered[index] = tampered[index] == UInt8(ascii: "3") ? UInt8(ascii: "6") : UInt8(ascii: "3")
        try TestSupport.write(tampered, to: url("tampered.yml"), mode: 0o640)
        let realDirectory = FileIO.realPath(directory.path)!

        for name in ["secret.yml", "tampered.yml"] {
            let target = url(name)
            let passwordArgument = name == "secret.yml" ? otherPasswordFile! : passwordFile!
            let before = try TestSupport.read(target)
            let attributes = try FileManager.default.attributesOfItem(atPath: target.path)
            for command in ["view", "decrypt", "edit", "rekey"] {
                var arguments = [command, name, "--vault-password-file", passwordArgument]
                if command == "rekey" { arguments += ["--new-vault-password-file", otherPasswordFile] }
                let result = try vault(arguments, environment: ["EDITOR": "/bin/false"])
                XCTAssertEqual(result.status, 1, "\(command) \(name): \(result.stderr)")
                XCTAssertEqual(result.stdout, [], "\(command) \(name) printed on stdout")
                let shown = command == "view" ? name : "\(realDirectory)/\(name)"
                XCTAssertTrue(result.stderr.contains("[ERROR]: Decryption failed (no vault secrets were found that could decrypt). for \(shown)\n"),
                              "\(command): \(result.stderr)")
                XCTAssertFalse(result.stderr.contains("do-not-print-me"))
                XCTAssertFalse(result.stderr.contains(password))
                XCTAssertEqual(try TestSupport.read(target), before, "\(command) changed \(name)")
                let after = try FileManager.default.attributesOfItem(atPath: target.path)
                XCTAssertEqual(after[.modificationDate] as? Date, attributes[.modificationDate] as? Date)
                XCTAssertEqual(after[.posixPermissions] as? NSNumber, attributes[.posixPermissions] as? NSNumber)
            }
        }
    }

    func testErrorsAndExitCodesFollowAnsibleVault() throws {
        try TestSupport.write(Array("plain\n".utf8), to: url("plain.txt"))
        let encrypted = try keyring().encrypt(Array("x".utf8), with: keyring().secrets[0])
        try TestSupport.write(encrypted, to: url("enc.yml"))
        let cases: [([String], Int32, String)] = [
            (["view", "enc.yml", "--vault-id", "a;b@\(passwordFile!)"], 5,
             "[ERROR]: 'a;b@\(passwordFile!)' is not a valid vault id. The character ';' is not allowed in vault ids\n"),
            (["encrypt", "plain.txt", "--vault-id", "a@\(passwordFile!)", "--vault-id", "b@\(otherPasswordFile!)"], 5,
             "[ERROR]: The vault-ids a,b are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id\n"),
            (["encrypt", "enc.yml", "--vault-password-file", passwordFile], 1, "[ERROR]: input is already encrypted\n"),
            (["view", "plain.txt", "--vault-password-file", passwordFile], 1, "[ERROR]: Input is not vault encrypted data. for plain.txt\n"),
            (["view", "missing.yml", "--vault-password-file", passwordFile], 1,
             "[ERROR]: Unable to read source file (\(directory.path)/missing.yml): No such file or directory\n"),
            (["create", "a.yml", "b.yml", "--vault-password-file", passwordFile], 5,
             "[ERROR]: vault create can take only one filename argument\n"),
            (["create", "new.yml", "--vault-password-file", passwordFile], 5, "[ERROR]: not a tty, editor cannot be opened\n"),
            (["create", "enc.yml", "--skip-tty-check", "--vault-password-file", passwordFile], 1,
             "[ERROR]: enc.yml exists, please use 'edit' instead\n"),
            (["encrypt_string", "", "--vault-password-file", passwordFile], 5,
             "[ERROR]: The plaintext provided from the command line args was empty, not encrypting\n"),
            (["encrypt_string", "--vault-password-file", passwordFile], 5, "[ERROR]: stdin was empty, not encrypting\n"),
            (["encrypt_string", "-p", "-", "--vault-password-file", passwordFile], 5,
             "[ERROR]: The --prompt option is not supported if also reading input from stdin\n"),
            (["view", "enc.yml", "--vault-password-file", "\(directory.path)/nope"], 1,
             "[WARNING]: Error getting vault password file (default): The vault password file \(directory.path)/nope was not found\n[ERROR]: The vault password file \(directory.path)/nope was not found\n"),
            (["encrypt", "plain.txt", "--vault-password-file", passwordFile, "--encrypt-vault-id", "zzz"], 1,
             "[ERROR]: Did not find a match for --encrypt-vault-id=zzz in the known vault-ids ['default']\n"),
        ]
        for (arguments, status, stderr) in cases {
            let result = try vault(arguments)
            XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr, stderr, "\(arguments)")
            XCTAssertEqual(result.stdout, [], "\(arguments)")
        }
        XCTAssertEqual(try TestSupport.read(url("plain.txt")), Array("plain\n".utf8))

        // Usage errors exit 2, like argparse.
        for arguments in [["view", "--bogus"], ["bogus"], [], ["view", "x", "-J", "--vault-password-file", "pw"],
                          ["rekey", "x", "--new-vault-id", "a@b", "--new-vault-password-file", "c"]] {
            let result = try vault(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, [])
        }
        XCTAssertEqual(try vault(["--help"]).status, 0)
        XCTAssertEqual(try vault(["view", "--help"]).status, 0)
    }

    func testEncryptStringFormats() throws {
        let single = try vault(["encrypt_string", "--vault-password-file", passwordFile, "--name", "db_password", "hunter2"])
        XCTAssertEqual(single.status, 0, single.stderr)
        let lines = single.stdoutText.components(separatedBy: "\n")
        XCTAssertEqual(lines[0], "db_password: !vault |")
        XCTAssertEqual(lines[1], "          $ANSIBLE_VAULT;1.1;AES256")
        XCTAssertTrue(lines.dropFirst(2).dropLast().allSatisfy { $0.hasPrefix("          ") && $0.count <= 90 })
        XCTAssertEqual(lines.last, "", "ends with one LF")
        XCTAssertEqual(single.stderr, "", "no comments for a single value")
        let envelope = lines.dropFirst().dropLast().map { String($0.dropFirst(10)) }.joined(separator: "\n") + "\n"
        XCTAssertEqual(try keyring().decrypt(Array(envelope.utf8)).plaintext, Array("hunter2".utf8))

        let several = try vault(["encrypt_string", "--vault-id", "prod@\(passwordFile!)", "-n", "a", "one", "two"])
        XCTAssertEqual(several.status, 0, several.stderr)
        XCTAssertTrue(several.stdoutText.hasPrefix("a: !vault |\n          $ANSIBLE_VAULT;1.2;AES256;prod\n"))
        XCTAssertTrue(several.stdoutText.contains("\n!vault |\n"))
        XCTAssertEqual(several.stderr, """
            The number of --name options do not match the number of args.
            The last named variable will be "a". The rest will not have names.
            # The encrypted version of variable ("a", the string #1 from the command line args).
            # The encrypted version of the string #2 from the command line args.)

            """)

        let stdin = try vault(["encrypt_string", "--vault-password-file", passwordFile, "--stdin-name", "token"], input: Array("line\n".utf8))
        XCTAssertTrue(stdin.stdoutText.hasPrefix("token: !vault |\n"))
        let body = stdin.stdoutText.components(separatedBy: "\n").dropFirst().dropLast().map { String($0.dropFirst(10)) }.joined(separator: "\n")
        XCTAssertEqual(try keyring().decrypt(Array(body.utf8)).plaintext, Array("line\n".utf8), "stdin keeps its newline")

        let toFile = try vault(["encrypt_string", "v", "--output", "out.yml", "--vault-password-file", passwordFile])
        XCTAssertEqual(toFile.stdout, [])
        XCTAssertTrue(try TestSupport.read(url("out.yml")).starts(with: Array("!vault |\n".utf8)))
    }

    func testRekeyChangesPasswordAndLabelKeepsMode() throws {
        let file = url("rekey.yml")
        try TestSupport.write(try keyring().encrypt(Array("payload".utf8), with: keyring().secrets[0]), to: file, mode: 0o640)
        let inodeBefore = try TestSupport.inode(of: file)

        let toProd = try vault(["rekey", "rekey.yml", "--vault-password-file", passwordFile, "--new-vault-id", "prod@\(otherPasswordFile!)"])
        XCTAssertEqual(toProd.status, 0, toProd.stderr)
        XCTAssertEqual(toProd.stderr, "Rekey successful\n")
        XCTAssertEqual(toProd.stdout, [])
        let text = try TestSupport.read(file)
        XCTAssertTrue(text.starts(with: Array("$ANSIBLE_VAULT;1.2;AES256;prod\n".utf8)))
        XCTAssertEqual(try keyring("other-pass").decrypt(text).plaintext, Array("payload".utf8))
        XCTAssertEqual(try TestSupport.mode(of: file), 0o640)
        XCTAssertNotEqual(try TestSupport.inode(of: file), inodeBefore, "replaced by rename, not rewritten in place")

        let back = try vault(["rekey", "rekey.yml", "--vault-id", "prod@\(otherPasswordFile!)", "--new-vault-password-file", passwordFile])
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertTrue(try TestSupport.read(file).starts(with: Array("$ANSIBLE_VAULT;1.1;AES256\n".utf8)), "new password file: label default")
    }

    func testSymlinkedVaultFileIsReplacedAtItsTarget() throws {
        let target = url("real.yml")
        try TestSupport.write(try keyring().encrypt(Array("t".utf8), with: keyring().secrets[0]), to: target)
        try FileManager.default.createSymbolicLink(atPath: url("link.yml").path, withDestinationPath: target.path)
        let result = try vault(["rekey", "link.yml", "--vault-password-file", passwordFile, "--new-vault-password-file", otherPasswordFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: url("link.yml").path), target.path)
        XCTAssertEqual(try keyring("other-pass").decrypt(try TestSupport.read(target)).plaintext, Array("t".utf8))
    }

    func testViewShowsTextTheWayAnsibleDoes() throws {
        let bytes: [UInt8] = Array("a\rb\r\nc\r\n".utf8) + [0xFF] + Array("é\u{2713}".utf8) + [0xE2, 0x82] + Array("d".utf8)
        try TestSupport.write(try keyring().encrypt(bytes, with: keyring().secrets[0]), to: url("mixed.yml"))
        let result = try vault(["view", "mixed.yml", "--vault-password-file", passwordFile])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, Array("a\rb\nc\n?é\u{2713}?d\n".utf8), "one ? per run of invalid bytes")
        XCTAssertEqual(result.stderr, "[WARNING]: Non UTF-8 encoded data replaced with \"?\" while displaying text to stdout/stderr.\n")

        try TestSupport.write(try keyring().encrypt([], with: keyring().secrets[0]), to: url("empty.yml"))
        let both = try vault(["view", "empty.yml", "mixed.yml", "--vault-password-file", passwordFile])
        XCTAssertTrue(both.stdoutText.hasPrefix("\na\rb"))
    }

    func testCreateWithAScriptedEditor() throws {
        let editor = url("editor.sh")
        try TestSupport.script("printf 'aws_access_key_id: AKIA\\n' > \"$1\"", at: editor)
        let result = try vault(["create", "vault/aws.yml", "--skip-tty-check", "--vault-id", "prod@\(passwordFile!)"],
                               environment: ["EDITOR": editor.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "[WARNING]: vault does not exist, creating...\n")
        let file = url("vault/aws.yml")
        XCTAssertEqual(try TestSupport.mode(of: file), 0o600)
        let text = try TestSupport.read(file)
        XCTAssertTrue(text.starts(with: Array("$ANSIBLE_VAULT;1.2;AES256;prod\n".utf8)))
        XCTAssertEqual(try keyring(label: "prod").decrypt(text).plaintext, Array("aws_access_key_id: AKIA\n".utf8))

        // Left empty, the file is still created (an encrypted empty file), as ansible-vault does.
        let empty = try vault(["create", "empty.yml", "--skip-tty-check", "--vault-password-file", passwordFile],
                              environment: ["EDITOR": "true"])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertEqual(try keyring().decrypt(try TestSupport.read(url("empty.yml"))).plaintext, [])

        // A failing editor creates nothing.
        let failed = try vault(["create", "none.yml", "--skip-tty-check", "--vault-password-file", passwordFile],
                               environment: ["EDITOR": "false"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("none.yml").path))
    }

    /// Readers never see a half-written vault: every read during repeated rekeys decrypts.
    func testRewritesAreAtomicForConcurrentReaders() throws {
        let file = url("big.yml")
        let plain = [UInt8](repeating: UInt8(ascii: "x"), count: 512 * 1024)
        try TestSupport.write(try keyring().encrypt(plain, with: keyring().secrets[0]), to: file)
        let a = try keyring(), b = try keyring("other-pass")
        let both = VaultKeyring(secrets: a.secrets + b.secrets)
        let stop = Counter(), bad = Counter(), reads = Counter()
        let reader = Thread {
            while stop.value == 0 {
                guard let data = FileManager.default.contents(atPath: file.path) else { bad.increment(); continue }
                if (try? both.decrypt(Array(data)).plaintext.count) != plain.count { bad.increment() }
                reads.increment()
            }
        }
        reader.start()
        for round in 0..<8 {
            let (from, to) = round % 2 == 0 ? (passwordFile!, otherPasswordFile!) : (otherPasswordFile!, passwordFile!)
            let result = try vault(["rekey", "big.yml", "--vault-password-file", from, "--new-vault-password-file", to])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        stop.increment()
        while !reader.isFinished { usleep(10_000) }
        XCTAssertGreaterThan(reads.value, 0)
        XCTAssertEqual(bad.value, 0, "a reader saw a partial file")
    }
}
