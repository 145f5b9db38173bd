import Foundation
import PlayAWS
import PlayTestSupport
import XCTest
@testable import PlayModules

/// The deploy lock's S3 primitive against moto_server (conditional PUT and DELETE, honoured by
/// moto 5.2.1 as by S3): of runs that try at once, exactly one gets the lock; of runs that take over
/// an expired lease at once, exactly one wins; a lock that changed is neither renewed nor deleted by
/// its former holder; the journal lists newest first and apps never see each other's records.
final class DeployLockStoreTests: ECSTestCase {
    private func store(_ moto: MotoServer, bucket: String, app: String = "web") async throws -> DeployLockStore {
        let s3 = moto.session().s3()
        try await s3.createBucket(bucket)
        return DeployLockStore(s3: s3, bucket: bucket, prefix: DeployLockStore.defaultPrefix, app: app)
    }

    func testExactlyOneOfConcurrentRunsGetsTheLock() async throws {
        let moto = try await moto()
        let store = try await store(moto, bucket: unique("locks"))
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<8 {
                group.addTask {
                    let record = DeployLockRecord.mine(app: "web", flow: "deploy", version: "\(n)", leaseSeconds: 60)
                    if case .acquired = try await DeployLockAcquisition(store: store, record: record, wait: 0).run(progress: { _ in }) {
                        return true
                    }
                    return false
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.filter { $0 }.count, 1, "\(outcomes)")
    }

    func testAnExpiredLeaseIsTakenOverByExactlyOneRunAndItsHolderCannotRenewOrDeleteIt() async throws {
        let moto = try await moto()
        let store = try await store(moto, bucket: unique("locks"))
        let dead = DeployLockRecord.mine(app: "web", flow: "deploy", version: "1", leaseSeconds: 2)
        let created = try await store.create(dead)
        let deadETag = try XCTUnwrap(created)
        let again = try await store.create(dead)
        XCTAssertNil(again, "a second create of the lock is refused")
        guard case .refused(let holder, _) = try await DeployLockAcquisition(
            store: store, record: .mine(app: "web", flow: "rollback", version: "", leaseSeconds: 60), wait: 0).run(progress: { _ in })
        else { return XCTFail("a current lease is not taken over") }
        XCTAssertEqual(holder.record?.run, dead.run)

        // Waiting out the lease (2 s, the second of margin, and a second more for the whole-second
        // precision of S3's Last-Modified and Date): then two runs try at once and one wins.
        try await Task.sleep(for: .milliseconds(4500))
        let winners = try await withThrowingTaskGroup(of: DeployLockRecord?.self) { group in
            for n in 0..<2 {
                group.addTask {
                    let record = DeployLockRecord.mine(app: "web", flow: "deploy", version: "\(n + 2)", leaseSeconds: 60)
                    if case .acquired(_, let tookOver, _) = try await DeployLockAcquisition(store: store, record: record, wait: 0)
                        .run(progress: { _ in }) {
                        return tookOver
                    }
                    return nil
                }
            }
            return try await group.reduce(into: [DeployLockRecord?]()) { $0.append($1) }
        }
        XCTAssertEqual(winners.compactMap { $0 }.map(\.run), [dead.run], "one run took over the dead lease: \(winners)")

        // The dead holder, should it wake up, can neither renew nor delete the lock it lost.
        let renewed = try await store.replace(dead, etag: deadETag)
        XCTAssertNil(renewed)
        let deleted = try await store.delete(etag: deadETag)
        XCTAssertFalse(deleted)
        let now = try await store.read()
        XCTAssertNotEqual(now?.record?.run, dead.run)
    }

    func testTheJournalListsNewestFirstAndKeepsAppsApart() async throws {
        let moto = try await moto()
        let bucket = unique("locks")
        let web = try await store(moto, bucket: bucket, app: "web")
        let webAPI = DeployLockStore(s3: web.s3, bucket: bucket, prefix: web.prefix, app: "web-api")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for n in 0..<5 {
            let at = start.addingTimeInterval(Double(n) * 60)
            try await web.append(DeployJournalEntry(app: "web", run: "run-\(n)", user: "u", host: "h", flow: "deploy",
                                                    versionFrom: "\(n)", versionTo: "\(n + 1)", result: "success",
                                                    started: at, finished: at.addingTimeInterval(30)))
            try await webAPI.append(DeployJournalEntry(app: "web-api", run: "other-\(n)", user: "u", host: "h", flow: "deploy",
                                                       versionFrom: "", versionTo: "\(n)", result: "success",
                                                       started: at, finished: at.addingTimeInterval(45)))
        }
        let recent = try await web.recent(limit: 3)
        XCTAssertEqual(recent.map(\.run), ["run-4", "run-3", "run-2"])
        XCTAssertEqual(recent.first?.line.hasPrefix("2027-01-15T08:04:30Z deploy 4 -> 5 success in 30.0 s by u@h"), true,
                       recent.first?.line ?? "")
        let others = try await webAPI.recent(limit: 10)
        XCTAssertEqual(others.map(\.app), Array(repeating: "web-api", count: 5))
    }
}
