import PlayApp
import PlayExecutor
import XCTest

/// Which callbacks print a run: the environment over what a configuration file set, Ansible's
/// names (short or collection-qualified), its errors for unknown ones.
final class OutputSettingsTests: XCTestCase {
    func testEnvironmentWinsOverTheConfigurationFile() throws {
        let config = OutputSettings(stdoutCallback: "minimal", resultFormat: "yaml", callbacksEnabled: ["timer"])
        XCTAssertEqual(try config.resolved(environment: [:]).stdout(), .minimal)
        XCTAssertEqual(try config.resolved(environment: [:]).format(), .yaml)
        let env = ["ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
                   "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks, junit,community.general.nope"]
        let resolved = config.resolved(environment: env)
        XCTAssertEqual(try resolved.stdout(), .json)
        XCTAssertEqual(try resolved.format(), .json)
        XCTAssertEqual(resolved.enabled().known, [.profileTasks, .junit])
        XCTAssertEqual(resolved.enabled().unknown, ["community.general.nope"])
        XCTAssertEqual(try OutputSettings().stdout(), .default)
    }

    func testUnknownNamesAreErrorsAsInAnsible() {
        XCTAssertThrowsError(try OutputSettings(stdoutCallback: "fancy").stdout()) { error in
            XCTAssertEqual("\(error)", "Invalid callback for stdout specified: fancy")
        }
        XCTAssertThrowsError(try OutputSettings(resultFormat: "xml").format())
    }
}
