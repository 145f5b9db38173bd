import Foundation
import Synchronization
import PlayBase

/// A build artifact read from the controller's disk, with the SHA-1 the target compares.
struct Artifact: Sendable {
    var path: String
    var data: Data
    var checksum: String
}

/// Artifacts read once per run: a deploy starts the same build on every new instance, so the
/// file is read and hashed once, not once per host. An entry is reused only while the file's
/// size and modification time stay the same.
final class ArtifactCache: Sendable {
    /// The key under which a run's cache lives in `RunResources`.
    static let resourceKey = "deploy.artifacts"

    private struct Entry: Sendable {
        var size: Int
        var modified: Date
        var artifact: Artifact
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Reads (or reuses) the artifact at `path`; throws `ArtifactError` when it cannot be read.
    func artifact(at path: String) throws(ArtifactError) -> Artifact {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw .missing(path)
        }
        if (attributes[.type] as? FileAttributeType) == .typeDirectory { throw .directory(path) }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let modified = attributes[.modificationDate] as? Date ?? .distantPast
        if let cached = entries.withLock({ $0[path] }), cached.size == size, cached.modified == modified {
            return cached.artifact
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path, error.localizedDescription)
        }
        let artifact = Artifact(path: path, data: data, checksum: Digest.hex(data, .sha1))
        entries.withLock { $0[path] = Entry(size: size, modified: modified, artifact: artifact) }
        return artifact
    }
}

/// Why an artifact could not be used; the text says what to check.
enum ArtifactError: Error, Sendable, CustomStringConvertible {
    case missing(String)
    case directory(String)
    case unreadable(String, String)

    var description: String {
        switch self {
        case .missing(let path):
            return "artifact \(path) does not exist on the controller (fetch it first, e.g. with s3_fetch, and pass its dest)"
        case .directory(let path):
            return "artifact \(path) is a directory: pass the build archive (.tar.gz) itself"
        case .unreadable(let path, let why):
            return "artifact \(path) could not be read on the controller: \(why)"
        }
    }
}
