/// What ansible.cfg and `ANSIBLE_*` variables set for every host: each applies to a host whose
/// inventory variables do not say otherwise (nil: play's own default).
public struct ConnectionDefaults: Sendable, Hashable {
    public var port: Int?
    public var hostKeyChecking: Bool?
    public var connectTimeout: Duration?
    public var sshExecutable: String?
    public var sshArgs: String?
    public var sshCommonArgs: String?
    public var sshExtraArgs: String?
    public var becomeMethod: String?

    public init(port: Int? = nil, hostKeyChecking: Bool? = nil, connectTimeout: Duration? = nil, sshExecutable: String? = nil,
                sshArgs: String? = nil, sshCommonArgs: String? = nil, sshExtraArgs: String? = nil, becomeMethod: String? = nil) {
        self.port = port
        self.hostKeyChecking = hostKeyChecking
        self.connectTimeout = connectTimeout
        self.sshExecutable = sshExecutable
        self.sshArgs = sshArgs
        self.sshCommonArgs = sshCommonArgs
        self.sshExtraArgs = sshExtraArgs
        self.becomeMethod = becomeMethod
    }
}
