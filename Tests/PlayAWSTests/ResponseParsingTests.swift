import Foundation
import XCTest
@testable import PlayAWS

/// The raw moto responses in Tests/PlayAWSTests/Vectors/moto-xml decode into the typed results and errors.
final class ResponseParsingTests: XCTestCase {
    func fixture(_ name: String) throws -> XMLTree {
        try XCTUnwrap(XMLTree.parse(try SharedFixtures.data(SharedFixtures.motoXML.appendingPathComponent(name))), name)
    }

    func response(_ name: String, status: Int) throws -> HTTPResponse {
        HTTPResponse(status: status, body: try SharedFixtures.data(SharedFixtures.motoXML.appendingPathComponent(name)))
    }

    func testEC2Instances() throws {
        let run = try fixture("ec2-run-instances.xml")
        XCTAssertEqual(run.name, "RunInstancesResponse", "namespace ignored")
        let launched = run.list("instancesSet", item: "item").map { EC2Instance(xml: $0, reservationID: run.nonEmpty("reservationId")) }
        XCTAssertEqual(launched.count, 2)
        XCTAssertEqual(launched[0].instanceID, "i-ce61490f926adda77", "found near the end of the item, not by position")
        XCTAssertEqual(launched[0].state, EC2InstanceState(name: "pending", code: 0))
        XCTAssertEqual(launched[0].privateIPAddress, "127.0.1.4")
        XCTAssertEqual(launched[0].tags, ["app": "web", "version": "1.4.2"])
        XCTAssertEqual(launched[0].clientToken, "deploy-web-1.4.2")
        XCTAssertEqual(launched[0].availabilityZone, "us-east-1a")
        XCTAssertEqual(launched[0].securityGroups.first?.groupID, "sg-dffd6722197971ffa", "from the network interface")
        XCTAssertEqual(launched[0].reservationID, "r-2198c3f71b2a36740")
        XCTAssertNil(launched[0].stateReason, "empty <code/> reads as nil")

        let page = try fixture("ec2-describe-instances-page1.xml")
        XCTAssertEqual(page.list("reservationSet", item: "item").count, 5)
        XCTAssertNotNil(page.nonEmpty("nextToken"))
        let filtered = try fixture("ec2-describe-instances-filtered.xml")
        let running = filtered.list("reservationSet", item: "item").flatMap { $0.list("instancesSet", item: "item") }
            .map { EC2Instance(xml: $0, reservationID: nil) }
        XCTAssertFalse(running.isEmpty)
        XCTAssertTrue(running.allSatisfy { $0.state.isRunning && $0.tags["app"] == "web" })
    }

    func testEC2StatusAndStateChanges() throws {
        let status = try fixture("ec2-describe-instance-status.xml").list("instanceStatusSet", item: "item").map(EC2InstanceStatus.init(xml:))
        XCTAssertEqual(status.first?.instanceID, "i-ce61490f926adda77")
        XCTAssertEqual(status.first?.systemStatus, "ok")
        XCTAssertTrue(status.first?.isHealthy == true)
        let changes = try fixture("ec2-terminate-instances.xml").list("instancesSet", item: "item").map(EC2InstanceStateChange.init(xml:))
        XCTAssertEqual(changes.first?.currentState?.code, 32)
        XCTAssertEqual(changes.first?.previousState?.name, "running")
    }

    func testELBv2Results() throws {
        let health = try fixture("elbv2-describe-target-health.xml")
        let result = try XCTUnwrap(health.child("DescribeTargetHealthResult"))
        let targets = result.list("TargetHealthDescriptions", item: "member").map(ELBv2TargetHealth.init(xml:))
        XCTAssertEqual(targets.count, 2)
        XCTAssertEqual(targets[0].state, "healthy")
        XCTAssertEqual(targets[0].target.port, 8080)
        XCTAssertEqual(targets[1].reason, "Target.NotRegistered")
        XCTAssertFalse(targets[1].isRegistered)
        XCTAssertTrue(targets[0].isRegistered)

        let listener = try XCTUnwrap(try fixture("elbv2-modify-listener.xml")["ModifyListenerResult", "Listeners", "member"])
        let parsed = ELBv2Listener(xml: listener)
        XCTAssertEqual(parsed.forwardedTargetGroups.count, 1)
        XCTAssertTrue(parsed.forwardedTargetGroups[0].contains("targetgroup/web-green"))

        let tags = try fixture("elbv2-describe-tags.xml")["DescribeTagsResult", "TagDescriptions", "member"]
        XCTAssertEqual(tags?.tags("Tags", item: "member"), ["app": "web", "color": "green"])
    }

    func testErrorEnvelopes() throws {
        let cases: [(String, Int, AWSOperation.WireFormat, String, String?)] = [
            ("ec2-error-instance-not-found.xml", 400, .query, "InvalidInstanceID.NotFound", "request-id"),
            ("ec2-error-invalid-parameter-combination.xml", 400, .query, "InvalidParameterCombination", "request-id"),
            ("ec2-error-auth-bad-signature.xml", 401, .query, "AuthFailure", nil),
            ("elbv2-error-target-group-not-found.xml", 400, .query, "TargetGroupNotFound", nil),
            ("elbv2-error-signature-does-not-match.xml", 403, .query, "SignatureDoesNotMatch", nil),
            ("elbv2-error-invalid-client-token-id.xml", 403, .query, "InvalidClientTokenId", nil),
            ("s3-error-no-such-key.xml", 404, .restXML, "NoSuchKey", nil),
            ("s3-error-signature-does-not-match.xml", 403, .restXML, "SignatureDoesNotMatch", nil),
            ("s3-error-invalid-access-key-id.xml", 403, .restXML, "InvalidAccessKeyId", nil),
        ]
        for (file, status, wire, code, requestID) in cases {
            let parsed = AWSErrorResponse.parse(try response(file, status: status), wire: wire)
            XCTAssertEqual(parsed.code, code, file)
            XCTAssertTrue(parsed.recognised, file)
            XCTAssertFalse(parsed.message.isEmpty, file)
            if let requestID { XCTAssertEqual(parsed.requestID, requestID, file) }
        }
    }

    func testBodilessAndHTMLErrors() {
        let head = AWSErrorResponse.parse(HTTPResponse(status: 404, headers: ["x-amz-request-id": "R1"]), wire: .restXML)
        XCTAssertEqual(head.code, "NotFound")
        XCTAssertEqual(head.requestID, "R1")
        XCTAssertFalse(head.recognised)
        let html = AWSErrorResponse.parse(HTTPResponse(status: 500, body: Data("<!doctype html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>NotImplementedError</p></body></html>".utf8)), wire: .query)
        XCTAssertEqual(html.code, "InternalServerError")
        XCTAssertTrue(html.message.contains("Internal Server Error"))
        XCTAssertFalse(html.message.contains("<"))
    }

    func testJSONErrors() {
        let typed = AWSErrorResponse.parse(HTTPResponse(status: 400, headers: ["x-amzn-RequestId": "abc"],
                                                        body: Data(#"{"__type":"com.amazonaws.ecs#ClusterNotFoundException","message":"Cluster not found."}"#.utf8)), wire: .json)
        XCTAssertEqual(typed.code, "ClusterNotFoundException")
        XCTAssertEqual(typed.message, "Cluster not found.")
        XCTAssertEqual(typed.requestID, "abc")
        let header = AWSErrorResponse.parse(HTTPResponse(status: 400, headers: ["x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/"],
                                                         body: Data("{}".utf8)), wire: .json)
        XCTAssertEqual(header.code, "ThrottlingException")
    }

    func testXMLTreeBasics() {
        let tree = XMLTree.parse(Data("<a:Root xmlns:a='x'><a:Item>one</a:Item><Item><![CDATA[two & more]]></Item><Empty/></a:Root>".utf8))
        XCTAssertEqual(tree?.name, "Root")
        XCTAssertEqual(tree?.children("Item").map(\.text), ["one", "two & more"])
        XCTAssertEqual(tree?.string("Empty"), "")
        XCTAssertNil(tree?.nonEmpty("Empty"))
        XCTAssertNil(XMLTree.parse(Data("not xml".utf8)))
        XCTAssertNil(XMLTree.parse(Data()))
    }
}
