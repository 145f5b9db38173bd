import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal for tests of terminal prompts: the master side to type into and read the
/// echo from, and the device path of the slave side the code under test opens.
public struct PseudoTerminal {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let master: Int32
    public let device: String

    /// Opens one. Swift's Glibc module leaves out the pseudo-terminal calls (they need
    /// _XOPEN_SOURCE), so they are looked up by name.
    public static func open() throws -> PseudoTerminal {
        typealias FDCall = @convention(c) (Int32) -> Int32
        typealias NameCall = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        func call<T>(_ name: String, as _: T.Type) throws -> T {
            guard let symbol = dlsym(nil, name) else { throw Failure(description: "\(name) is not in the C library") }
            return unsafeBitCast(symbol, to: T.self)
        }
        let master = try call("posix_openpt", as: FDCall.self)(O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw Failure(description: "posix_openpt failed: errno \(errno)") }
        guard try call("grantpt", as: FDCall.self)(master) == 0, try call("unlockpt", as: FDCall.self)(master) == 0,
              let name = try call("ptsname", as: NameCall.self)(master) else {
            _ = Glibc.close(master)
            throw Failure(description: "could not set up the pseudo-terminal: errno \(errno)")
        }
        return PseudoTerminal(master: master, device: String(cString: name))
    }

    public func close() { _ = Glibc.close(master) }
}
