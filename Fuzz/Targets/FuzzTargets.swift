import Foundation
import PlayAWS
import PlayBase
import PlayInventory
import PlayTemplating
import PlayVault

/// The fuzz targets: one function per reader of untrusted text, each taking any bytes. An error
/// is an answer; only a crash, a hang or a runaway allocation is a finding. libFuzzer drives them
/// from `Fuzz/Harness` (`bench/fuzz.sh`); `FuzzCorpusTests` runs them over `Fuzz/Corpus`.
public enum FuzzTargets {
    public struct Target: Sendable {
        public let name: String
        public let run: @Sendable (Data) -> Void
    }

    public static let all: [Target] = [
        Target(name: "yaml", run: yaml),
        Target(name: "expression", run: expression),
        Target(name: "ini", run: ini),
        Target(name: "vault", run: vault),
        Target(name: "xml", run: xml),
    ]

    public static func target(named name: String) -> Target? { all.first { $0.name == name } }

    /// YAMLLoader: every document to Values, as vars files, inventories, `-e` and `from_yaml` are read.
    public static func yaml(_ data: Data) {
        guard let text = String(data: data, encoding: .utf8) else { return }
        let loader = YAMLLoader()
        guard let nodes = try? loader.parseDocuments(text, file: "fuzz.yml") else { return }
        for node in nodes { _ = try? loader.value(from: node, file: "fuzz.yml") }
    }

    /// The template and expression parsers (parsing only: a generated `lookup('pipe', ...)` must
    /// never run).
    public static func expression(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        try? Templar.checkSyntax(template: text)
        try? Templar.checkSyntax(expression: text)
    }

    /// The INI inventory reader, then every host's variables and the host patterns.
    public static func ini(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        guard let inventory = try? Inventory.parsingINI(text, file: "fuzz.ini") else { return }
        for host in inventory.hostNames.prefix(50) { _ = inventory.variables(for: host) }
        _ = try? inventory.hosts(matching: "all:!ungrouped")
    }

    private static let keyring: VaultKeyring? = {
        guard let secret = try? VaultSecret(password: Array("fuzz".utf8)) else { return nil }
        return VaultKeyring(secrets: [secret])
    }()

    /// The vault envelope, both hex layers, and (when the HMAC happens to match) decryption.
    public static func vault(_ data: Data) {
        let bytes = [UInt8](data)
        _ = try? VaultEnvelope.parse(bytes)
        _ = try? keyring?.decrypt(bytes)
    }

    /// The XML reader AWS answers go through, then a walk of the tree.
    public static func xml(_ data: Data) {
        guard let tree = try? XMLTree.read(data) else { return }
        _ = tree.first(named: "Error")
        _ = tree.list("instancesSet", item: "item").count
        _ = tree.hashValue
    }
}
