import Foundation
import PlayAWS

/// Builds stored as `PREFIX/VERSION/file` (`th3-server/2/th3-server-2.tar.gz`): which object a
/// version (or `latest`, the highest version number) names.
struct BuildVersion: Comparable, CustomStringConvertible {
    /// The directory name, as written.
    let text: String
    /// Its numbers, compared one by one (`1.10` > `1.9`).
    let numbers: [Int]

    /// nil for names that are not dotted numbers (`latest`, `tmp`...).
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy(\.isASCII), let n = Int(part), n >= 0 else { return nil }
            numbers.append(n)
        }
        self.text = text
        self.numbers = numbers
    }

    var description: String { text }

    static func < (a: BuildVersion, b: BuildVersion) -> Bool {
        for (x, y) in zip(a.numbers, b.numbers) where x != y { return x < y }
        return a.numbers.count < b.numbers.count
    }

    static func == (a: BuildVersion, b: BuildVersion) -> Bool { a.numbers == b.numbers }

    /// The object for `wanted` (a version or `latest`) among `objects` listed under `prefix/`.
    /// A version directory holding several files must have exactly one archive (.tar.gz, .tgz, .zip).
    static func select(_ wanted: String, prefix: String, in objects: [S3Object]) throws(AWSModuleError) -> (S3Object, String) {
        var byVersion: [String: [S3Object]] = [:]
        for object in objects where object.key.hasPrefix(prefix + "/") && !object.key.hasSuffix("/") {
            let rest = object.key.dropFirst(prefix.count + 1)
            guard let slash = rest.firstIndex(of: "/") else { continue }
            byVersion[String(rest[..<slash]), default: []].append(object)
        }
        let versions = byVersion.keys.compactMap(BuildVersion.init).sorted()
        let chosen: String
        if wanted == "latest" {
            guard let newest = versions.last else {
                throw AWSModuleError("no builds under \(prefix)/ (expected keys like \(prefix)/1/FILE)")
            }
            chosen = newest.text
        } else if byVersion[wanted] != nil {
            chosen = wanted
        } else if let asked = BuildVersion(wanted), let match = versions.first(where: { $0 == asked }) {
            chosen = match.text
        } else {
            let known = versions.map(\.text)
            throw AWSModuleError("no build \(wanted) under \(prefix)/; versions there: "
                + (known.isEmpty ? "none" : known.joined(separator: ", ")))
        }
        let files = byVersion[chosen]!
        if files.count == 1 { return (files[0], chosen) }
        let archives = files.filter { [".tar.gz", ".tgz", ".zip"].contains(where: $0.key.hasSuffix) }
        guard archives.count == 1 else {
            throw AWSModuleError("build \(chosen) under \(prefix)/ has \(files.count) files and no single archive: "
                + files.map(\.key).sorted().joined(separator: ", ") + "; give key instead")
        }
        return (archives[0], chosen)
    }
}
