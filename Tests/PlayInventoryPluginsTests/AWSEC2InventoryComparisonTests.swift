import Foundation
import OrderedCollections
import PlayApp
import PlayAWS
import PlayBase
import PlayInventory
import PlayInventoryPlugins
import PlayTestSupport
import XCTest

/// The aws_ec2 inventory against the real amazon.aws collection: one moto_server, a few tagged
/// instances in two regions (one stopped, one terminated), and for each option set the output of
/// the collection's plugin (`ansible-inventory --list` from the venv scripts/aws-venv.sh makes)
/// compared whole with `play inventory --list`: groups, their hosts and children in order, host
/// names, and every host variable with its value and type (launch and attach times included: both
/// read the same moto state). Also `--graph` text, `--host`, and
/// `play --list-hosts` over the same source.
final class AWSEC2InventoryComparisonTests: XCTestCase {
    static var venv: String { ProcessInfo.processInfo.environment["PLAY_AWS_VENV"] ?? NSHomeDirectory() + "/.cache/play/aws-venv" }

    /// Option sets, each an inventory file body; `ENDPOINT`, `KEY` and `SECRET` are filled in.
    /// Credentials come from the environment unless the file names them or a profile.
    static let configurations: [(name: String, body: String, credentials: Credentials)] = [
        ("defaults", """
        plugin: amazon.aws.aws_ec2
        regions: [us-east-1, us-west-2]
        keyed_groups:
          - key: tags
            prefix: tag
        compose:
          ansible_host: private_ip_address
        """, .environment),
        ("hostnames and groups, credentials from a profile", """
        plugin: aws_ec2
        aws_profile: moto
        regions: [us-east-1, us-west-2]
        hostnames: [tag:Name, instance-id]
        groups:
          web: "'web' in (tags.Name | default(''))"
          stopped: state.name == 'stopped'
          broken: undefined_thing.attr == 1
        keyed_groups:
          - key: placement.region
            prefix: aws_region
          - key: instance_type
            prefix: type
          - key: tags.app
            separator: ''
            parent_group: apps
          - key: tags.role
            prefix: role
            default_value: none
        compose:
          ansible_host: public_ip_address | default(private_ip_address)
          zone: placement.availability_zone
        """, .profile),
        ("dict hostnames, filters and credentials in the file", """
        plugin: amazon.aws.aws_ec2
        aws_access_key_id: KEY
        aws_secret_access_key: SECRET
        endpoint_url: ENDPOINT
        regions: [us-east-1]
        filters:
          tag:app: th3-server
        exclude_filters:
          - instance-state-name: [stopped]
        hostnames:
          - name: private-ip-address
            prefix: tag:Name
            separator: '-'
          - instance-id
        keyed_groups:
          - key: tags
            prefix: tag
            trailing_separator: false
        """, .file),
        ("states, include filters, contrib names, prefix", """
        plugin: amazon.aws.aws_ec2
        regions: [us-east-1, us-west-2]
        filters:
          instance-state-name: [running, stopped]
        include_filters:
          - tag:Name: [db]
        hostnames: ["ip-address | replace('.', '-')", private-ip-address]
        use_contrib_script_compatible_sanitization: true
        use_contrib_script_compatible_ec2_tag_keys: true
        hostvars_prefix: aws_
        keyed_groups:
          - key: aws_tags
            prefix: tag
          - key: aws_security_groups | map(attribute='group_name')
            prefix: sg
        strict: true
        """, .environment),
    ]

    enum Credentials { case environment, file, profile }

    func testInventoryMatchesTheAmazonAWSPlugin() async throws {
        let tool = Self.venv + "/bin/ansible-inventory"
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            return XCTFail("\(tool) is missing: run scripts/aws-venv.sh (scripts/setup.sh does) to install the ansible package with amazon.aws")
        }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        try await launchFleet(moto)

        let scratch = NSTemporaryDirectory() + "play-aws-ec2-inventory-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch + "/home", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // The profile `moto` in the shared credentials file, for the option set that names it.
        try FileManager.default.createDirectory(atPath: scratch + "/home/.aws", withIntermediateDirectories: true)
        try "[moto]\naws_access_key_id = \(moto.accessKey)\naws_secret_access_key = \(moto.secretKey)\n"
            .write(toFile: scratch + "/home/.aws/credentials", atomically: true, encoding: .utf8)
        var base = ["HOME": scratch + "/home", "PATH": Self.venv + "/bin:/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true",
                    "ANSIBLE_NOCOLOR": "1", "PYTHONWARNINGS": "ignore", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"]
        var withCredentials = base
        withCredentials["AWS_ACCESS_KEY_ID"] = moto.accessKey
        withCredentials["AWS_SECRET_ACCESS_KEY"] = moto.secretKey
        withCredentials["AWS_ENDPOINT_URL"] = moto.endpoint
        base["AWS_REGION"] = "us-east-1"
        var withProfile = base
        withProfile["AWS_ENDPOINT_URL"] = moto.endpoint

        var files: [(name: String, path: String, environment: [String: String])] = []
        for (i, c) in Self.configurations.enumerated() {
            let path = scratch + "/c\(i).aws_ec2.yml"
            let body = c.body.replacingOccurrences(of: "ENDPOINT", with: moto.endpoint)
                .replacingOccurrences(of: "SECRET", with: moto.secretKey).replacingOccurrences(of: "KEY", with: moto.accessKey)
            try body.write(toFile: path, atomically: true, encoding: .utf8)
            switch c.credentials {
            case .environment: files.append((c.name, path, withCredentials))
            case .file: files.append((c.name, path, base))
            case .profile: files.append((c.name, path, withProfile))
            }
        }
        // A folder mixing an INI file with a plugin file.
        try FileManager.default.createDirectory(atPath: scratch + "/mixed", withIntermediateDirectories: true)
        try "[local]\nbox1 ansible_connection=local\n[th3:children]\nlocal\n".write(toFile: scratch + "/mixed/10-hosts.ini", atomically: true, encoding: .utf8)
        try Self.configurations[0].body.write(toFile: scratch + "/mixed/20-fleet.aws_ec2.yml", atomically: true, encoding: .utf8)
        files.append(("folder with INI and aws_ec2", scratch + "/mixed", withCredentials))

        // ansible-inventory for every file at once (each takes seconds), plus one --graph.
        let sources = files
        let theirs = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (i, f) in sources.enumerated() {
                group.addTask { (i, try await Self.ansibleInventory(tool, ["-i", f.path, "--list"], f.environment)) }
            }
            group.addTask { (-1, try await Self.ansibleInventory(tool, ["-i", sources[1].path, "--graph"], sources[1].environment)) }
            var out: [Int: String] = [:]
            for try await (i, text) in group { out[i] = text }
            return out
        }

        for (i, f) in files.enumerated() {
            let expected = Self.sortedKeys(Self.unwrapUnsafe(try Value.parseJSON(theirs[i] ?? "")))
            let output = CapturedOutput()
            let code = await InventorySession.run(InventorySession.Request(inventories: [f.path], action: .list(export: false, yaml: false), environment: f.environment),
                                                  output: output)
            XCTAssertEqual(code, 0, "\(f.name): \(output.errors)")
            let ours = Self.sortedKeys(try Value.parseJSON(output.text))
            XCTAssertFalse((expected["_meta"]?["hostvars"]?.dictValue ?? [:]).isEmpty, "\(f.name): ansible found no hosts")
            Self.assertSame(expected, ours, f.name)
        }

        // --graph, text for text (with --vars Ansible prints timestamps as Python datetimes, play as text).
        let graph = CapturedOutput()
        _ = await InventorySession.run(InventorySession.Request(inventories: [files[1].path], action: .graph(group: "all", showVariables: false),
                                                                environment: files[1].environment), output: graph)
        XCTAssertEqual(graph.text.trimmingCharacters(in: .newlines), theirs[-1]?.trimmingCharacters(in: .newlines))

        // --host and play --list-hosts with the same source.
        let host = CapturedOutput()
        _ = await InventorySession.run(InventorySession.Request(inventories: [files[1].path], action: .host("web-1b"),
                                                                environment: files[1].environment), output: host)
        XCTAssertEqual(try Value.parseJSON(host.text)["tags"]?["Name"], "web-1b", host.errors)
        let playbook = scratch + "/site.yml"
        try "- hosts: web:&aws_region_us_east_1:!stopped\n  gather_facts: false\n  tasks: []\n- hosts: apps\n  tasks: []\n"
            .write(toFile: playbook, atomically: true, encoding: .utf8)
        let listing = CapturedOutput()
        let code = await PlaybookSession.run(PlaybookSession.Request(playbooks: [playbook], inventories: [files[1].path], listHosts: true,
                                                                     environment: files[1].environment),
                                             output: listing, terminate: { _ in fatalError("no run") })
        XCTAssertEqual(code, 0, listing.errors)
        // Hosts come in instance-id order, which moto draws at random: compare each play's set.
        let plays = listing.text.components(separatedBy: "play #").dropFirst().map { block in
            Set(block.components(separatedBy: "\n").drop { !$0.contains("hosts (") }.dropFirst()
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        XCTAssertEqual(plays, [["web-1a", "web-1b"], ["web-1a", "web-1b", "web-west"]], listing.text)

        // An empty `regions` asks DescribeRegions (moto's keys fail in the other partitions, so the
        // plugins' all-regions walk is not compared here).
        let session = moto.session()
        defer { session.shutdown() }
        let regions = try await session.ec2().describeRegionNames()
        XCTAssertTrue(regions.contains("us-east-1") && regions.contains("us-west-2"), "\(regions)")
    }

    /// us-east-1: web-1a and web-1b (app th3-server), db (stopped, role ""), old (terminated);
    /// us-west-2: web-west (app th3-server).
    func launchFleet(_ moto: MotoServer) async throws {
        let session = moto.session()
        defer { session.shutdown() }
        for region in ["us-east-1", "us-west-2"] {
            let ec2 = session.ec2(region: region)
            guard let image = try await ec2.describeImages().first?.imageID else { return XCTFail("moto has no image in \(region)") }
            let fleet: [(String, [String: String], String)] = region == "us-east-1"
                ? [("web-1a", ["app": "th3-server", "role": "web"], "t3.micro"), ("web-1b", ["app": "th3-server", "role": "web"], "t3.micro"),
                   ("db", ["role": ""], "t2.small"), ("old", ["app": "th3-server"], "t3.micro")]
                : [("web-west", ["app": "th3-server"], "t3.small")]
            for (name, tags, type) in fleet {
                var all = tags
                all["Name"] = name
                let launched = try await ec2.runInstances(EC2RunInstancesRequest(imageID: image, instanceType: type, tags: all))
                if name == "db" { _ = try await ec2.stopInstances(launched.map(\.instanceID)) }
                if name == "old" { _ = try await ec2.terminateInstances(launched.map(\.instanceID)) }
            }
        }
    }

    static func ansibleInventory(_ tool: String, _ arguments: [String], _ environment: [String: String]) async throws -> String {
        let result = try await Subprocess.run([tool] + arguments, environment: environment, timeout: .seconds(120))
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        guard result.status == 0 else { throw Failure("ansible-inventory \(arguments.joined(separator: " ")) failed: \(stderr)") }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// ansible-inventory marks text a plugin fetched as `{"__ansible_unsafe": "..."}`; the value is the text.
    static func unwrapUnsafe(_ value: Value) -> Value {
        switch value {
        case .dict(let d):
            if d.count == 1, let inner = d["__ansible_unsafe"] { return inner }
            return .dict(d.mapValues(unwrapUnsafe))
        case .list(let l): return .list(l.map(unwrapUnsafe))
        default: return value
        }
    }

    static func sortedKeys(_ value: Value) -> Value {
        switch value {
        case .dict(let d):
            var out = OrderedDictionary<String, Value>()
            for key in d.keys.sorted() { out[key] = sortedKeys(d[key]!) }
            return .dict(out)
        case .list(let l): return .list(l.map(sortedKeys))
        default: return value
        }
    }

    /// Equal, or the first differences by path (value and type).
    static func assertSame(_ expected: Value, _ actual: Value, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        var differences: [String] = []
        func walk(_ a: Value, _ b: Value, _ path: String) {
            switch (a, b) {
            case (.dict(let x), .dict(let y)):
                for key in Set(x.keys).union(y.keys).sorted() {
                    guard let u = x[key] else { differences.append("\(path)/\(key): only in play"); continue }
                    guard let v = y[key] else { differences.append("\(path)/\(key): only in ansible"); continue }
                    walk(u, v, "\(path)/\(key)")
                }
            case (.list(let x), .list(let y)) where x.count == y.count:
                for (i, pair) in zip(x, y).enumerated() { walk(pair.0, pair.1, "\(path)[\(i)]") }
            default:
                if a != b { differences.append("\(path): ansible \(a.pythonRepr) (\(a.typeName)), play \(b.pythonRepr) (\(b.typeName))") }
            }
        }
        walk(expected, actual, "")
        XCTAssertTrue(differences.isEmpty, "\(name):\n" + differences.prefix(20).joined(separator: "\n"), file: file, line: line)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// Collects what a session prints.
final class CapturedOutput: SessionOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""
    var text: String { lock.withLock { out } }
    var errors: String { lock.withLock { err } }
    func write(_ text: String) { lock.withLock { out += text } }
    func error(_ text: String) { lock.withLock { err += text } }
}
