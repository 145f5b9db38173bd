import Foundation
import PlayTestSupport
import XCTest

/// Tiny Debian packages built with `dpkg-deb` and a flat apt repository of them in a scratch
/// directory, with an `APT_CONFIG` file that points apt's sources, lists and cache there: the
/// modules install and remove them for real on this machine, and no network is involved.
final class LocalAptRepository {
    let directory: TemporaryDirectory
    /// Environment for the task (`environment:`): apt reads this configuration.
    var environment: [String: String] { ["APT_CONFIG": directory.file("apt.conf")] }

    init() throws {
        directory = try TemporaryDirectory()
        for sub in ["repo", "lists/partial", "cache/archives/partial", "parts", "build"] {
            try FileManager.default.createDirectory(atPath: directory.file(sub), withIntermediateDirectories: true)
        }
        try directory.write("sources.list", "deb [trusted=yes] file:\(directory.file("repo")) ./\n")
        try directory.write("apt.conf", """
            Dir::Etc::SourceList "\(directory.file("sources.list"))";
            Dir::Etc::SourceParts "\(directory.file("parts"))";
            Dir::State::Lists "\(directory.file("lists"))";
            Dir::Cache "\(directory.file("cache"))";

            """)
    }

    /// Builds `name_version_all.deb` holding /usr/share/<name>/version; `inRepository` also
    /// lists it in the repository (call `index()` after).
    @discardableResult
    func build(_ name: String, _ version: String, depends: String? = nil, postinst: String? = nil,
               inRepository: Bool = true) throws -> String {
        let root = directory.file("build/\(name)-\(version)")
        if let postinst {
            try directory.write("build/\(name)-\(version)/DEBIAN/postinst", "#!/bin/sh\n" + postinst + "\n", mode: 0o755)
        }
        try directory.write("build/\(name)-\(version)/usr/share/\(name)/version", version + "\n")
        try directory.write("build/\(name)-\(version)/DEBIAN/control", """
            Package: \(name)
            Version: \(version)
            Architecture: all
            Maintainer: play tests <root@localhost>
            Description: play's package module test package
            \(depends.map { "Depends: \($0)\n" } ?? "")
            """)
        let deb = directory.file((inRepository ? "repo/" : "build/") + "\(name)_\(version)_all.deb")
        try Self.sh("dpkg-deb --root-owner-group -Zgzip --build \(root) \(deb)")
        return deb
    }

    /// Writes the repository's Packages index.
    func index() throws {
        try Self.sh("cd \(directory.file("repo")) && dpkg-scanpackages --multiversion . /dev/null > Packages 2>/dev/null")
    }

    /// The installed version of `name` on this machine, nil when it is not installed.
    static func installedVersion(_ name: String) -> String? {
        let (status, output) = SSHFleet.run(["/bin/sh", "-c", "dpkg-query -W -f='${db:Status-Abbrev}|${Version}' \(name) 2>/dev/null"])
        guard status == 0, output.hasPrefix("ii") else { return nil }
        return output.split(separator: "|").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Removes `names` from this machine whatever their state (test cleanup).
    static func purge(_ names: [String]) {
        _ = SSHFleet.run(["/bin/sh", "-c", "dpkg --purge \(names.joined(separator: " ")) >/dev/null 2>&1"])
    }

    static func sh(_ script: String) throws {
        let (status, output) = SSHFleet.run(["/bin/sh", "-c", script])
        guard status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(script): \(output)"]) }
    }
}
