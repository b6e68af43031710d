import ClusterSpec
import Foundation
import HeadnetCore
import Testing

@testable import Drills

/// Drill files read like specs: every problem at once, with its path and line.
@Suite struct DrillReaderTests {
    static let inlineCluster = """
        cluster:
          apiVersion: headnet/v1
          name: drill
          nodes:
            - {name: alice, listen: 127.0.0.1:5001}
            - {name: bob, listen: 127.0.0.1:5002}
            - {name: carol, listen: 127.0.0.1:5003}
        """

    func parse(_ yaml: String, directory: String = "/drills") throws(SpecError) -> Drill {
        try DrillReader.parse(yaml, name: "file-name", directory: directory)
    }

    func problems(_ yaml: String) -> [SpecIssue] {
        do {
            _ = try parse(yaml)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func aDrillReadsWithItsStepsLoadAndExpectations() throws {
        let drill = try parse("""
            apiVersion: headnet/v1
            kind: drill
            name: kill-follower
            description: A follower crashes under load and comes back.
            \(Self.inlineCluster)
            load: {senders: alice, rate: 50, size: 512, seconds: 20s}
            steps:
              - wait: 2s
              - kill: follower
                signal: SIGKILL
              - wait: 500ms
              - start: previous
              - delay: leader
                ms: 5000
                jitter: 500
              - loss: all
                percent: 10
              - heal: all
              - pause: bob
                process: etcd
              - resume: previous
                process: etcd
              - compact: all
              - settings-burst: leader
                frames: 2000
            expect: {recoveredWithin: 30, missedReported: true, hashesAgree: false}
            """)
        #expect(drill.name == "kill-follower" && drill.description == "A follower crashes under load and comes back.")
        guard case .inline(let spec) = drill.cluster else {
            Issue.record("the cluster is inline")
            return
        }
        #expect(spec.nodes.map(\.name) == ["alice", "bob", "carol"])
        #expect(drill.load.senders == .named("alice"))
        #expect(drill.load.rate == 50 && drill.load.size == 512 && drill.load.seconds == 20)
        #expect(drill.steps.map(\.action) == [
            .wait(seconds: 2), .kill(.follower, signal: .kill, process: .node), .wait(seconds: 0.5), .start(.previous),
            .delay(.leader, milliseconds: 5000, jitterMilliseconds: 500), .loss(.all, percent: 10), .heal(.all),
            .pause(.named("bob"), process: .etcd), .resume(.previous, process: .etcd), .compact, .settingsBurst(.leader, frames: 2000),
        ])
        #expect(drill.steps[1].path == "steps[1]" && drill.steps[1].line == 15)
        #expect(drill.expectations.recoveredWithin == 30 && drill.expectations.missedReported && !drill.expectations.hashesAgree)
        #expect(drill.expectations.noLoss && drill.expectations.noDuplicates && drill.expectations.perSenderOrder)
        #expect(drill.needsNetworkNamespaces)
    }

    @Test func everyProblemIsReportedAtOnceWithItsPathAndLine() {
        let issues = problems("""
            apiVersion: headnet/v1
            kind: drill
            \(Self.inlineCluster)
            load: {rate: 0, sise: 10}
            steps:
              - wait: soon
              - kill: dave
                signal: HUP
              - kill: bob
                start: bob
              - loss: bob
                frames: 3
              - start: all
                percent: 5
              - fly: bob
            expect: {noLoss: maybe}
            """)
        let found = issues.map { "\($0.line ?? 0) \($0.path): \($0.message)" }
        let expected = [
            "10 load.rate: 0 is out of range 0.1…10000",
            "10 load.sise: unknown key 'sise'; did you mean 'size'?",
            "12 steps[0].wait: expected a duration: seconds (30), or with a unit (500ms, 5s, 2m)",
            "13 steps[1].kill: 'dave' is not a node of the drill's cluster (alice, bob, carol) nor one of leader, follower, followers, quorum, majority, minority, random, all, previous",
            "14 steps[1].signal: 'HUP' is not one of KILL, TERM, INT, QUIT",
            "15 steps[2]: a step does one thing; this one has kill and start: make them separate steps",
            "18 steps[3].frames: `frames` is not a setting of `loss` (it goes with settings-burst)",
            "20 steps[4].percent: `percent` is not a setting of `start` (it goes with loss, reorder)",
            "21 steps[5].fly: unknown key 'fly'",
            "21 steps[5]: a step needs one of: \(DrillAction.kinds.joined(separator: ", "))",
            "22 expect.noLoss: expected true or false",
        ]
        #expect(found.count == expected.count, "\(found.joined(separator: "\n"))")
        for line in expected { #expect(found.contains(line), "missing: \(line)\nfound:\n\(found.joined(separator: "\n"))") }
    }

    @Test func theFileMustBeADrillWithAClusterAndSteps() {
        let found = problems("apiVersion: headnet/v1\nkind: spec\nname: x\n").map { "\($0.path): \($0.message)" }
        #expect(found.contains("kind: this file is a 'spec', not a drill (`kind: drill`)"))
        #expect(found.contains { $0.hasPrefix("cluster: missing cluster") })
        #expect(found.contains { $0.hasPrefix("steps: missing steps") })
        let previous = problems("apiVersion: headnet/v1\nkind: drill\n\(Self.inlineCluster)\nsteps:\n  - start: previous\n")
        #expect(previous.map(\.message) == ["`previous` names the nodes of an earlier step, and no earlier step picks any"])
    }

    @Test func anInlineClusterIsCheckedAsASpecWithItsPathsUnderCluster() {
        let found = problems("""
            apiVersion: headnet/v1
            kind: drill
            cluster:
              apiVersion: headnet/v1
              name: drill
              nodes:
                - {name: alice, listen: 127.0.0.1:99999}
            steps:
              - wait: 1
            """).map { "\($0.line ?? 0) \($0.path)" }
        #expect(found == ["7 cluster.nodes", "7 cluster.nodes[0].listen"], "the spec reader's own problems, under cluster")
    }

    @Test func aClusterPathIsTakenFromTheDrillsDirectoryAndMustRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-drill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("clusters"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = SpecWriter.render(ClusterSpec(
            name: "three", nodes: ["alice", "bob", "carol"].enumerated().map { NodeSpec(name: $1, listen: Address(host: "127.0.0.1", port: 5101 + $0)) }))
        try spec.write(to: directory.appendingPathComponent("clusters/three.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("drills"), withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("drills/kill-dave.yaml")
        try "apiVersion: headnet/v1\nkind: drill\ncluster: ../clusters/three.yaml\nsteps:\n  - kill: dave\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try DrillReader.load(path: file.path)
            Issue.record("dave is not a node of three.yaml")
        } catch {
            #expect(error.issues.map(\.path) == ["steps[0].kill"])
        }
        try "apiVersion: headnet/v1\nkind: drill\ncluster: ../clusters/three.yaml\nsteps:\n  - kill: bob\n".write(to: file, atomically: true, encoding: .utf8)
        let drill = try DrillReader.load(path: file.path)
        #expect(drill.name == "kill-dave" && drill.cluster == .spec(path: directory.appendingPathComponent("clusters/three.yaml").standardizedFileURL.path))
        let missing = problems("apiVersion: headnet/v1\nkind: drill\ncluster: nowhere.yaml\nsteps:\n  - wait: 1\n")
        #expect(missing.map(\.path) == ["cluster"] && missing[0].message.hasPrefix("the spec /drills/nowhere.yaml cannot be used: no spec at"))
    }
}

/// Every drill headnet ships reads without a problem, on the cluster it names.
@Suite struct ShippedDrillTests {
    static let drills = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("drills")

    @Test func everyShippedDrillReads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.drills.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 10)
        for file in files {
            do {
                let drill = try DrillReader.load(path: Self.drills.appendingPathComponent(file).path)
                #expect(drill.name + ".yaml" == file, "a drill is named as its file")
            } catch {
                Issue.record("\(file): \(error)")
            }
        }
    }
}
