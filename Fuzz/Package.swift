// swift-tools-version:6.0
// The libFuzzer executables, one per target in `Fuzz/Targets` (the main package's
// `PlayFuzzTargets`). Built by `bench/fuzz.sh` with `--sanitize=fuzzer`: libFuzzer supplies
// `main`, so the harness files are compiled as a library would be (`-parse-as-library`).
import Foundation
import PackageDescription

/// The main package's identity is its directory's name (a worktree need not be called `play`).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "PlayFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: ["yaml", "expression", "ini", "vault", "xml"].map { name in
        .executableTarget(
            name: "fuzz-\(name)",
            dependencies: [.product(name: "PlayFuzzTargets", package: root)],
            path: "Harness/\(name)",
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])])
    }
)
