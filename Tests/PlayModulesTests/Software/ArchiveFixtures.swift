import Foundation
import XCTest

/// Archives made on this machine with its own tar and zip, for the unarchive and archive tests.
enum ArchiveFixtures {
    /// Runs a command line with `sh -c` in `directory`; fails the test on a non-zero exit.
    @discardableResult
    static func sh(_ command: String, in directory: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let (status, text) = try run("/bin/sh", ["-c", command], in: directory)
        if status != 0 { XCTFail("\(command) failed: \(text)", file: file, line: line) }
        return text
    }

    /// Runs a program in `directory` with `environment` added to this process's; its exit
    /// status and its output and errors together.
    static func run(_ path: String, _ arguments: [String], in directory: String,
                    environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A tree `app/` (`bin/run` 0755, `conf/app.ini`, `README`) and archives of it in `dir`:
    /// app.tar.gz, app.tar.bz2, app.tar.xz, app.tar, app.zip.
    static func make(in dir: TemporaryDirectory) throws {
        try dir.write("src/app/README", "read me\n", mode: 0o644)
        try dir.write("src/app/conf/app.ini", "[app]\nport = 8080\n", mode: 0o640)
        try dir.write("src/app/bin/run", "#!/bin/sh\necho run\n", mode: 0o755)
        let src = dir.file("src")
        try sh("touch -d '2024-01-02 03:04:05' app app/README app/conf app/conf/app.ini app/bin app/bin/run", in: src)
        try sh("""
            tar -czf ../app.tar.gz app && tar -cjf ../app.tar.bz2 app && tar -cJf ../app.tar.xz app \
              && tar -cf ../app.tar app && zip -qr ../app.zip app
            """, in: src)
    }
}
