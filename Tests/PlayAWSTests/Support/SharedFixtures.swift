import Foundation

/// The recorded test data inside the repository (`Tests/PlayAWSTests/Vectors`, see its SOURCE.md).
enum SharedFixtures {
    static let packageRoot: URL = {
        // …/Tests/PlayAWSTests/Support/SharedFixtures.swift → package root
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }()

    static let vectors = packageRoot.appendingPathComponent("Tests/PlayAWSTests/Vectors")
    static let sigv4Suite = vectors.appendingPathComponent("sigv4/aws4_testsuite")
    static let sigv4Generated = vectors.appendingPathComponent("sigv4/generated")
    static let motoXML = vectors.appendingPathComponent("moto-xml")

    static func data(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
}
