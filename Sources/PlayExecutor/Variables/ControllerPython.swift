import Foundation

/// `ansible_playbook_python`: Ansible's path to the Python running ansible-playbook. `play` runs no
/// Python, but inventories say `ansible_python_interpreter="{{ ansible_playbook_python }}"` (as
/// Ansible's own docs do for localhost), so it names the controller's python3 from PATH, or
/// /usr/bin/python3 when there is none; `play` itself never runs it.
enum ControllerPython {
    static let path: String = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["python3", "python"] {
            for directory in directories where !directory.isEmpty {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return "/usr/bin/python3"
    }()
}
