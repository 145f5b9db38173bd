import Foundation
import PlayTestSupport
import XCTest

/// Tiny noarch RPMs built with `rpmbuild`, a repository of them made by `createrepo_c`, a
/// dnf.conf that knows only that repository, and a scratch install root: dnf installs and
/// removes for real without touching this machine's own packages (scripts/setup.sh installs
/// rpm, dnf and createrepo-c).
final class LocalRpmRepository {
    let directory: TemporaryDirectory
    var root: String { directory.file("root") }
    var confFile: String { directory.file("dnf.conf") }

    init() throws {
        directory = try TemporaryDirectory()
        for sub in ["repo", "root", "repos.d", "top", "specs"] {
            try FileManager.default.createDirectory(atPath: directory.file(sub), withIntermediateDirectories: true)
        }
        try directory.write("dnf.conf", """
            [main]
            reposdir=\(directory.file("repos.d"))
            cachedir=\(directory.file("cache"))
            gpgcheck=0

            """)
        try directory.write("repos.d/local.repo", """
            [local]
            name=play test packages
            baseurl=file://\(directory.file("repo"))
            gpgcheck=0
            enabled=1
            metadata_expire=0

            """)
    }

    /// Builds `name-version-1.noarch.rpm`; `inRepository` puts it in the repository (call `index()` after).
    @discardableResult
    func build(_ name: String, _ version: String, requires: String? = nil, inRepository: Bool = true) throws -> String {
        let spec = try directory.write("specs/\(name)-\(version).spec", """
            Name: \(name)
            Version: \(version)
            Release: 1
            Summary: play's package module test package
            License: MIT
            BuildArch: noarch
            \(requires.map { "Requires: \($0)" } ?? "")
            %description
            A test package.
            %install
            mkdir -p %{buildroot}/usr/share/\(name)
            echo \(version) > %{buildroot}/usr/share/\(name)/version
            %files
            /usr/share/\(name)/version

            """)
        try LocalAptRepository.sh("rpmbuild --quiet --define '_topdir \(directory.file("top"))' -bb \(spec) >/dev/null 2>&1")
        let built = directory.file("top/RPMS/noarch/\(name)-\(version)-1.noarch.rpm")
        let target = directory.file((inRepository ? "repo/" : "") + "\(name)-\(version)-1.noarch.rpm")
        try FileManager.default.moveItem(atPath: built, toPath: target)
        return target
    }

    /// Each index gets a revision (and repomd timestamps) a second apart from the last: two
    /// indexes made within one second would otherwise look alike and dnf would keep its cached
    /// copy of the first.
    func index() throws {
        indexes += 1
        let revision = Int(Date().timeIntervalSince1970) + indexes
        try LocalAptRepository.sh("createrepo_c -q --revision \(revision) --set-timestamp-to-revision \(directory.file("repo"))")
    }
    private var indexes = 0

    /// NEVRAs installed in the scratch root. Debian's rpm keeps its database in `~/.rpmdb`, so
    /// where it lies under the root depends on the HOME dnf ran with: found by its file.
    func installed() -> [String] {
        let (_, output) = SSHFleet.run(["/bin/sh", "-c", """
            db=$(find \(root) -name 'rpmdb.sqlite' | head -n 1); [ -n "$db" ] || exit 0
            rpm --root \(root) --dbpath "$(dirname "${db#\(root)}")" -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n' | sort
            """])
        return output.split(separator: "\n").map(String.init)
    }
}
