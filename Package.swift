// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "play",
    // Mutex (the Synchronization module) needs macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "play", targets: ["play"]),
        .executable(name: "vault", targets: ["vault"]),
        // The fuzz targets, for the libFuzzer executables of `Fuzz/Package.swift` (bench/fuzz.sh).
        .library(name: "PlayFuzzTargets", targets: ["PlayFuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
    ],
    targets: [
        // OpenSSL's libcrypto: digests and HMAC (PlayBase.Digest), PBKDF2 and AES-CTR for the vault.
        .systemLibrary(name: "CLibCrypto", providers: [.apt(["libssl-dev"])]),

        // Values, source locations, diagnostics, YAML loading with marks, digests and the one
        // subprocess runner: shared by every layer.
        .target(name: "PlayBase", dependencies: [
            "Yams", "CLibCrypto", .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strict),
        // The Jinja2-style expression evaluator.
        .target(name: "PlayTemplating", dependencies: [.product(name: "OrderedCollections", package: "swift-collections"), "PlayBase"], swiftSettings: strict),
        // Ansible INI/YAML inventories, group/host vars, host patterns.
        .target(name: "PlayInventory", dependencies: [.product(name: "OrderedCollections", package: "swift-collections"), "PlayBase", "Yams"], swiftSettings: strict),
        // Playbook model, parsing with keyword checks, task graph, tags. Its YAML tree reads libyaml
        // through Yams's CYaml module, which Yams builds but does not export as a product.
        .target(name: "PlayLanguage", dependencies: ["PlayBase", .product(name: "OrderedCollections", package: "swift-collections"), "Yams"], swiftSettings: strict),
        // Connections: local subprocess and the system OpenSSH client.
        .target(name: "PlayConnection", dependencies: [.product(name: "OrderedCollections", package: "swift-collections"), "PlayBase"], swiftSettings: strict),
        // ansible-vault compatible encryption.
        .target(name: "PlayVault", dependencies: [.product(name: "OrderedCollections", package: "swift-collections"), "PlayBase", "CLibCrypto"], swiftSettings: strict),
        // `--version`: release, git commit (recorded at build time by the BuildInfo plugin), build
        // kind, Swift, the libcrypto and libcurl found, the configuration in use.
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .target(name: "PlayVersion", dependencies: ["PlayBase", "CLibCrypto"], swiftSettings: strict, plugins: ["BuildInfo"]),
        // The `vault` command tree (create/edit/view/...), shared by `vault` and `play vault`.
        .target(name: "VaultCommand", dependencies: ["PlayVault", "PlayBase", "PlayVersion", .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: strict),
        // libcurl, dlopen()ed on the first HTTP request (never linked): typed non-variadic wrappers.
        .target(name: "CCurl"),
        // AWS: credentials, SigV4, HTTP transport, EC2 / ELBv2 / S3 / ECS clients.
        .target(name: "PlayAWS", dependencies: [
            "PlayBase", "CCurl", .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strict),
        // Connections that need AWS (aws_ssm: SSM Run Command and S3), handed to PlayConnection's pool
        // as ConnectionPlugins: PlayConnection and PlayAWS know nothing of each other.
        .target(name: "PlayConnectionAWS", dependencies: ["PlayBase", "PlayConnection", "PlayAWS"], swiftSettings: strict),
        // Inventory plugins (amazon.aws.aws_ec2) and Ansible's constructed features: above PlayInventory,
        // PlayTemplating and PlayAWS, which know nothing of each other.
        .target(name: "PlayInventoryPlugins", dependencies: [
            "PlayBase", "PlayInventory", "PlayTemplating", "PlayAWS",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strict),
        // Strategies, per-host state machine, module protocol, events and renderers.
        .target(name: "PlayExecutor", dependencies: [
            "PlayBase", "PlayTemplating", "PlayInventory", "PlayLanguage", "PlayConnection",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strict),
        // Built-in modules: control (debug, set_fact, meta...), core (command, copy, file...), AWS, deploy.
        .target(name: "PlayModules", dependencies: [
            "PlayBase", "PlayTemplating", "PlayExecutor", "PlayConnection", "PlayAWS", "PlayVault",
            "PlayLanguage", "PlayInventory", .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strict),

        // One `play` run from a request to an exit code: secrets, extra vars, compile, listings, the
        // run with its event stream, Ctrl-C handling, and ansible-playbook's exit codes. Never exits.
        .target(name: "PlayApp", dependencies: [
            "PlayBase", "PlayTemplating", "PlayInventory", "PlayLanguage", "PlayConnection", "PlayVault",
            "PlayExecutor", "PlayModules", "PlayInventoryPlugins", "PlayAWS", "PlayConnectionAWS",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strict),

        // Thin executables: parse flags, call the libraries, end the process with their exit code.
        .executableTarget(name: "play", dependencies: [
            "PlayApp", "VaultCommand", "PlayVersion", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        .executableTarget(name: "vault", dependencies: [
            "VaultCommand", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        // Writes play.1 and vault.1 from the commands' --experimental-dump-help JSON (scripts/gen-docs.sh);
        // a build tool, never installed.
        .executableTarget(name: "play-manual", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        // One function per reader of untrusted text (YAML, templates, INI inventories, vault
        // envelopes, AWS's XML), for libFuzzer (Fuzz/Package.swift) and FuzzCorpusTests.
        .target(name: "PlayFuzzTargets", dependencies: ["PlayBase", "PlayTemplating", "PlayInventory", "PlayVault", "PlayAWS"],
                path: "Fuzz/Targets", swiftSettings: strict),
        // Test helpers shared by test targets (real sshd fleets, ...); never linked into a product.
        .target(name: "PlayTestSupport", dependencies: ["PlayConnection", "PlayBase", "PlayAWS"], swiftSettings: strict),

        .testTarget(name: "PlayBaseTests", dependencies: ["PlayBase", "PlayTestSupport"], swiftSettings: strict),
        .testTarget(name: "PlayTemplatingTests", dependencies: ["PlayTemplating", "PlayTestSupport"], swiftSettings: strict),
        .testTarget(name: "PlayInventoryTests", dependencies: ["PlayInventory"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "PlayLanguageTests", dependencies: ["PlayLanguage", "PlayBase", "PlayModules", "PlayExecutor", .product(name: "OrderedCollections", package: "swift-collections")], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "PlayConnectionTests", dependencies: ["PlayConnection", "PlayBase", "PlayTestSupport", .product(name: "OrderedCollections", package: "swift-collections")], swiftSettings: strict),
        .testTarget(name: "PlayVaultTests", dependencies: ["PlayVault", "PlayBase", "CLibCrypto"], exclude: ["Vectors"], swiftSettings: strict),
        .testTarget(name: "PlayAWSTests", dependencies: ["PlayAWS", "PlayBase", "PlayTestSupport"], exclude: ["Vectors"], swiftSettings: strict),
        .testTarget(name: "PlayExecutorTests", dependencies: ["PlayExecutor", "PlayLanguage", "PlayBase", "PlayTemplating", "PlayInventory", "PlayTestSupport", .product(name: "OrderedCollections", package: "swift-collections")], swiftSettings: strict),
        .testTarget(name: "PlayModulesTests", dependencies: [
            "PlayModules", "PlayTestSupport", "PlayExecutor", "PlayConnection", "PlayTemplating", "PlayLanguage",
            "PlayBase", "PlayAWS", .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strict),
        .testTarget(name: "PlayAppTests", dependencies: [
            "PlayApp", "PlayBase", "PlayExecutor", .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strict),
        .testTarget(name: "PlayInventoryPluginsTests", dependencies: [
            "PlayInventoryPlugins", "PlayInventory", "PlayApp", "PlayAWS", "PlayBase", "PlayTestSupport",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ], swiftSettings: strict),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["PlayFuzzTargets", "PlayTestSupport"], swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["PlayBase", "PlayTestSupport"], exclude: ["Fixtures"], swiftSettings: strict),
        // The translate-api playbook run by the built `play` against a private sandbox, under load.
        .testTarget(name: "DeployTests", dependencies: ["PlayBase"], exclude: ["Fixtures"], swiftSettings: strict),
    ]
)
