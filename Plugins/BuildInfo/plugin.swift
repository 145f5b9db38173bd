import Foundation
import PackagePlugin

/// Records what a build was made from (the git commit, the Swift compiler) in a Swift file the
/// target compiles, generated on every build into the plugin's work directory (never committed).
/// It runs `scripts/build-info.sh`, which rewrites the file only when its content changes, so an
/// unchanged checkout recompiles nothing.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        let package = context.package.directoryURL
        let swiftc = (try? context.tool(named: "swiftc"))?.url.path ?? "swiftc"
        return [.prebuildCommand(
            displayName: "Recording the git commit and the Swift version",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [package.appendingPathComponent("scripts/build-info.sh").path, package.path, output.path, swiftc],
            outputFilesDirectory: output)]
    }
}
