import Foundation

/// Resolves credentials, region, endpoints and retry settings in the order the issue and the AWS
/// SDKs define, remembering where it looked so a failure can say so.
///
/// Credentials: explicit settings (module arguments / play vars; a named `profile` argument next),
/// then `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, then the profile
/// (`AWS_PROFILE`, else `default`) in the shared credentials and config files (static keys or
/// `credential_process`), then the EC2 instance metadata service.
/// Region: settings, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile, instance metadata.
public struct AWSConfigurationResolver: Sendable {
    public let settings: AWSSettings
    public let environment: AWSEnvironment
    let transport: any HTTPTransport
    let credentialsFile: AWSProfileFile?
    let configFile: AWSProfileFile?

    /// The profile in use and whether someone named it (a named profile that does not exist is an error).
    public let profileName: String
    let profileNamedExplicitly: Bool

    /// Reads the shared files once; throws only when one exists but cannot be read.
    public init(settings: AWSSettings, environment: AWSEnvironment, transport: any HTTPTransport) throws {
        self.settings = settings
        self.environment = environment
        self.transport = transport
        do {
            credentialsFile = try AWSProfileFile.load(environment.credentialsFile, kind: .credentials)
            configFile = try AWSProfileFile.load(environment.configFile, kind: .config)
        } catch {
            throw AWSError.configuration("UnreadableConfigFile", "cannot read the shared AWS files: \(error.localizedDescription)",
                                         hint: "check the permissions of \(environment.display(environment.credentialsFile)) and \(environment.display(environment.configFile))")
        }
        if let name = settings.profile ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] {
            profileName = name
            profileNamedExplicitly = true
        } else {
            profileName = "default"
            profileNamedExplicitly = false
        }
    }

    var credentialsProfile: [String: String]? { credentialsFile?.profiles[profileName] }
    var configProfile: [String: String]? { configFile?.profiles[profileName] }
    var profileExists: Bool { credentialsProfile != nil || configProfile != nil }

    /// The profile's settings, the credentials file winning over the config file as in the AWS CLI.
    var mergedProfile: [String: String] {
        (configProfile ?? [:]).merging(credentialsProfile ?? [:]) { _, credentials in credentials }
    }

    func requireProfile(for what: String) throws {
        guard profileNamedExplicitly, !profileExists else { return }
        let known = Set((credentialsFile?.profiles.keys).map(Array.init) ?? [])
            .union((configFile?.profiles.keys).map(Array.init) ?? []).sorted()
        throw AWSError.configuration("ProfileNotFound",
            "profile '\(profileName)' is in neither \(environment.display(environment.credentialsFile)) nor \(environment.display(environment.configFile))",
            about: what,
            hint: known.isEmpty ? "create it with `aws configure --profile \(profileName)`"
                                : "known profiles: \(known.joined(separator: ", "))")
    }

    // MARK: credentials

    /// The first credentials found, plus how to refresh them when they are temporary.
    public func resolveCredentials() async throws -> (AWSCredentials, refresh: (@Sendable () async throws -> AWSCredentials)?) {
        var looked: [String] = []

        if settings.accessKeyID != nil || settings.secretAccessKey != nil {
            guard let id = settings.accessKeyID, let secret = settings.secretAccessKey else {
                throw AWSError.configuration("PartialCredentials",
                    "the play sets \(settings.accessKeyID == nil ? "a secret key but no access key" : "an access key but no secret key")",
                    about: "credentials", hint: "set both aws_access_key and aws_secret_key (or aws_access_key_id / aws_secret_access_key in the vault file)")
            }
            return (AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: settings.sessionToken,
                                   source: "module arguments / play vars"), nil)
        }
        looked.append("module arguments / play vars: aws_access_key and aws_secret_key not set")

        // A profile named in the play beats the environment's keys, as boto3's Session(profile_name:) does.
        if settings.profile == nil {
            let id = environment["AWS_ACCESS_KEY_ID"], secret = environment["AWS_SECRET_ACCESS_KEY"]
            if id != nil || secret != nil {
                guard let id, let secret else {
                    throw AWSError.configuration("PartialCredentials",
                        "\(id == nil ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID" : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY") is not",
                        about: "credentials", hint: "export both variables, or neither")
                }
                let token = environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"]
                return (AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token,
                                       source: "environment variables"), nil)
            }
            looked.append("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set")
        }

        try requireProfile(for: "credentials")
        if let found = try await profileCredentials(looked: &looked) { return found }

        if let imds = try InstanceMetadataClient.configured(environment: environment, profile: mergedProfile,
                                                              transport: transport) {
            do {
                let credentials = try await imds.credentials()
                return (credentials, { try await imds.credentials() })
            } catch let unavailable as InstanceMetadataClient.Unavailable {
                looked.append("EC2 instance metadata at \(imds.endpoint.url): \(unavailable.reason)")
            }
        } else {
            looked.append("EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED")
        }

        throw AWSError.configuration("NoCredentials", "no AWS credentials found. Looked in:\n  - "
                                     + looked.joined(separator: "\n  - "),
                                     about: "credentials",
                                     hint: "set aws_access_key / aws_secret_key in the play (or the vault file), export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`")
    }

    private func profileCredentials(looked: inout [String]) async throws
        -> (AWSCredentials, refresh: (@Sendable () async throws -> AWSCredentials)?)?
    {
        let credPath = environment.display(environment.credentialsFile)
        let configPath = environment.display(environment.configFile)
        let places: [(String, [String: String]?)] = [(credPath, credentialsProfile), (configPath, configProfile)]
        for (path, profile) in places {
            guard let profile else { continue }
            let id = profile["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
            let secret = profile["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
            if id != nil || secret != nil {
                guard let id, let secret else {
                    throw AWSError.configuration("PartialCredentials",
                        "profile '\(profileName)' in \(path) has \(id == nil ? "aws_secret_access_key but no aws_access_key_id" : "aws_access_key_id but no aws_secret_access_key")",
                        about: "credentials", hint: "complete the profile with `aws configure --profile \(profileName)`")
                }
                let token = profile["aws_session_token"] ?? profile["aws_security_token"]
                return (AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token,
                                       source: "profile '\(profileName)' in \(path)"), nil)
            }
        }
        let merged = mergedProfile
        if let command = merged["credential_process"], !command.isEmpty {
            let process = try CredentialProcess(command: command, profile: profileName, environment: environment)
            let credentials = try await process.run()
            guard credentials.expiration != nil else { return (credentials, nil) }
            let refresh: @Sendable () async throws -> AWSCredentials = { try await process.run() }
            return (credentials, refresh)
        }
        if merged["role_arn"] != nil || merged["sso_session"] != nil || merged["sso_start_url"] != nil
            || merged["web_identity_token_file"] != nil
        {
            throw AWSError.configuration("UnsupportedCredentialSource",
                "profile '\(profileName)' gets its credentials from \(merged["role_arn"] != nil ? "role_arn (assume role)" : "AWS SSO or web identity"), which play does not do itself",
                about: "credentials",
                hint: "add `credential_process = aws configure export-credentials --profile \(profileName) --format process` to a profile, or export the AWS_* variables")
        }
        let credState = credentialsFile == nil ? "file missing" : (credentialsProfile == nil ? "no such profile" : "no keys")
        let configState = configFile == nil ? "file missing" : (configProfile == nil ? "no such profile" : "no keys")
        looked.append("profile '\(profileName)'\(profileNamedExplicitly ? "" : " (AWS_PROFILE not set)"): \(credPath) (\(credState)), \(configPath) (\(configState))")
        return nil
    }

    // MARK: region

    /// The region and where it came from.
    public func resolveRegion() async throws -> (region: String, source: String) {
        if let region = settings.region { return (region, "module arguments / play vars") }
        if let region = environment["AWS_REGION"] { return (region, "AWS_REGION") }
        if let region = environment["AWS_DEFAULT_REGION"] { return (region, "AWS_DEFAULT_REGION") }
        try requireProfile(for: "region")
        if let region = configProfile?["region"], !region.isEmpty {
            return (region, "profile '\(profileName)' in \(environment.display(environment.configFile))")
        }
        var looked = [
            "module arguments / play vars: region not set",
            "environment: AWS_REGION and AWS_DEFAULT_REGION not set",
            "profile '\(profileName)' in \(environment.display(environment.configFile)): no region",
        ]
        if let imds = try InstanceMetadataClient.configured(environment: environment, profile: mergedProfile,
                                                              transport: transport) {
            do {
                return (try await imds.region(), "EC2 instance metadata")
            } catch let unavailable as InstanceMetadataClient.Unavailable {
                looked.append("EC2 instance metadata at \(imds.endpoint.url): \(unavailable.reason)")
            }
        }
        throw AWSError.configuration("NoRegion", "no AWS region configured. Looked in:\n  - " + looked.joined(separator: "\n  - "),
                                     about: "region",
                                     hint: "set `region:` in the play, export AWS_REGION, or run `aws configure set region REGION`")
    }

    // MARK: endpoints and retries

    /// The endpoint for `service` in `region`: the explicit override, `AWS_ENDPOINT_URL_<SERVICE>`,
    /// `AWS_ENDPOINT_URL`, the profile's `[services]` entry, the profile's `endpoint_url`, else AWS's own.
    public func endpoint(for service: AWSService, region: String) throws -> AWSEndpoint {
        func parse(_ text: String, _ source: String) throws -> AWSEndpoint {
            guard let endpoint = AWSEndpoint(url: text, source: source) else {
                throw AWSError.configuration("InvalidEndpoint", "\(source) '\(text)' is not an http(s) URL with a host",
                                             about: "endpoint", hint: "use a URL such as http://127.0.0.1:5000")
            }
            return endpoint
        }
        if let url = settings.endpointURL { return try parse(url, "endpoint_url") }
        let profile = mergedProfile
        let ignore = environment.isTrue("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            || profile["ignore_configured_endpoint_urls"]?.lowercased() == "true"
        if !ignore {
            let variable = "AWS_ENDPOINT_URL_\(service.environmentSuffix)"
            if let url = environment[variable] { return try parse(url, variable) }
            if let url = environment["AWS_ENDPOINT_URL"] { return try parse(url, "AWS_ENDPOINT_URL") }
            if let section = profile["services"], let url = configFile?.services[section]?[service.configKey]?["endpoint_url"] {
                return try parse(url, "[services \(section)] \(service.configKey).endpoint_url")
            }
            if let url = profile["endpoint_url"], !url.isEmpty {
                return try parse(url, "profile '\(profileName)' endpoint_url")
            }
        }
        return .standard(for: service, region: region)
    }

    /// Attempts per call: settings, `AWS_MAX_ATTEMPTS`, the profile's `max_attempts`, else 3.
    public var maxAttempts: Int {
        settings.maxAttempts ?? environment["AWS_MAX_ATTEMPTS"].flatMap(Int.init)
            ?? mergedProfile["max_attempts"].flatMap(Int.init) ?? 3
    }
}
