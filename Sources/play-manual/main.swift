import ArgumentParser
import Foundation

/// `play-manual`: writes a man page (mdoc) from a command's `--experimental-dump-help` JSON, so
/// `play.1` and `vault.1` are generated from the command definitions (scripts/gen-docs.sh). A
/// build tool: installed by nothing, shipped in no package.
struct PlayManual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play-manual",
        abstract: "Write a man page (mdoc) from a command's --experimental-dump-help JSON on standard input.")

    @Option(help: "The page's date, YYYY-MM-DD (default: today; scripts pass the source's commit date).")
    var date: String?

    @Option(name: .customLong("see-also"), help: "A related page in section 1 (repeatable).")
    var seeAlso: [String] = []

    func run() throws {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let tool: ToolDescription
        do {
            tool = try JSONDecoder().decode(ToolDescription.self, from: input)
        } catch {
            throw ValidationError("standard input is not argument-parser's --experimental-dump-help JSON: \(error)")
        }
        guard tool.serializationVersion == 0 else {
            throw ValidationError("dump-help serialization version \(tool.serializationVersion) is not known (0 is)")
        }
        let page = ManualPage(command: tool.command, date: try pageDate(), seeAlso: seeAlso)
        FileHandle.standardOutput.write(Data(page.render().utf8))
    }

    /// mdoc's `.Dd` form of `--date` or today, in UTC.
    private func pageDate() throws -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        var day = Date()
        if let date {
            format.dateFormat = "yyyy-MM-dd"
            guard let parsed = format.date(from: date) else { throw ValidationError("--date \(date) is not YYYY-MM-DD") }
            day = parsed
        }
        format.dateFormat = "MMMM d, yyyy"
        return format.string(from: day)
    }
}

PlayManual.main()
