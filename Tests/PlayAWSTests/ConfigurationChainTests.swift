import Foundation
import XCTest
import PlayBase
@testable import PlayAWS

/// Credentials, region, endpoints and retry settings: the order and the messages.
final class ConfigurationChainTests: XCTestCase {
    let transport = CurlTransport(defaultTimeout: 2)

    override func tearDown() {
        transport.shutdown()
        super.tearDown()
    }

    func resolver(_ settings: AWSSettings = AWSSettings(), _ env: AWSEnvironment) throws -> AWSConfigurationResolver {
        try AWSConfigurationResolver(settings: settings, environment: env, transport: transport)
    }

    static let files = (
        credentials: """
            # comment
            [default]
            aws_access_key_id = AKIADEFAULTCRED0001
            aws_secret_access_key = default-secret

            [ci]
            aws_access_key_id=AKIACIPROFILE000001
            aws_secret_access_key=ci-secret
            aws_session_token = ci-token
            """,
        config: """
            [default]
            region = eu-west-1

            [profile ci]
            region = eu-central-1
            max_attempts = 7

            [profile cfgonly]
            aws_access_key_id = AKIACONFIGONLY00001
            aws_secret_access_key = cfg-secret
            region = ap-south-1
            services = local

            [profile assumer]
            role_arn = arn:aws:iam::123456789012:role/deploy
            source_profile = default

            [services local]
            ec2 =
              endpoint_url = http://127.0.0.1:4566
            elastic_load_balancing_v2 =
              endpoint_url = http://127.0.0.1:4567
            """
    )

    func testOrderArgumentsThenEnvironmentThenProfile() async throws {
        let home = try TemporaryHome(credentials: Self.files.credentials, config: Self.files.config)
        defer { home.remove() }
        let envKeys = ["AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT0001", "AWS_SECRET_ACCESS_KEY": "env-secret",
                       "AWS_SESSION_TOKEN": "env-token"]

        let args = AWSSettings(arguments: ["aws_access_key": "AKIAARGUMENTS000001", "aws_secret_key": "arg-secret"])
        let (fromArgs, _) = try await resolver(args, home.environment(envKeys)).resolveCredentials()
        XCTAssertEqual(fromArgs.accessKeyID, "AKIAARGUMENTS000001")
        XCTAssertEqual(fromArgs.source, "module arguments / play vars")
        XCTAssertNil(fromArgs.sessionToken)

        let (fromEnv, refresh) = try await resolver(AWSSettings(), home.environment(envKeys)).resolveCredentials()
        XCTAssertEqual(fromEnv.accessKeyID, "AKIAENVIRONMENT0001")
        XCTAssertEqual(fromEnv.sessionToken, "env-token")
        XCTAssertEqual(fromEnv.source, "environment variables")
        XCTAssertNil(refresh)

        let (fromDefault, _) = try await resolver(AWSSettings(), home.environment()).resolveCredentials()
        XCTAssertEqual(fromDefault.accessKeyID, "AKIADEFAULTCRED0001")
        XCTAssertEqual(fromDefault.source, "profile 'default' in ~/.aws/credentials")

        let (fromProfile, _) = try await resolver(AWSSettings(), home.environment(["AWS_PROFILE": "ci"])).resolveCredentials()
        XCTAssertEqual(fromProfile.accessKeyID, "AKIACIPROFILE000001")
        XCTAssertEqual(fromProfile.sessionToken, "ci-token")

        let (fromConfig, _) = try await resolver(AWSSettings(), home.environment(["AWS_PROFILE": "cfgonly"])).resolveCredentials()
        XCTAssertEqual(fromConfig.accessKeyID, "AKIACONFIGONLY00001")
        XCTAssertEqual(fromConfig.source, "profile 'cfgonly' in ~/.aws/config")

        // A profile named in the play beats the environment's keys (boto3 Session(profile_name=)).
        let (named, _) = try await resolver(AWSSettings(profile: "ci"), home.environment(envKeys)).resolveCredentials()
        XCTAssertEqual(named.accessKeyID, "AKIACIPROFILE000001")
    }

    /// `AWS_CONFIG_FILE=/dev/null` (a character device) reads as an empty file, as the SDKs read it.
    func testSharedFileOnADevice() throws {
        let file = try AWSProfileFile.load(URL(fileURLWithPath: "/dev/null"), kind: .config)
        XCTAssertNotNil(file)
    }

    func testVaultFileNamesAndMerging() {
        let vault = AWSSettings(arguments: ["aws_access_key_id": "AKIAVAULT0000000001", "aws_secret_access_key": "vault-secret",
                                            "aws_session_token": "tok", "aws_region": "us-west-2"])
        XCTAssertEqual(vault.accessKeyID, "AKIAVAULT0000000001")
        XCTAssertEqual(vault.sessionToken, "tok")
        XCTAssertEqual(vault.region, "us-west-2")
        let module = AWSSettings(arguments: ["region": "eu-west-1", "endpoint_url": "http://127.0.0.1:5000", "aws_secret_key": ""])
        let merged = module.merging(vault)
        XCTAssertEqual(merged.region, "eu-west-1")
        XCTAssertEqual(merged.accessKeyID, "AKIAVAULT0000000001", "blank arguments count as unset")
        XCTAssertEqual(merged.endpointURL, "http://127.0.0.1:5000")
        let own = AWSSettings(accessKeyID: "AKIAOTHER0000000001", secretAccessKey: "other").merging(vault)
        XCTAssertEqual(own.secretAccessKey, "other")
        XCTAssertNil(own.sessionToken, "a key pair never borrows the other source's token")
    }

    func testNothingFoundListsWhereItLooked() async throws {
        let home = try TemporaryHome()
        defer { home.remove() }
        do {
            _ = try await resolver(AWSSettings(), home.environment()).resolveCredentials()
            XCTFail("expected NoCredentials")
        } catch let error as AWSError {
            XCTAssertEqual(error.kind, .configuration)
            XCTAssertEqual(error.code, "NoCredentials")
            let text = error.description
            for place in ["aws_access_key and aws_secret_key", "AWS_ACCESS_KEY_ID", "profile 'default'",
                          "~/.aws/credentials (file missing)", "~/.aws/config (file missing)",
                          "EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED"] {
                XCTAssertTrue(text.contains(place), "missing \(place) in:\n\(text)")
            }
            XCTAssertNotNil(error.hint)
        }
    }

    func testPartialAndUnknownProfileAreErrors() async throws {
        let home = try TemporaryHome(credentials: Self.files.credentials, config: Self.files.config)
        defer { home.remove() }
        await assertCode("PartialCredentials", home.environment(["AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT0001"]))
        await assertCode("PartialCredentials", home.environment(), AWSSettings(accessKeyID: "AKIAARGUMENTS000001"))
        await assertCode("ProfileNotFound", home.environment(["AWS_PROFILE": "nope"]), contains: "known profiles: assumer, cfgonly, ci, default")
        await assertCode("UnsupportedCredentialSource", home.environment(["AWS_PROFILE": "assumer"]), contains: "role_arn")
    }

    func assertCode(_ code: String, _ env: AWSEnvironment, _ settings: AWSSettings = AWSSettings(), contains: String? = nil,
                    file: StaticString = #filePath, line: UInt = #line) async {
        do {
            _ = try await resolver(settings, env).resolveCredentials()
            XCTFail("expected \(code)", file: file, line: line)
        } catch let error as AWSError {
            XCTAssertEqual(error.code, code, file: file, line: line)
            if let contains { XCTAssertTrue(error.description.contains(contains), error.description, file: file, line: line) }
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }

    func testCredentialProcess() async throws {
        let home = try TemporaryHome(config: """
            [profile proc]
            credential_process = printf '{"Version":1,"AccessKeyId":"AKIAPROCESS00000001","SecretAccessKey":"proc-secret","SessionToken":"proc-token","Expiration":"2099-01-01T00:00:00Z"}'

            [profile broken]
            credential_process = sh -c 'echo not json; exit 0'
            """)
        defer { home.remove() }
        let (credentials, refresh) = try await resolver(AWSSettings(), home.environment(["AWS_PROFILE": "proc"])).resolveCredentials()
        XCTAssertEqual(credentials.accessKeyID, "AKIAPROCESS00000001")
        XCTAssertEqual(credentials.sessionToken, "proc-token")
        XCTAssertNotNil(credentials.expiration)
        XCTAssertNotNil(refresh, "expiring credentials can refresh")
        await assertCode("CredentialProcessFailed", home.environment(["AWS_PROFILE": "broken"]))
    }

    func testRegionOrder() async throws {
        let home = try TemporaryHome(credentials: Self.files.credentials, config: Self.files.config)
        defer { home.remove() }
        let all = ["AWS_REGION": "us-west-1", "AWS_DEFAULT_REGION": "us-west-2", "AWS_PROFILE": "ci"]
        var r = try await resolver(AWSSettings(region: "sa-east-1"), home.environment(all)).resolveRegion()
        XCTAssertEqual(r.region, "sa-east-1")
        r = try await resolver(AWSSettings(), home.environment(all)).resolveRegion()
        XCTAssertEqual(r.region, "us-west-1")
        XCTAssertEqual(r.source, "AWS_REGION")
        r = try await resolver(AWSSettings(), home.environment(["AWS_DEFAULT_REGION": "us-west-2"])).resolveRegion()
        XCTAssertEqual(r.region, "us-west-2")
        r = try await resolver(AWSSettings(), home.environment(["AWS_PROFILE": "ci"])).resolveRegion()
        XCTAssertEqual(r.region, "eu-central-1")
        r = try await resolver(AWSSettings(), home.environment()).resolveRegion()
        XCTAssertEqual(r.region, "eu-west-1")

        let bare = try TemporaryHome()
        defer { bare.remove() }
        do {
            _ = try await resolver(AWSSettings(), bare.environment()).resolveRegion()
            XCTFail("expected NoRegion")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "NoRegion")
            XCTAssertTrue(error.description.contains("AWS_REGION and AWS_DEFAULT_REGION not set"), error.description)
            XCTAssertTrue(error.hint?.contains("region") == true)
        }
    }

    func testEndpointPrecedence() throws {
        let config = Self.files.config.replacingOccurrences(of: "source_profile = default", with: "source_profile = default\nendpoint_url = http://127.0.0.9:9000")
        let home = try TemporaryHome(credentials: Self.files.credentials, config: config)
        defer { home.remove() }
        let env = ["AWS_ENDPOINT_URL_EC2": "http://127.0.0.1:5001", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                   "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2": "http://127.0.0.1:5002/prefix/"]
        let r = try resolver(AWSSettings(), home.environment(env))
        XCTAssertEqual(try r.endpoint(for: .ec2, region: "us-east-1").url, "http://127.0.0.1:5001")
        let elb = try r.endpoint(for: .elbv2, region: "us-east-1")
        XCTAssertEqual(elb.url, "http://127.0.0.1:5002/prefix")
        XCTAssertEqual(elb.source, "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2")
        XCTAssertEqual(try r.endpoint(for: .s3, region: "us-east-1").url, "http://127.0.0.1:5000")
        XCTAssertTrue(try r.endpoint(for: .s3, region: "us-east-1").isCustom)

        let explicit = try resolver(AWSSettings(endpointURL: "http://127.0.0.3:7000"), home.environment(env))
        XCTAssertEqual(try explicit.endpoint(for: .ec2, region: "us-east-1").url, "http://127.0.0.3:7000")

        let ignored = try resolver(AWSSettings(), home.environment(env.merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { $1 }))
        let standard = try ignored.endpoint(for: .ecs, region: "eu-west-1")
        XCTAssertEqual(standard.url, "https://ecs.eu-west-1.amazonaws.com")
        XCTAssertFalse(standard.isCustom)
        XCTAssertEqual(AWSEndpoint.standard(for: .elbv2, region: "cn-north-1").host, "elasticloadbalancing.cn-north-1.amazonaws.com.cn")
        XCTAssertEqual(AWSEndpoint.standard(for: .iam, region: "eu-west-1").host, "iam.amazonaws.com")

        // The config file's [services] section, then the profile's endpoint_url.
        let services = try resolver(AWSSettings(), home.environment(["AWS_PROFILE": "cfgonly"]))
        XCTAssertEqual(try services.endpoint(for: .ec2, region: "ap-south-1").url, "http://127.0.0.1:4566")
        XCTAssertEqual(try services.endpoint(for: .elbv2, region: "ap-south-1").url, "http://127.0.0.1:4567")
        XCTAssertEqual(try services.endpoint(for: .s3, region: "ap-south-1").url, "https://s3.ap-south-1.amazonaws.com")
        let profileWide = try resolver(AWSSettings(), home.environment(["AWS_PROFILE": "assumer"]))
        XCTAssertEqual(try profileWide.endpoint(for: .s3, region: "us-east-1").url, "http://127.0.0.9:9000")

        let bad = try resolver(AWSSettings(), home.environment(["AWS_ENDPOINT_URL": "127.0.0.1:5000"]))
        XCTAssertThrowsError(try bad.endpoint(for: .ec2, region: "us-east-1")) { error in
            XCTAssertEqual((error as? AWSError)?.code, "InvalidEndpoint")
            XCTAssertTrue("\(error)".contains("AWS_ENDPOINT_URL"))
        }
    }

    func testMaxAttemptsOrder() throws {
        let home = try TemporaryHome(credentials: Self.files.credentials, config: Self.files.config)
        defer { home.remove() }
        XCTAssertEqual(try resolver(AWSSettings(maxAttempts: 9), home.environment(["AWS_MAX_ATTEMPTS": "5"])).maxAttempts, 9)
        XCTAssertEqual(try resolver(AWSSettings(), home.environment(["AWS_MAX_ATTEMPTS": "5", "AWS_PROFILE": "ci"])).maxAttempts, 5)
        XCTAssertEqual(try resolver(AWSSettings(), home.environment(["AWS_PROFILE": "ci"])).maxAttempts, 7)
        XCTAssertEqual(try resolver(AWSSettings(), home.environment()).maxAttempts, 3)
    }

    func testSessionMakeUsesTheChains() async throws {
        let home = try TemporaryHome(credentials: Self.files.credentials, config: Self.files.config)
        defer { home.remove() }
        let session = try await AWSSession.make(environment: home.environment(["AWS_PROFILE": "ci", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"]))
        defer { session.shutdown() }
        XCTAssertEqual(session.region, "eu-central-1")
        XCTAssertEqual(session.retryPolicy.maxAttempts, 7)
        let credentials = try await session.credentials()
        XCTAssertEqual(credentials.accessKeyID, "AKIACIPROFILE000001")
        XCTAssertEqual(try session.endpoint(for: .s3).url, "http://127.0.0.1:5000")

        let s3Path = S3Client.address(bucket: "builds", key: "a b/c~d+e.tgz", endpoint: try session.endpoint(for: .s3))
        XCTAssertEqual(s3Path.host, "127.0.0.1")
        XCTAssertEqual(s3Path.path, "/builds/a%20b/c~d%2Be.tgz")
        let virtual = S3Client.address(bucket: "builds", key: "k", endpoint: .standard(for: .s3, region: "eu-west-1"))
        XCTAssertEqual(virtual.host, "builds.s3.eu-west-1.amazonaws.com")
        XCTAssertEqual(virtual.path, "/k")
        let dotted = S3Client.address(bucket: "my.builds", key: "k", endpoint: .standard(for: .s3, region: "eu-west-1"))
        XCTAssertEqual(dotted.path, "/my.builds/k", "dots would break TLS: path style")
    }
}
