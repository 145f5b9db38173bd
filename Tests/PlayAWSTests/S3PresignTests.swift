import Foundation
import XCTest
@testable import PlayAWS

/// Presigned S3 URLs as botocore makes them (S3SigV4QueryAuth, expected values computed with
/// botocore 1.x for the same key, time and path-style endpoint): the instances of the aws_ssm
/// connection download and upload with them.
final class S3PresignTests: XCTestCase {
    func testPresignedGetAndPutMatchBotocore() async throws {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        let endpoint = AWSEndpoint(url: "http://127.0.0.1:9000", source: "test")
        let session = AWSSession(credentials: credentials, region: "us-east-1", endpoint: endpoint)
        defer { session.shutdown() }
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour, components.minute, components.second) = (2026, 12, 7, 23, 15, 7)
        components.timeZone = TimeZone(identifier: "UTC")
        let date = try XCTUnwrap(Calendar(identifier: .gregorian).date(from: components))
        let base = "http://127.0.0.1:9000/th3-builds/i-0abc/play-in-x1?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIDEXAMPLE%2F20261207%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261207T231507Z"
            + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature="
        let get = try await session.s3().presignedURL(bucket: "th3-builds", key: "i-0abc/play-in-x1", expiry: 3600, at: date)
        XCTAssertEqual(get, base + "3637fc21205df319b3487f3dd082f9499f5e3922bb8811de520e3e46cf68e9cb")
        let put = try await session.s3().presignedURL(bucket: "th3-builds", key: "i-0abc/play-in-x1", expiry: 3600,
                                                      method: "PUT", at: date)
        XCTAssertEqual(put, base + "bb3b378be50f21e0824b215c3bacc49113fc499705d4af1f4b9205116a520c31")
    }
}
