import Foundation
import PlayBase
@testable import PlayExecutor
import XCTest

/// The job file an async job leaves on the target, read into the task result async_status and
/// the poller return.
final class AsyncJobFileTests: XCTestCase {
    private func result(_ json: String, jid: String = "j123456789012.42") -> TaskResult {
        AsyncJob.result(ofJobFile: Data(json.utf8), jid: jid)
    }

    func testARunningJobIsStartedNotFinishedAndUnchanged() {
        let r = result(#"{"started": 1, "finished": 0, "ansible_job_id": "j123456789012.42", "results_file": "/h/.ansible_async/j123456789012.42"}"#)
        XCTAssertEqual(r["started"], .bool(true))
        XCTAssertEqual(r["finished"], .bool(false))
        XCTAssertEqual(r["changed"], .bool(false))
        XCTAssertFalse(r.failed)
        XCTAssertEqual(r["results_file"], "/h/.ansible_async/j123456789012.42")
        XCTAssertNil(r["stdout_lines"])
    }

    func testAFinishedCommandHasAnsiblesCommandResult() {
        let r = result(#"""
            {"started": 1, "finished": 1, "ansible_job_id": "j1.2", "results_file": "/h/.ansible_async/j1.2", "rc": 0,
             "cmd": ["echo", "a"], "start": "2026-01-01 10:00:00.000001", "end": "2026-01-01 10:00:01.000002",
             "delta": "0:00:01.000001", "stdout": "a\nb\n\n", "stderr": "warn\n"}
            """#, jid: "j1.2")
        XCTAssertEqual(r["finished"], .bool(true))
        XCTAssertEqual(r["changed"], .bool(true))
        XCTAssertFalse(r.failed)
        XCTAssertEqual(r["msg"], "")
        XCTAssertEqual(r["rc"], .int(0))
        XCTAssertEqual(r["cmd"], .list(["echo", "a"]))
        XCTAssertEqual(r["stdout"], "a\nb", "trailing newlines are stripped as the command module strips them")
        XCTAssertEqual(r["stdout_lines"], .list(["a", "b"]))
        XCTAssertEqual(r["stderr"], "warn")
        XCTAssertEqual(r["stderr_lines"], .list(["warn"]))
        XCTAssertEqual(r["delta"], "0:00:01.000001")
    }

    func testANonZeroExitFailsWithAnsiblesMessage() {
        let r = result(#"{"started": 1, "finished": 1, "ansible_job_id": "j1.2", "rc": 3, "cmd": "exit 3", "stdout": "", "stderr": ""}"#)
        XCTAssertTrue(r.failed)
        XCTAssertEqual(r["changed"], .bool(true))
        XCTAssertEqual(r["msg"], "non-zero return code")
    }

    func testAKilledJobFailsUnchangedWithItsMessage() {
        let r = result(#"{"started": 1, "finished": 1, "failed": 1, "ansible_job_id": "j1.2", "results_file": "/f", "msg": "Timeout exceeded", "child_pid": 77, "stdout": "", "stderr": ""}"#)
        XCTAssertTrue(r.failed)
        XCTAssertEqual(r["changed"], .bool(false))
        XCTAssertEqual(r["msg"], "Timeout exceeded")
        XCTAssertEqual(r["child_pid"], .int(77))
        XCTAssertEqual(r["stdout_lines"], .list([]))
    }

    func testEscapedControlCharactersAndInvalidUTF8() {
        var data = Data(#"{"started": 1, "finished": 1, "rc": 0, "stdout": "q\"b\\s\tt\u0001 "#.utf8)
        data.append(contentsOf: [0xFF, 0xC3, 0xA9])
        data.append(contentsOf: Array(#"", "stderr": ""}"#.utf8))
        let r = AsyncJob.result(ofJobFile: data, jid: "j9.9")
        XCTAssertEqual(r["stdout"], .string("q\"b\\s\tt\u{01} \u{FFFD}é"))
        XCTAssertEqual(r["ansible_job_id"], "j9.9", "the id asked for when the file does not say")
    }

    func testATruncatedFileIsAFailureNamingTheJob() {
        let r = result(#"{"started": 1, "fini"#)
        XCTAssertTrue(r.failed)
        XCTAssertEqual(r["ansible_job_id"], "j123456789012.42")
    }

    func testJobIDsHaveAnsiblesShape() {
        let id = AsyncJob.newID()
        XCTAssertNotNil(id.range(of: #"^j[0-9]{12}\.[0-9]+$"#, options: .regularExpression), id)
        XCTAssertNotEqual(AsyncJob.newID(), AsyncJob.newID())
    }
}
