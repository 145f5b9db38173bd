import Foundation
@testable import PlayModules
import XCTest

/// The user module's decisions as a table of account databases in and commands out, for the
/// shadow tools and for busybox's adduser family (whose binaries this machine lacks: the
/// commands are checked here, the scripts under busybox in SystemBusyboxTests).
final class UserCommandsTests: XCTestCase {
    private func db(user: String? = nil, tools: [String], groups: String = "", shadow: String = "") -> AccountDatabase {
        var text = "groups=\(groups)\u{0}tools= \(tools.joined(separator: " "))\u{0}"
        if let user { text += "pw=\(user)\u{0}" }
        text += "sp=\(shadow)\u{0}"
        return AccountDatabase(ScriptRecords(Data(text.utf8)))
    }

    private let shadowTools = ["useradd", "usermod", "userdel", "groupadd", "chpasswd"]
    private let busyboxTools = ["adduser", "deluser", "addgroup", "delgroup", "chpasswd"]

    func testUseraddForANewUser() throws {
        var r = UserCommands.Request(name: "ann")
        r.uid = 1500; r.nonUnique = true; r.groups = ["wheel", "audio"]; r.comment = "Ann"; r.shell = "/bin/sh"
        r.password = "$6$x"; r.passwordLock = true; r.expires = -1; r.system = true; r.createHome = false
        let commands = try UserCommands(request: r, db: db(tools: shadowTools, groups: "wheel:x:10:\naudio:x:29:bob\nann:x:1500:")).create()
        XCTAssertEqual(commands.map(\.argv), [["useradd", "-u", "1500", "-o", "-N", "-G", "wheel,audio", "-c", "Ann", "-s", "/bin/sh",
                                               "-e", "", "-p", "!$6$x", "-M", "-r", "ann"]])
        r.groups = ["nosuch"]
        XCTAssertThrowsError(try UserCommands(request: r, db: db(tools: shadowTools)).create()) { error in
            XCTAssertEqual(error as? UserCommands.Refused, .init(message: "Group nosuch does not exist"))
        }
    }

    func testUsermodOnlyForWhatDiffers() throws {
        let current = db(user: "ann:x:1500:1500:Ann:/home/ann:/bin/sh", tools: shadowTools,
                         groups: "ann:x:1500:\nwheel:x:10:ann\naudio:x:29:", shadow: "ann:$6$x:19000:0:99999:7:::")
        var r = UserCommands.Request(name: "ann")
        r.comment = "Ann"; r.shell = "/bin/sh"; r.groups = ["wheel"]; r.password = "$6$x"
        XCTAssertEqual(try UserCommands(request: r, db: current).modify(), [], "already as asked")
        r.groups = ["audio"]; r.append = true; r.shell = "/bin/bash"; r.passwordLock = true; r.expires = 1893456000
        XCTAssertEqual(try UserCommands(request: r, db: current).modify().map(\.argv),
                       [["usermod", "-a", "-G", "audio", "-s", "/bin/bash", "-e", "2030-01-01", "-L", "ann"]])
        r = UserCommands.Request(name: "ann")
        r.groups = []; r.password = "$6$y"; r.passwordLock = true
        XCTAssertEqual(try UserCommands(request: r, db: current).modify().map(\.argv),
                       [["usermod", "-G", "", "-p", "!$6$y", "ann"]], "a new hash replaces -L; no groups empties them")
    }

    func testBusyboxAdduserFamily() throws {
        var r = UserCommands.Request(name: "bob")
        r.uid = 2000; r.group = "staff"; r.comment = "Bob"; r.home = "/h/bob"; r.createHome = false; r.system = true
        r.password = "$6$z"; r.groups = ["audio", "video"]
        let groups = "staff:x:50:\naudio:x:29:\nvideo:x:44:"
        let created = try UserCommands(request: r, db: db(tools: busyboxTools, groups: groups)).create()
        XCTAssertEqual(created, [
            .init(argv: ["adduser", "-D", "-u", "2000", "-G", "staff", "-g", "Bob", "-h", "/h/bob", "-H", "-S", "bob"]),
            .init(argv: ["chpasswd", "--encrypted"], input: "bob:$6$z"),
            .init(argv: ["adduser", "bob", "audio"]), .init(argv: ["adduser", "bob", "video"]),
        ])
        let existing = db(user: "bob:x:2000:50:Bob:/h/bob:/bin/sh", tools: busyboxTools,
                          groups: groups.replacingOccurrences(of: "audio:x:29:", with: "audio:x:29:bob") + "\ndisk:x:6:bob",
                          shadow: "bob:$6$z:1:0:99999:7:::")
        r = UserCommands.Request(name: "bob")
        r.groups = ["audio", "video"]
        XCTAssertEqual(try UserCommands(request: r, db: existing).modify(), [
            .init(argv: ["adduser", "bob", "video"]), .init(argv: ["delgroup", "bob", "disk"]),
        ])
        r.append = true
        XCTAssertEqual(try UserCommands(request: r, db: existing).modify(), [.init(argv: ["adduser", "bob", "video"])])
        r.remove = true
        XCTAssertEqual(UserCommands(request: r, db: existing).remove(), [.init(argv: ["deluser", "bob", "--remove-home"])])
    }

    func testPasswordWarning() {
        XCTAssertEqual(UserModule.passwordWarnings("secret").count, 1)
        XCTAssertEqual(UserModule.passwordWarnings("$6$saltsalt$" + String(repeating: "a", count: 86)), [])
        XCTAssertEqual(UserModule.passwordWarnings("$6$saltsalt$short").count, 1)
        XCTAssertEqual(UserModule.passwordWarnings("!"), [])
    }
}
