import Foundation
import PlayBase
import PlayTestSupport
import XCTest

/// Runs Fixtures/aws-compat/compat.yml (amazon.aws module names) with the real collections
/// (`ansible` 12.3 in the venv scripts/setup.sh makes) and with `play`, each against its own
/// moto_server, and compares the registered results: the same keys, nesting and value types
/// (values such as ids and times differ run to run), and the same `changed` everywhere.
final class AWSCompatTests: XCTestCase {
    static var venv: String {
        ProcessInfo.processInfo.environment["PLAY_AWS_VENV"] ?? NSHomeDirectory() + "/.cache/play/aws-venv"
    }

    /// Differences the test expects, with why. The test fails when one disappears, too, so this
    /// list stays the truth about what does not match yet.
    static let expectedDifferences: [String: String] = [
        // s3_bucket reports only the settings it manages (name, tags, versioning, requester_pays, policy).
        "bucket.accelerate_enabled: missing in play": "acceleration not managed",
        "bucket.acl: missing in play": "ACLs not managed",
        "bucket.acl_grants: missing in play": "ACLs not managed",
        "bucket.bucket_inventory: missing in play": "inventory not managed",
        "bucket.encryption: missing in play": "encryption not managed",
        "bucket.object_lock_default_retention: missing in play": "object lock not managed",
        "bucket.object_lock_enabled: missing in play": "object lock not managed",
        "bucket.object_ownership: missing in play": "ownership not managed",
        "bucket.public_access_block: missing in play": "public access block not managed",
        // The collection returns boto3's raw GetBucketVersioning answer, HTTP metadata included.
        "bucket.versioning.response_metadata: missing in play": "boto3 HTTP metadata",
        "bucket.versioning.tags: missing in play": "boto3 noise in the versioning answer",
        // moto files an Elastic IP's tags under resource type `vpc-elastic-ip`; the collection asks
        // DescribeTags for `elastic-ip` (AWS's name), finds none and tags again on every run.
        "eip_again.changed: True in ansible, False in play": "moto's resource type for EIP tags",
    ]

    func testAmazonAWSResultShapesMatchTheCollections() async throws {
        guard let (expected, actual) = try await Self.compareWithCollections("compat.yml", expectedDifferences: Self.expectedDifferences) else { return }
        // A few values that must agree too, beyond shape.
        XCTAssertEqual(actual["getstr"]?["contents"], .string("hello\n"))
        XCTAssertEqual(actual["listed"]?["s3_keys"], expected["listed"]?["s3_keys"])
        XCTAssertEqual(actual["counted"]?["instance_ids"]?.listValue?.count, 2)
        XCTAssertEqual(actual["tagged"]?["tags"], expected["tagged"]?["tags"])
    }

    /// The environment both tools get to reach `moto` (and no AWS configuration of this machine).
    static func awsEnvironment(_ moto: MotoServer, work: URL) -> [String: String] {
        ["AWS_ACCESS_KEY_ID": moto.accessKey, "AWS_SECRET_ACCESS_KEY": moto.secretKey, "AWS_DEFAULT_REGION": moto.region,
         "AWS_REGION": moto.region, "AWS_ENDPOINT_URL": moto.endpoint,
         "AWS_CONFIG_FILE": work.appendingPathComponent("no-config").path,
         "AWS_SHARED_CREDENTIALS_FILE": work.appendingPathComponent("no-credentials").path]
    }

    /// Runs Fixtures/aws-compat/`fixture` under ansible-playbook with the collections and under
    /// play, each against its own moto_server, and compares the results the playbook wrote to
    /// `out`: every difference not in `expectedDifferences` fails, and so does an expected one
    /// that went away. Returns both results for value checks, nil when a run failed.
    static func compareWithCollections(_ fixture: String, expectedDifferences: [String: String]) async throws -> (Value, Value)? {
        try await withCollectionsAndMotos { ansiblePlaybook, work, forAnsible, forPlay in
            try await compare(fixture, expectedDifferences, ansiblePlaybook, work, forAnsible, forPlay)
        }
    }

    /// The venv's ansible-playbook, a scratch directory and a moto_server for each tool, for `body`
    /// (all gone when it returns); nil, and a failure, when the venv is missing.
    static func withCollectionsAndMotos<T>(_ body: (String, URL, MotoServer, MotoServer) async throws -> T?) async throws -> T? {
        let ansiblePlaybook = Self.venv + "/bin/ansible-playbook"
        guard FileManager.default.isExecutableFile(atPath: ansiblePlaybook) else {
            XCTFail("\(ansiblePlaybook) is missing: run scripts/setup.sh (it makes the venv with the amazon.aws collections)")
            return nil
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("aws-compat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        async let ansibleMoto = MotoServer.start()
        async let playMoto = MotoServer.start()
        let (forAnsible, forPlay) = try await (ansibleMoto, playMoto)
        defer { forAnsible.stop(); forPlay.stop() }
        return try await body(ansiblePlaybook, work, forAnsible, forPlay)
    }

    private static func compare(_ fixture: String, _ expectedDifferences: [String: String], _ ansiblePlaybook: String, _ work: URL,
                                _ forAnsible: MotoServer, _ forPlay: MotoServer) async throws -> (Value, Value)? {
        let playbook = PlayProcess.fixtures.appendingPathComponent("aws-compat/\(fixture)").path
        func environment(_ moto: MotoServer) -> [String: String] { awsEnvironment(moto, work: work) }
        let ansibleOut = work.appendingPathComponent("ansible.json").path
        let playOut = work.appendingPathComponent("play.json").path
        async let ansibleRun = Task.detached {
            try PlayProcess.run(ansiblePlaybook, ["-i", "localhost,", "-c", "local", "-e", "ansible_python_interpreter=\(Self.venv)/bin/python",
                                                  "-e", "out=\(ansibleOut)", playbook], cwd: work, environment: environment(forAnsible))
        }.value
        async let playRun = Task.detached {
            try PlayProcess.run(PlayProcess.playPath, ["-i", "localhost,", "-c", "local", "-e", "out=\(playOut)", playbook],
                                cwd: work, environment: environment(forPlay))
        }.value
        let (ansible, play) = try await (ansibleRun, playRun)
        XCTAssertEqual(ansible.exitCode, 0, "ansible-playbook failed: \(ansible.stdout.suffix(3000)) \(ansible.stderr.suffix(2000))")
        XCTAssertEqual(play.exitCode, 0, "play failed: \(play.stdout.suffix(3000)) \(play.stderr.suffix(2000))")
        guard ansible.exitCode == 0, play.exitCode == 0 else { return nil }

        let expected = try Value.parseJSON(String(contentsOfFile: ansibleOut, encoding: .utf8))
        let actual = try Value.parseJSON(String(contentsOfFile: playOut, encoding: .utf8))
        var comparison = ShapeComparison()
        comparison.compare(expected, actual, path: "")
        let differences = Set(comparison.differences)
        let unexpected = differences.subtracting(expectedDifferences.keys).sorted()
        let vanished = Set(expectedDifferences.keys).subtracting(differences).sorted()
        XCTAssert(unexpected.isEmpty, "\(fixture): results differ from the collections':\n" + unexpected.joined(separator: "\n"))
        XCTAssert(vanished.isEmpty, "these expected differences are gone (update the list):\n" + vanished.joined(separator: "\n"))
        // The fields that matched, per registered result (the report of what is compatible).
        for (task, count) in comparison.matched.sorted(by: { $0.key < $1.key }) { print("aws-compat \(fixture): \(task): \(count) fields match") }

        return (expected, actual)
    }

}

/// Walks two results side by side: the same keys, the same kinds of values, first list items
/// against each other, and the same `changed`. Tag dictionaries hold values, not
/// keys, and are compared as dictionaries only.
struct ShapeComparison {
    var differences: [String] = []
    var matched: [String: Int] = [:]
    static let ignoredKeys: Set<String> = ["failed", "deprecations", "warnings", "invocation"]
    static let valueDictionaries: Set<String> = ["tags", "added_tags", "removed_tags", "policy", "instance_facts"]

    mutating func compare(_ expected: Value, _ actual: Value, path: String) {
        guard kind(expected) == kind(actual) else {
            differences.append("\(path): \(kind(expected)) in ansible, \(kind(actual)) in play")
            return
        }
        let task = String(path.prefix { $0 != "." && $0 != "[" })
        if !path.isEmpty { matched[task, default: 0] += 1 }
        switch (expected, actual) {
        case (.dict(let a), .dict(let b)):
            if let last = path.split(separator: ".").last, Self.valueDictionaries.contains(String(last)) { return }
            for (key, value) in a where !Self.ignoredKeys.contains(key) {
                let inner = path.isEmpty ? key : "\(path).\(key)"
                guard let other = b[key] else { differences.append("\(inner): missing in play"); continue }
                if key == "changed", value != other { differences.append("\(inner): \(value.renderedString) in ansible, \(other.renderedString) in play") }
                compare(value, other, path: inner)
            }
            for key in b.keys where a[key] == nil && !Self.ignoredKeys.contains(key) {
                differences.append("\(path.isEmpty ? key : "\(path).\(key)"): only in play")
            }
        case (.list(let a), .list(let b)):
            if a.isEmpty != b.isEmpty { differences.append("\(path): \(a.count) items in ansible, \(b.count) in play") }
            if let first = a.first, let other = b.first { compare(first, other, path: path + "[0]") }
        default: break
        }
    }

    private func kind(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "string"
        case .list: return "list"
        case .dict: return "dict"
        }
    }
}
