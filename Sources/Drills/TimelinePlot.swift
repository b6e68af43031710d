import Foundation

/// Draws a ``DrillTimeline`` as an SVG: the load's accepted messages and each node's delivered
/// count over time, with the faults as shaded spans, and under it a strip per node (red where it
/// did not answer) and one for `headnet health` (red where a check failed) — what people look at
/// before the numbers.
public enum TimelinePlot {
    /// The size without the strips; each strip adds ``stripHeight``.
    static let width = 960.0, height = 440.0, stripHeight = 16.0
    /// Where a node did not answer, or health failed.
    static let troubleColor = "#d6604d"
    static let left = 70.0, right = 180.0, top = 48.0, bottom = 48.0
    /// Line colours of the nodes, in order (repeating after eight).
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]

    /// The SVG document of `timeline`, titled `title`.
    public static func svg(_ timeline: DrillTimeline, title: String) -> String {
        let seconds = max(timeline.duration, 1)
        let most = max(timeline.accepted.count, timeline.samples.flatMap(\.delivered.values).max() ?? 0, 1)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let strips = timeline.nodes.count + (timeline.health.isEmpty ? 0 : 1)
        let totalHeight = height + Double(strips) * stripHeight + (strips > 0 ? 12 : 0)
        func x(_ t: Double) -> Double { left + t / seconds * plotWidth }
        func y(_ count: Int) -> Double { top + plotHeight - Double(count) / Double(most) * plotHeight }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }

        var parts: [String] = [
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(totalHeight))" viewBox="0 0 \##(Int(width)) \##(Int(totalHeight))" font-family="sans-serif" font-size="12">"##,
            ##"<rect width="100%" height="100%" fill="white"/>"##,
            ##"<text x="\##(number(left))" y="24" font-size="16" font-weight="bold">\##(escape(title))</text>"##,
        ]
        for (index, span) in timeline.spans.enumerated() {
            let start = x(span.start), end = x(span.end ?? seconds)
            parts.append(##"<rect class="fault" x="\##(number(start))" y="\##(number(top))" width="\##(number(max(end - start, 2)))" height="\##(number(plotHeight))" fill="#f4a582" fill-opacity="0.35"/>"##)
            parts.append(##"<text x="\##(number(start + 3))" y="\##(number(top + 14 + Double(index % 3) * 14))" fill="#b2182b">\##(escape(span.label))</text>"##)
        }
        // Axes and ticks.
        parts.append(##"<line x1="\##(number(left))" y1="\##(number(top + plotHeight))" x2="\##(number(left + plotWidth))" y2="\##(number(top + plotHeight))" stroke="black"/>"##)
        parts.append(##"<line x1="\##(number(left))" y1="\##(number(top))" x2="\##(number(left))" y2="\##(number(top + plotHeight))" stroke="black"/>"##)
        for tick in ticks(upTo: seconds) {
            parts.append(##"<line x1="\##(number(x(tick)))" y1="\##(number(top + plotHeight))" x2="\##(number(x(tick)))" y2="\##(number(top + plotHeight + 5))" stroke="black"/>"##)
            parts.append(##"<text x="\##(number(x(tick)))" y="\##(number(top + plotHeight + 18))" text-anchor="middle">\##(label(tick))</text>"##)
        }
        for tick in ticks(upTo: Double(most)) {
            parts.append(##"<line x1="\##(number(left - 5))" y1="\##(number(y(Int(tick))))" x2="\##(number(left + plotWidth))" y2="\##(number(y(Int(tick))))" stroke="#dddddd"/>"##)
            parts.append(##"<text x="\##(number(left - 8))" y="\##(number(y(Int(tick)) + 4))" text-anchor="end">\##(label(tick))</text>"##)
        }
        parts.append(##"<text x="\##(number(left + plotWidth / 2))" y="\##(number(totalHeight - 10))" text-anchor="middle">seconds</text>"##)
        parts.append(##"<text transform="translate(16 \##(number(top + plotHeight / 2))) rotate(-90)" text-anchor="middle">messages</text>"##)
        // The load: accepted messages so far.
        if !timeline.accepted.isEmpty {
            var points = ["\(number(x(0))),\(number(y(0)))"]
            for (count, time) in timeline.accepted.sorted().enumerated() { points.append("\(number(x(time))),\(number(y(count + 1)))") }
            parts.append(##"<polyline class="load" points="\##(points.joined(separator: " "))" fill="none" stroke="black" stroke-dasharray="6 4" stroke-width="1.5"/>"##)
        }
        // Each node's delivered count; the line breaks where the node did not answer.
        for (index, node) in timeline.nodes.enumerated() {
            var segments: [[String]] = [[]]
            for sample in timeline.samples {
                if let count = sample.delivered[node] {
                    segments[segments.count - 1].append("\(number(x(sample.at))),\(number(y(count)))")
                } else if !segments[segments.count - 1].isEmpty {
                    segments.append([])
                }
            }
            for points in segments where !points.isEmpty {
                parts.append(##"<polyline class="node" data-node="\##(escape(node))" points="\##(points.joined(separator: " "))" fill="none" stroke="\##(colors[index % colors.count])" stroke-width="2"/>"##)
            }
        }
        // The strips: each node answering or not (by sample), then health passing or failing.
        var rows = timeline.nodes.map { node in (node, "down", timeline.samples.map { (at: $0.at, ok: $0.delivered[node] != nil) }) }
        if !timeline.health.isEmpty { rows.append(("health", "unhealthy", timeline.health.map { (at: $0.at, ok: $0.passed) })) }
        for (row, (name, trouble, points)) in rows.enumerated() {
            let rowY = top + plotHeight + 30 + Double(row) * stripHeight
            let first = points.first?.at ?? 0, last = points.last?.at ?? 0
            parts.append(##"<text x="\##(number(left - 8))" y="\##(number(rowY + 9))" text-anchor="end">\##(escape(name))</text>"##)
            parts.append(##"<rect x="\##(number(x(first)))" y="\##(number(rowY))" width="\##(number(max(x(last) - x(first), 1)))" height="10" fill="#e0e0e0"/>"##)
            for (start, end) in troubles(points) {
                parts.append(##"<rect class="\##(trouble)" x="\##(number(x(start)))" y="\##(number(rowY))" width="\##(number(max(x(end) - x(start), 2)))" height="10" fill="\##(troubleColor)"/>"##)
            }
        }
        // Legend.
        var legendY = top + 8
        let legendX = left + plotWidth + 16
        if !timeline.accepted.isEmpty {
            parts.append(##"<line x1="\##(number(legendX))" y1="\##(number(legendY))" x2="\##(number(legendX + 24))" y2="\##(number(legendY))" stroke="black" stroke-dasharray="6 4" stroke-width="1.5"/>"##)
            parts.append(##"<text x="\##(number(legendX + 30))" y="\##(number(legendY + 4))">accepted (load)</text>"##)
            legendY += 20
        }
        for (index, node) in timeline.nodes.enumerated() {
            parts.append(##"<line x1="\##(number(legendX))" y1="\##(number(legendY))" x2="\##(number(legendX + 24))" y2="\##(number(legendY))" stroke="\##(colors[index % colors.count])" stroke-width="2"/>"##)
            parts.append(##"<text x="\##(number(legendX + 30))" y="\##(number(legendY + 4))">\##(escape(node)) delivered</text>"##)
            legendY += 20
        }
        if !timeline.spans.isEmpty {
            parts.append(##"<rect x="\##(number(legendX))" y="\##(number(legendY - 8))" width="24" height="14" fill="#f4a582" fill-opacity="0.35"/>"##)
            parts.append(##"<text x="\##(number(legendX + 30))" y="\##(number(legendY + 4))">fault</text>"##)
            legendY += 20
        }
        if strips > 0 {
            parts.append(##"<rect x="\##(number(legendX))" y="\##(number(legendY - 6))" width="24" height="10" fill="\##(troubleColor)"/>"##)
            parts.append(##"<text x="\##(number(legendX + 30))" y="\##(number(legendY + 4))">not answering,</text>"##)
            parts.append(##"<text x="\##(number(legendX + 30))" y="\##(number(legendY + 18))">health failing</text>"##)
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// The stretches of time where `points` (in time order) say not ok: from such a point to
    /// the next point (or the last point's time).
    static func troubles(_ points: [(at: Double, ok: Bool)]) -> [(Double, Double)] {
        var stretches: [(Double, Double)] = []
        for (index, point) in points.enumerated() where !point.ok {
            let end = index + 1 < points.count ? points[index + 1].at : point.at
            if let last = stretches.last, last.1 == point.at {
                stretches[stretches.count - 1].1 = end
            } else {
                stretches.append((point.at, end))
            }
        }
        return stretches
    }

    /// Round tick values from 0 up to `limit`: about five, at 1, 2 or 5 times a power of ten.
    static func ticks(upTo limit: Double) -> [Double] {
        guard limit > 0 else { return [0] }
        let raw = limit / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        return stride(from: 0, through: limit, by: step).map { $0 }
    }

    static func label(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
