import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@testable import Drills

/// The plot is an SVG a browser renders: well-formed, one line per node, the load, the faults.
@Suite struct TimelinePlotTests {
    /// A 30 s run: bob killed at 10 s and started at 15 s, catching up by 18 s.
    static var timeline: DrillTimeline {
        var timeline = DrillTimeline(nodes: ["alice", "bob", "carol"])
        timeline.accepted = (1...600).map { Double($0) / 20 }
        timeline.spans = [.init(label: "kill follower (bob)", start: 10, end: 15)]
        timeline.samples = stride(from: 0.0, through: 30, by: 0.5).map { t in
            let sent = Int(t * 20)
            let bob = t < 10 ? sent : t < 15 ? 200 : min(sent, 200 + Int((t - 15) * 150))
            return .init(at: t, delivered: ["alice": sent, "bob": bob, "carol": sent])
        }
        return timeline
    }

    /// The elements of an SVG, by name, with their attributes.
    final class Elements: NSObject, XMLParserDelegate {
        var found: [(name: String, attributes: [String: String])] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            found.append((name, attributes))
        }
    }

    @Test func theSVGIsWellFormedWithALinePerNodeTheLoadAndTheFaults() throws {
        let svg = TimelinePlot.svg(Self.timeline, title: "kill-follower <passed>")
        // HEADNET_PLOT_OUT=FILE.svg keeps the example, to look at it (rsvg-convert FILE.svg > FILE.png).
        if let out = ProcessInfo.processInfo.environment["HEADNET_PLOT_OUT"] { try svg.write(toFile: out, atomically: true, encoding: .utf8) }
        let parser = XMLParser(data: Data(svg.utf8))
        let elements = Elements()
        parser.delegate = elements
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        let nodes = elements.found.filter { $0.name == "polyline" && $0.attributes["class"] == "node" }.compactMap { $0.attributes["data-node"] }
        #expect(nodes == ["alice", "bob", "carol"])
        var gap = Self.timeline
        gap.samples[25].delivered["bob"] = nil  // bob did not answer at 12.5 s
        #expect(TimelinePlot.svg(gap, title: "gap").components(separatedBy: #"data-node="bob""#).count - 1 == 2, "bob's line breaks there")
        #expect(elements.found.filter { $0.name == "polyline" && $0.attributes["class"] == "load" }.count == 1)
        #expect(elements.found.filter { $0.name == "rect" && $0.attributes["class"] == "fault" }.count == 1)
        #expect(svg.contains("kill-follower &lt;passed&gt;") && svg.contains("kill follower (bob)"))
    }

    /// Under the plot, a strip per node is red where it did not answer, and the health strip
    /// where a check failed; back-to-back troubles make one stretch.
    @Test func stripsShowWhereANodeDidNotAnswerAndWhereHealthFailed() throws {
        var timeline = Self.timeline
        for index in 22...27 { timeline.samples[index].delivered["bob"] = nil }  // 11 s to 14 s
        timeline.health = [.init(at: 9, passed: true), .init(at: 11, passed: false), .init(at: 13, passed: false), .init(at: 16, passed: true)]
        let svg = TimelinePlot.svg(timeline, title: "strips")
        let elements = Elements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = elements
        #expect(parser.parse())
        #expect(elements.found.filter { $0.attributes["class"] == "down" }.count == 1)
        #expect(elements.found.filter { $0.attributes["class"] == "unhealthy" }.count == 1)
        #expect(TimelinePlot.troubles([(9, true), (11, false), (13, false), (16, true)]).map { [$0.0, $0.1] } == [[11, 16]])
        #expect(TimelinePlot.troubles([(1, false), (2, true), (3, false)]).map { [$0.0, $0.1] } == [[1, 2], [3, 3]])
    }

    @Test func ticksAreRoundNumbers() {
        #expect(TimelinePlot.ticks(upTo: 30) == [0, 10, 20, 30])
        #expect(TimelinePlot.ticks(upTo: 600) == [0, 200, 400, 600])
        #expect(TimelinePlot.ticks(upTo: 7) == [0, 2, 4, 6])
    }
}
