import Foundation
import OrderedCollections
import PlayBase
import XCTest
@testable import PlayInventory

/// The fixture inventories beside this file.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

func fixture(_ relative: String) -> String { (fixtures as NSString).appendingPathComponent(relative) }

/// A scratch folder for a test's own inventory files, removed when the test ends.
final class ScratchFolder {
    let path: String

    init() throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("play-inventory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` at `relative` (creating folders) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let full = (path as NSString).appendingPathComponent(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }
}

/// Loads one inventory text written to a scratch file with the given name.
func inventory(_ text: String, named name: String = "hosts.ini", playbookDirectory: String? = nil,
               loader: YAMLLoader = YAMLLoader()) throws -> Inventory {
    let scratch = try ScratchFolder()
    let path = try scratch.write(name, text)
    return try Inventory.load(sources: [path], playbookDirectory: playbookDirectory, loader: loader)
}

/// The diagnostic an expression throws, failing the test when it throws none.
func diagnostic(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
    do {
        try body()
        XCTFail("expected a diagnostic", file: file, line: line)
        return nil
    } catch let d as Diagnostic {
        return d
    } catch {
        XCTFail("expected a Diagnostic, got \(error)", file: file, line: line)
        return nil
    }
}

extension Inventory {
    /// Variables without the two Ansible sets on every host it reads from a file.
    func plainVariables(for host: String) -> OrderedDictionary<String, Value> {
        var vars = variables(for: host)
        vars["inventory_file"] = nil
        vars["inventory_dir"] = nil
        return vars
    }
}
