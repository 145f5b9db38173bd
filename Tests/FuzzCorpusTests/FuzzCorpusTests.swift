import Foundation
import PlayFuzzTargets
import PlayTestSupport
import XCTest

/// Every fuzz target over its seed corpus (`Fuzz/Corpus/<target>`, crash regressions included)
/// and a fixed set of seeded mutations of it: a few thousand inputs in all, so a reader that
/// starts crashing on malformed input fails here, not only in `bench/fuzz.sh`. Reaching the end
/// is the assertion: a crash ends the test process.
final class FuzzCorpusTests: XCTestCase {
    /// Mutations per seed file.
    static let mutationsPerSeed = 150

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    func testEveryTargetHasSeeds() throws {
        for target in FuzzTargets.all {
            XCTAssertGreaterThanOrEqual(try seeds(target.name).count, 2, target.name)
        }
    }

    func testYAML() throws { try run("yaml") }
    func testExpression() throws { try run("expression") }
    func testINI() throws { try run("ini") }
    func testVault() throws { try run("vault") }
    func testXML() throws { try run("xml") }

    private func seeds(_ name: String) throws -> [Data] {
        let directory = Self.corpus.appendingPathComponent(name)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .map { try Data(contentsOf: directory.appendingPathComponent($0)) }
    }

    private func run(_ name: String) throws {
        let target = try XCTUnwrap(FuzzTargets.target(named: name))
        let seeds = try seeds(name)
        var generator = SeededGenerator(seed: 0x5EED_F022)
        var runs = 0
        for seed in seeds {
            target.run(seed)
            runs += 1
            for _ in 0..<Self.mutationsPerSeed {
                target.run(Mutator.mutate(seed, splicing: seeds, using: &generator))
                runs += 1
            }
        }
        XCTAssertEqual(runs, seeds.count * (Self.mutationsPerSeed + 1))
    }
}

/// libFuzzer-like byte mutations without coverage feedback: flips, inserts, deletions,
/// duplicated runs, interesting bytes and splices with another seed.
enum Mutator {
    static let interesting: [[UInt8]] = [
        Array("{{".utf8), Array("}}".utf8), Array("{%".utf8), Array("%}".utf8), Array("[".utf8), Array("&a ".utf8),
        Array("*a".utf8), Array("<a>".utf8), Array("</".utf8), Array("&#x".utf8), Array(";".utf8), Array("\n- ".utf8),
        Array(":".utf8), [0], [0xFF], [0xC3], Array("$ANSIBLE_VAULT;1.1;AES256\n".utf8), Array("[web:vars]\n".utf8),
    ]

    static func mutate(_ seed: Data, splicing others: [Data], using generator: inout SeededGenerator) -> Data {
        var bytes = [UInt8](seed)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0 where !bytes.isEmpty: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            case 1: bytes.insert(contentsOf: interesting.randomElement(using: &generator)!, at: at)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &generator)))
            case 3 where !bytes.isEmpty:
                let run = bytes[at..<min(bytes.count, at + Int.random(in: 1...8, using: &generator))]
                for _ in 0..<Int.random(in: 1...64, using: &generator) { bytes.insert(contentsOf: run, at: at) }
            case 4:
                let other = [UInt8](others.randomElement(using: &generator)!)
                let cut = other.isEmpty ? 0 : Int.random(in: 0..<other.count, using: &generator)
                bytes = Array(bytes[..<at]) + Array(other[cut...])
            default:
                bytes.insert(UInt8.random(in: 0...255, using: &generator), at: at)
            }
        }
        return Data(bytes)
    }
}
