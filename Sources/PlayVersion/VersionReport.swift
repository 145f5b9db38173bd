import CLibCrypto
import Foundation
import PlayBase
#if canImport(Glibc)
import Glibc
#endif

/// What `play --version` and `vault --version` print: the release, the commit and kind of the
/// build, the Swift it was built with, the libcrypto and libcurl this process finds, and the
/// configuration in use (config file, roles path), in the shape of `ansible --version`.
public enum VersionReport {
    /// play's own release number (its playbooks follow ansible-core 2.19).
    public static let version = "0.1.0"

    /// How this binary was built: `bench/build-release.sh` passes `-DPLAY_SHIPPED_BUILD`.
    public static var buildKind: String {
        #if DEBUG
        "debug (swift build, not optimised)"
        #elseif PLAY_SHIPPED_BUILD
        "shipped (bench/build-release.sh: optimised, static Swift runtime, code layout)"
        #else
        "plain release (swift build -c release: optimised, shared Swift runtime)"
        #endif
    }

    public static func text(program: String, configuration: Configuration?, configurationProblem: String? = nil) -> String {
        var lines = ["\(program) \(version) [ansible-core 2.19 compatible]"]
        lines.append("  git commit = \(BuildInfo.commit)")
        lines.append("  build = \(buildKind)")
        lines.append("  swift = \(BuildInfo.swiftVersion)")
        lines.append("  libcrypto = \(libcrypto)")
        lines.append("  libcurl = \(libcurl)")
        if let configuration {
            lines.append("  config file = \(configuration.file ?? "None")")
            lines.append("  roles path = \(configuration.strings("DEFAULT_ROLES_PATH").joined(separator: ":"))")
        } else {
            lines.append("  config file = unreadable: \(configurationProblem ?? "?")")
        }
        lines.append("  executable location = \(executable)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// OpenSSL's own version line, and where it comes from (play links libcrypto.a in).
    static var libcrypto: String {
        let name = OpenSSL_version(OPENSSL_VERSION).map { String(cString: $0) } ?? "unknown"
        return name + (loadedFile(named: "libcrypto.so").map { " (\($0))" } ?? " (linked into the binary)")
    }

    /// libcurl is loaded on the first HTTP request; here it is looked for as that request would.
    static var libcurl: String {
        guard let library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL) else {
            return "not found (libcurl.so.4: needed only for HTTP — AWS modules, get_url, uri)"
        }
        defer { dlclose(library) }
        guard let symbol = dlsym(library, "curl_version") else { return "libcurl.so.4 without curl_version" }
        let version = unsafeBitCast(symbol, to: (@convention(c) () -> UnsafePointer<CChar>?).self)().map { String(cString: $0) }
        return (version ?? "unknown") + (loadedFile(named: "libcurl.so").map { " (\($0))" } ?? "")
    }

    /// The loaded file whose name starts with `prefix` (`libcrypto.so`), from /proc/self/maps.
    static func loadedFile(named prefix: String) -> String? {
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            if (path as NSString).lastPathComponent.hasPrefix(prefix) { return path }
        }
        return nil
    }

    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
