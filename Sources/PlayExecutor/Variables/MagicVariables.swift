import Foundation
import OrderedCollections
import PlayBase
import PlayLanguage
import PlayTemplating

/// The magic variables a host sees (`inventory_hostname`, `groups`, `ansible_play_hosts`...): built
/// once per host and kept while the play's hosts and the inventory stay as they were, since every
/// task of a play asks for them. What is the same for every host (`groups`, the play's host lists,
/// the run's settings) is built once and shared, so a fleet of N hosts holds one copy of those
/// lists rather than N.
final class MagicVariables {
    private let play: Play
    private let options: RunOptions
    private var hosts: PlayHosts?
    private var inventoryGeneration = -1
    private var shared: OrderedDictionary<String, Value>?
    private var byHost: [String: OrderedDictionary<String, Value>] = [:]

    init(play: Play, options: RunOptions) {
        self.play = play
        self.options = options
    }

    func variables(for host: String, hosts: PlayHosts, state: RunState) -> OrderedDictionary<String, Value> {
        if inventoryGeneration != state.inventoryGeneration || self.hosts != hosts {
            byHost.removeAll(keepingCapacity: true)
            shared = nil
            self.hosts = hosts
            inventoryGeneration = state.inventoryGeneration
        } else if let cached = byHost[host] {
            return cached
        }
        let common = shared ?? sharedVariables(hosts: hosts, state: state)
        shared = common
        var magic: OrderedDictionary<String, Value> = [
            "inventory_hostname": .string(host),
            "inventory_hostname_short": .string(String(host.split(separator: ".").first ?? Substring(host))),
            "group_names": .list(state.inventory.groups(of: host).map(Value.string)),
        ]
        magic.merge(common) { own, _ in own }
        byHost[host] = magic
        return magic
    }

    /// The magic variables every host of the play sees alike.
    private func sharedVariables(hosts: PlayHosts, state: RunState) -> OrderedDictionary<String, Value> {
        let groups = state.inventory.groupMembership()
        let active = Value.list(hosts.active.map(Value.string))
        var magic: OrderedDictionary<String, Value> = [
            "groups": .dict(groups.mapValues { .list($0.map(Value.string)) }),
            "play_hosts": active,
            "ansible_play_hosts": active,
            "ansible_play_hosts_all": .list(hosts.all.map(Value.string)),
            "ansible_play_batch": .list(hosts.batch.map(Value.string)),
            "ansible_play_name": .string(play.displayName),
            // Absolute, as Ansible's (`os.path.dirname(os.path.abspath(playbook))`).
            "playbook_dir": .string(play.directory.hasPrefix("/") ? play.directory
                : URL(fileURLWithPath: play.directory).standardizedFileURL.path),
            "ansible_check_mode": .bool(play.checkMode ?? options.checkMode),
            "ansible_diff_mode": .bool(options.diffMode),
            "ansible_verbosity": .int(options.verbosity),
            "ansible_forks": .int(options.forks),
            "ansible_run_tags": .list((options.selection.tags.isEmpty ? ["all"] : options.selection.tags).map(Value.string)),
            "ansible_skip_tags": .list(options.selection.skipTags.map(Value.string)),
            "ansible_version": ["full": "2.19.0", "major": 2, "minor": 19, "revision": 0, "string": "2.19.0"],
            "ansible_playbook_python": .string(ControllerPython.path),
            "omit": .string(Templar.omitToken),
            "ansible_inventory_sources": .list(options.inventorySources.map(Value.string)),
            "ansible_config_file": options.configFile.map(Value.string) ?? .null,
        ]
        if play.connection != nil || options.connection != nil {
            magic["ansible_connection"] = .string(options.connection ?? play.connection!)
        }
        if let user = options.remoteUser ?? play.remoteUser { magic["ansible_user"] = .string(user) }
        if let key = options.privateKeyFile { magic["ansible_ssh_private_key_file"] = .string(key) }
        return magic
    }
}
