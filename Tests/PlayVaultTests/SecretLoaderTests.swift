import Foundation
import PlayBase
@testable import PlayVault
import XCTest

/// Secret sources as ansible parses them: vault ids, password files, scripts, prompts, environment.
final class SecretLoaderTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try TestSupport.makeTemporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Answers prompts from a script and records what was asked.
    final class ScriptedPrompter: VaultPasswordPrompter {
        var answers: [[UInt8]?]
        var asked: [String] = []
        init(_ answers: [String?]) { self.answers = answers.map { $0.map { Array($0.utf8) } } }
        func read(prompt: String, echo: Bool) throws(VaultError) -> [UInt8]? {
            asked.append(prompt)
            XCTAssertFalse(echo, "passwords are read without echo")
            guard !answers.isEmpty else { throw VaultError(.noTerminal, "no more answers") }
            return answers.removeFirst()
        }
    }

    func loader(_ environment: [String: String] = [:], prompter: ScriptedPrompter = ScriptedPrompter([])) -> VaultSecretLoader {
        VaultSecretLoader(environment: environment, currentDirectory: directory.path, prompter: prompter)
    }

    func file(_ name: String, _ content: String, mode: Int = 0o600) throws -> String {
        let url = directory.appendingPathComponent(name)
        try TestSupport.write(Array(content.utf8), to: url, mode: mode)
        return url.path
    }

    func load(_ arguments: [String] = [], files: [String] = [], ask: Bool = false, environment: [String: String] = [:],
              prompter: ScriptedPrompter = ScriptedPrompter([]), purpose: VaultSecretLoader.Purpose = .decrypt,
              autoPrompt: Bool = false) throws -> [VaultSecret] {
        let l = loader(environment, prompter: prompter)
        let ids = try l.vaultIDs(arguments: arguments, passwordFiles: files, askVaultPass: ask, autoPrompt: autoPrompt)
        return try l.load(ids, purpose: purpose)
    }

    func testVaultIDParsing() throws {
        XCTAssertEqual(try VaultID.parse("prod@/x/pw"), VaultID(label: "prod", source: .file("/x/pw")))
        XCTAssertEqual(try VaultID.parse("/x/pw"), VaultID(label: nil, source: .file("/x/pw")))
        XCTAssertEqual(try VaultID.parse("@pw").effectiveLabel, "default")
        XCTAssertEqual(try VaultID.parse("dev@prompt"), VaultID(label: "dev", source: .prompt))
        XCTAssertEqual(try VaultID.parse("prompt"), VaultID(label: nil, source: .prompt))
        XCTAssertEqual(try VaultID.parse("a@b@c"), VaultID(label: "a", source: .file("b@c")), "split at the first @")
        XCTAssertEqual(try VaultID.parse("prod-eu-1.x_2@f").label, "prod-eu-1.x_2")
        XCTAssertThrowsError(try VaultID.parse("a;b@pw")) { error in
            XCTAssertEqual((error as? VaultError)?.message,
                           "'a;b@pw' is not a valid vault id. The character ';' is not allowed in vault ids")
        }
        for bad in ["pr od@f", "prød@f", "tab\t@f"] {
            XCTAssertThrowsError(try VaultID.parse(bad), bad)
        }
    }

    func testPasswordFilesAreStrippedAsAnsibleStripsThem() throws {
        for content in ["pw", "pw\n", "pw\r\n", "  pw \n", "\t\npw\u{0B}\u{0C}\r"] {
            let path = try file("pwfile", content)
            XCTAssertEqual(try load(files: [path]).first?.password, Array("pw".utf8), content.debugDescription)
        }
        let inner = try file("inner", "  correct horse  battery \n")
        XCTAssertEqual(try load(files: [inner]).first?.password, Array("correct horse  battery".utf8))
        let empty = try file("empty", " \n\t\n")
        XCTAssertThrowsError(try load(files: [empty])) { error in
            XCTAssertEqual((error as? VaultError)?.message, "Invalid vault password was provided from file (\(empty))")
        }
    }

    func testRelativePathsAndLabels() throws {
        _ = try file("rel", "relpw\n")
        let secrets = try load(["dev@rel", "rel"], files: ["./rel"])
        XCTAssertEqual(secrets.map(\.label), ["dev", "default", "default"])
        XCTAssertTrue(secrets.allSatisfy { $0.password == Array("relpw".utf8) })
    }

    func testEncryptedPasswordFileIsOpenedWithEarlierSecrets() throws {
        let outer = try file("outer", "outer-pass\n")
        let outerSecret = try VaultSecret(password: Array("outer-pass".utf8))
        let encrypted = try VaultKeyring(secrets: [outerSecret]).encrypt(Array("inner-pass\r\n".utf8), with: outerSecret)
        let innerPath = directory.appendingPathComponent("inner.vault")
        try TestSupport.write(encrypted, to: innerPath)
        let secrets = try load(["first@\(outer)", "second@\(innerPath.path)"])
        XCTAssertEqual(secrets.map(\.password), [Array("outer-pass".utf8), Array("inner-pass".utf8)])
    }

    func testScriptsAndClientScripts() throws {
        let plain = directory.appendingPathComponent("get-pass.sh")
        try TestSupport.script("printf ' spaced pass \\r\\n'", at: plain)
        XCTAssertEqual(try load(files: [plain.path]).first?.password, Array(" spaced pass ".utf8), "scripts: only CR/LF stripped")

        let client = directory.appendingPathComponent("keyring-client.py")
        try TestSupport.script("""
            [ "$1" = "--vault-id" ] || exit 3
            case "$2" in prod) echo prod-from-client ;; *) echo "no secret for $2" >&2; exit 2 ;; esac
            """, at: client)
        XCTAssertEqual(try load(["prod@\(client.path)"]).first?.password, Array("prod-from-client".utf8))
        XCTAssertThrowsError(try load(["dev@\(client.path)"])) { error in
            XCTAssertEqual((error as? VaultError)?.message,
                           "Vault password client script \(client.path) did not find a secret for vault-id=dev: no secret for dev")
        }
        let failing = directory.appendingPathComponent("broken.sh")
        try TestSupport.script("exit 7", at: failing)
        XCTAssertThrowsError(try load(files: [failing.path])) { error in
            XCTAssertEqual((error as? VaultError)?.message, "Vault password script \(failing.path) returned non-zero (7)")
        }
        let silent = directory.appendingPathComponent("silent.sh")
        try TestSupport.script("echo", at: silent)
        XCTAssertThrowsError(try load(files: [silent.path])) { error in
            XCTAssertEqual((error as? VaultError)?.message, "Invalid vault password was provided from script (\(silent.path))")
        }
    }

    func testMissingSourcesWarnWhileAnotherWorksAndFailOtherwise() throws {
        let good = try file("good", "good\n")
        let missing = directory.appendingPathComponent("missing").path
        var warnings: [String] = []
        let l = loader()
        let ids = try l.vaultIDs(arguments: ["x@\(missing)"], passwordFiles: [good], askVaultPass: false, autoPrompt: false)
        let secrets = try l.load(ids, purpose: .decrypt) { warnings.append($0) }
        XCTAssertEqual(secrets.map(\.password), [Array("good".utf8)])
        XCTAssertEqual(warnings, ["Error getting vault password file (x): The vault password file \(missing) was not found"])
        XCTAssertThrowsError(try load(files: [missing])) { error in
            XCTAssertEqual((error as? VaultError)?.message, "The vault password file \(missing) was not found")
        }
        XCTAssertThrowsError(try load(files: [directory.path])) { error in
            XCTAssertEqual((error as? VaultError)?.message, "The vault password file provided '\(directory.path)' can not be a directory")
        }
    }

    func testEnvironmentSourcesAndOrder() throws {
        let a = try file("a", "A"), b = try file("b", "B"), c = try file("c", "C")
        let env = ["ANSIBLE_VAULT_PASSWORD_FILE": c, "ANSIBLE_VAULT_IDENTITY_LIST": "listed@\(a), \(b)"]
        let secrets = try load(["cli@\(b)"], files: [a], environment: env)
        XCTAssertEqual(secrets.map(\.label), ["listed", "default", "cli", "default", "default"])
        XCTAssertEqual(secrets.map { String(decoding: $0.password, as: UTF8.self) }, ["A", "B", "B", "A", "C"])
        // `~` and $VARS in paths are expanded.
        let home = ["HOME": directory.path, "PWDIR": directory.path]
        XCTAssertEqual(try load(["~/a", "$PWDIR/b", "${PWDIR}/c"], environment: home).count, 3)
        XCTAssertTrue(VaultKeyring.requireLabelMatch(["ANSIBLE_VAULT_ID_MATCH": "yes"]))
        XCTAssertFalse(VaultKeyring.requireLabelMatch(["ANSIBLE_VAULT_ID_MATCH": "0"]))
    }

    func testPromptsUseAnsiblesTextsAndRules() throws {
        let ask = ScriptedPrompter(["  typed pass \t"])
        XCTAssertEqual(try load(ask: true, prompter: ask).first?.password, Array("typed pass".utf8))
        XCTAssertEqual(ask.asked, ["Vault password: "])

        let labelled = ScriptedPrompter(["p"])
        XCTAssertEqual(try load(["dev@prompt"], prompter: labelled).first?.label, "dev")
        XCTAssertEqual(labelled.asked, ["Vault password (dev): "])

        let new = ScriptedPrompter(["n", "n"])
        _ = try load(ask: true, prompter: new, purpose: .encrypt)
        XCTAssertEqual(new.asked, ["New Vault password: ", "Confirm New Vault password: "])

        let newLabelled = ScriptedPrompter(["n", "n"])
        _ = try load(["ops@prompt"], prompter: newLabelled, purpose: .encrypt)
        XCTAssertEqual(newLabelled.asked, ["New vault password (ops): ", "Confirm new vault password (ops): "])

        XCTAssertThrowsError(try load(ask: true, prompter: ScriptedPrompter(["a", "b"]), purpose: .encrypt)) { error in
            XCTAssertEqual((error as? VaultError)?.message, "Passwords do not match")
        }
        for empty in ["", "   "] {
            XCTAssertThrowsError(try load(ask: true, prompter: ScriptedPrompter([empty]))) { error in
                XCTAssertEqual((error as? VaultError)?.message, "Invalid vault password was provided")
            }
        }
        XCTAssertThrowsError(try load(ask: true, prompter: ScriptedPrompter([nil]))) { error in
            XCTAssertEqual((error as? VaultError)?.message, "EOFError (ctrl-d) on prompt for (default)")
        }
        // ansible-vault prompts when nothing is given; ansible-playbook (play) does not.
        let auto = ScriptedPrompter(["p"])
        XCTAssertEqual(try load(prompter: auto, autoPrompt: true).count, 1)
        XCTAssertEqual(try load().count, 0)
    }

    func testPlayFacadeLoadsAndReportsDiagnostics() throws {
        let pw = try file("play-pw", "play-pass\n")
        let keyring = try VaultKeyring.loadSecrets(vaultIDs: ["ops@\(pw)"], passwordFiles: [], askVaultPass: false,
                                                   environment: ["ANSIBLE_VAULT_PASSWORD_FILE": pw])
        XCTAssertEqual(keyring.secrets.map(\.label), ["ops", "default"])
        XCTAssertTrue(try VaultKeyring.loadSecrets(vaultIDs: [], passwordFiles: [], askVaultPass: false, environment: [:]).isEmpty)
        XCTAssertThrowsError(try VaultKeyring.loadSecrets(vaultIDs: ["a;b"], passwordFiles: [], askVaultPass: false, environment: [:])) { error in
            XCTAssertNotNil(error as? Diagnostic)
        }
        let missing = directory.appendingPathComponent("nope").path
        XCTAssertThrowsError(try VaultKeyring.loadSecrets(vaultIDs: [], passwordFiles: [missing], askVaultPass: false, environment: [:])) { error in
            XCTAssertEqual((error as? Diagnostic)?.message, "The vault password file \(missing) was not found")
        }
    }

    func testClientScriptNameDetection() {
        XCTAssertTrue(PasswordPath.isClientScript("/a/b/vault-keyring-client.py"))
        XCTAssertTrue(PasswordPath.isClientScript("my-client"))
        XCTAssertFalse(PasswordPath.isClientScript("/a/my-client.d/script"))
        XCTAssertFalse(PasswordPath.isClientScript("client"))
        XCTAssertEqual(PasswordPath.absolute("../x/./y", environment: [:], currentDirectory: "/a/b"), "/a/x/y")
    }
}
