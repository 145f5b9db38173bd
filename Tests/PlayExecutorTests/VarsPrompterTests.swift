import Foundation
import PlayBase
import PlayLanguage
import PlayTestSupport
@testable import PlayExecutor
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `vars_prompt` answered on a real pseudo-terminal, and the rules without one.
final class VarsPrompterTests: XCTestCase {
    private let here = SourceLocation(file: "site.yml", line: 4, column: 7)

    /// A pseudo-terminal's master side and the device path of its slave side.
    private func openTerminal() throws -> (master: Int32, device: String) {
        let terminal = try PseudoTerminal.open()
        return (terminal.master, terminal.device)
    }

    func testTypedAnswersAreUsedAndAnEmptyOneTakesTheDefault() async throws {
        let (master, device) = try openTerminal()
        defer { close(master) }
        let prompter = VarsPrompter(terminal: TerminalPrompt(device: device, isInteractive: { true }), extraVars: [:])
        let typist = Task.detached {
            for line in ["blue\n", "\n", "raw {{ x }}\n"] {
                try? await Task.sleep(for: .milliseconds(300))
                _ = write(master, line, line.utf8.count)
            }
        }
        let answers = try await prompter.answers(for: [
            VarsPrompt(name: "colour", prompt: "Which colour", location: here),
            VarsPrompt(name: "size", prompt: "Size", isPrivate: false, defaultValue: "large", location: here),
            VarsPrompt(name: "text", unsafe: true, location: here),
        ])
        await typist.value
        XCTAssertEqual(answers.values, ["colour": "blue", "size": "large"])
        XCTAssertEqual(answers.unsafeValues, ["text": "raw {{ x }}"])
        XCTAssertEqual(answers.warnings, [])
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = read(master, &buffer, buffer.count)
        let shown = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)
        XCTAssertTrue(shown.contains("Which colour: "), shown)
        XCTAssertFalse(shown.contains("blue"), "a private prompt does not echo: \(shown)")
    }

    func testExtraVarsAreNotAskedForAndWithoutATerminalTheDefaultIsUsed() async throws {
        let never = TerminalPrompt(device: "/nonexistent", isInteractive: { false })
        let prompter = VarsPrompter(terminal: never, extraVars: ["given": "cli"])
        let answers = try await prompter.answers(for: [
            VarsPrompt(name: "given", location: here),
            VarsPrompt(name: "size", defaultValue: 3, location: here),
        ])
        XCTAssertEqual(answers.values, ["size": "3"])
        XCTAssertEqual(answers.warnings, [VarsPrompter.notInteractive])
        do {
            _ = try await prompter.answers(for: [VarsPrompt(name: "secret", location: here)])
            XCTFail("a prompt with no default and no terminal must fail")
        } catch {
            XCTAssertEqual("\(error)", "site.yml:4:7: vars_prompt 'secret' has no default and there is no terminal to ask on; pass it with -e secret=VALUE")
        }
    }
}
