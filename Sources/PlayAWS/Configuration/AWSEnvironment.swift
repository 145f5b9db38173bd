import Foundation

/// The process environment and home directory the configuration chain reads; tests pass their own.
public struct AWSEnvironment: Sendable {
    public var variables: [String: String]
    public var homeDirectory: String

    public init(variables: [String: String], homeDirectory: String) {
        self.variables = variables
        self.homeDirectory = homeDirectory
    }

    /// The real environment of this process.
    public static var process: AWSEnvironment {
        let env = ProcessInfo.processInfo.environment
        return AWSEnvironment(variables: env, homeDirectory: env["HOME"] ?? NSHomeDirectory())
    }

    /// The variable's value when set and not blank.
    public subscript(name: String) -> String? {
        guard let value = variables[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    public func isTrue(_ name: String) -> Bool { self[name]?.lowercased() == "true" }

    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    public var credentialsFile: URL { path(self["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials") }

    /// `AWS_CONFIG_FILE`, else `~/.aws/config`.
    public var configFile: URL { path(self["AWS_CONFIG_FILE"] ?? "~/.aws/config") }

    func path(_ text: String) -> URL {
        if text == "~" { return URL(fileURLWithPath: homeDirectory) }
        if text.hasPrefix("~/") { return URL(fileURLWithPath: homeDirectory).appendingPathComponent(String(text.dropFirst(2))) }
        return URL(fileURLWithPath: text)
    }

    /// `~/…` instead of the home directory, for shorter messages.
    func display(_ url: URL) -> String {
        let home = homeDirectory.hasSuffix("/") ? String(homeDirectory.dropLast()) : homeDirectory
        if !home.isEmpty, url.path.hasPrefix(home + "/") { return "~" + url.path.dropFirst(home.count) }
        return url.path
    }
}
