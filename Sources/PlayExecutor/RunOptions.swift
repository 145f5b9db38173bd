import OrderedCollections
import PlayBase
import PlayConnection
import PlayLanguage

/// How a run behaves: the command line's choices, as the library sees them.
public struct RunOptions: Sendable {
    public var forks = 5
    public var checkMode = false
    public var diffMode = false
    public var verbosity = 0
    /// `-e` variables: the highest precedence of all.
    public var extraVars: OrderedDictionary<String, Value> = [:]
    public var limit: String?
    public var forceHandlers = false
    public var selection = TagSelection()
    /// The controller's environment (lookups, ANSIBLE_* settings, credentials for modules).
    public var environment: [String: String] = [:]
    /// Connection overrides from the command line (`-c`, `-u`, `--private-key`, `-b`).
    public var connection: String?
    public var remoteUser: String?
    public var privateKeyFile: String?
    public var become: Bool?
    public var becomeUser: String?
    /// `-i` sources as Ansible names them in `ansible_inventory_sources` (paths absolute).
    public var inventorySources: [String] = []
    /// The ansible.cfg in use (`ansible_config_file`), if any.
    public var configFile: String?
    /// Settings from ansible.cfg and `ANSIBLE_*` variables that apply where a play or a host
    /// says nothing: `gathering` (implicit, explicit or smart), `any_errors_fatal`, and how to connect.
    public var gathering = "implicit"
    public var anyErrorsFatal = false
    public var connectionDefaults = ConnectionDefaults()

    public init() {}
}
