import Foundation
import PlayBase

extension PlaybookSession.Request {
    /// The request with ansible.cfg and `ANSIBLE_*` settings filling what the command line left
    /// open, in Ansible's order: command line, then environment, then file, then default.
    func withConfiguredDefaults() -> Self {
        var request = self
        let config = configuration
        if request.inventories.isEmpty { request.inventories = config.inventorySources }
        request.forks = request.forks ?? config.int("DEFAULT_FORKS")
        request.verbosity += config.int("DEFAULT_VERBOSITY") ?? 0
        request.user = request.user ?? config.string("DEFAULT_REMOTE_USER")
        request.privateKey = request.privateKey ?? config.string("DEFAULT_PRIVATE_KEY_FILE")
        if config.isSet("DEFAULT_TRANSPORT") { request.connection = request.connection ?? config.string("DEFAULT_TRANSPORT") }
        if config.isSet("DEFAULT_BECOME") { request.become = request.become ?? config.bool("DEFAULT_BECOME") }
        if config.isSet("DEFAULT_BECOME_USER") { request.becomeUser = request.becomeUser ?? config.string("DEFAULT_BECOME_USER") }
        if config.isSet("DEFAULT_MODULE_PATH") { request.modulePaths += config.strings("DEFAULT_MODULE_PATH") }
        request.askVaultPass = request.askVaultPass || config.bool("DEFAULT_ASK_VAULT_PASS")
        request.forceHandlers = request.forceHandlers || config.bool("DEFAULT_FORCE_HANDLERS")
        request.diff = request.diff || config.bool("DIFF_ALWAYS")
        return request
    }
}
