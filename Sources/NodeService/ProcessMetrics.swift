import Foundation
import Processes
import Prometheus
import Synchronization

/// The node process's `process_*` metrics, named as Prometheus client libraries name them
/// (client_golang's process collector): CPU time, memory, descriptors and start time, read from
/// `/proc` (``Processes/ProcessStat``) each time `/metrics` is rendered. A figure the system
/// does not give (no `/proc`) is left out rather than reported as 0.
final class ProcessMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let pid: Int32
    /// The CPU seconds already counted: the counter moves by what was used since.
    private let countedCPUSeconds = Mutex(0.0)

    /// The metrics of process `pid` (this process by default), in `registry`.
    init(registry: PrometheusCollectorRegistry, pid: Int32 = ProcessInfo.processInfo.processIdentifier) {
        self.registry = registry
        self.pid = pid
    }

    /// Reads the process's figures and sets the metrics.
    func refresh() {
        if let stat = ProcessStat.read(pid) {
            let used = stat.cpuSeconds
            let delta = countedCPUSeconds.withLock { counted in
                defer { counted = max(counted, used) }
                return max(0, used - counted)
            }
            let cpu = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "process", metricName: "cpu_seconds", unitName: "total", helpText: "Total user and system CPU time spent in seconds."))
            if delta > 0 { cpu.increment(by: delta) }
            gauge("resident_memory", "bytes", "Resident memory size in bytes.").set(to: Double(stat.residentBytes))
            gauge("virtual_memory", "bytes", "Virtual memory size in bytes.").set(to: Double(stat.virtualBytes))
            if let start = stat.startTimeSeconds {
                gauge("start_time", "seconds", "Start time of the process since unix epoch in seconds.").set(to: start)
            }
        }
        if let open = ProcessStat.openDescriptors(pid) {
            gauge("open", "fds", "Number of open file descriptors.").set(to: Double(open))
        }
        if let max = ProcessStat.maxDescriptors {
            gauge("max", "fds", "Maximum number of open file descriptors.").set(to: Double(max))
        }
    }

    /// `process_<name>_<unit>`; the registry hands back the same gauge every time.
    private func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "process", metricName: name, unitName: unit, helpText: help))
    }
}
