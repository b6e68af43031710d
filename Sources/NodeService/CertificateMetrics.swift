import Foundation
import Logging
import Prometheus
import Synchronization
import X509

/// `headnet_certificate_expiry_seconds{certificate="…"}`: when each certificate the node uses
/// expires (its notAfter as Unix time in seconds), read from its PEM file each time `/metrics`
/// is rendered, so a rotated certificate shows at once. A file that cannot be read is left out
/// (logged at debug): a scrape never fails because of it.
final class CertificateMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let files: [CertificateFile]
    private let logger: Logger
    /// The series rendered now, by certificate name, to take out when a file goes missing.
    private let shown = Mutex<[String: Gauge]>([:])

    static var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "headnet", metricName: "certificate_expiry", unitName: "seconds",
            helpText: "When the certificate expires: its notAfter as Unix time in seconds (read from its file at each scrape)")
    }

    /// The metrics of `files`, in `registry`.
    init(registry: PrometheusCollectorRegistry, files: [CertificateFile], logger: Logger) {
        self.registry = registry
        self.files = files
        self.logger = logger
    }

    /// Reads each certificate's notAfter and sets its series, or takes it out.
    func refresh() {
        for file in files {
            do {
                let certificate = try Certificate(pemEncoded: try String(contentsOfFile: file.path, encoding: .utf8))
                let gauge = registry.makeGauge(descriptor: Self.descriptor, labels: [("certificate", file.name)])
                gauge.set(to: certificate.notValidAfter.timeIntervalSince1970)
                shown.withLock { $0[file.name] = gauge }
            } catch {
                logger.debug("certificate \(file.name) left out of /metrics: cannot read \(file.path): \(error)")
                if let gauge = shown.withLock({ $0.removeValue(forKey: file.name) }) { registry.unregisterGauge(gauge) }
            }
        }
    }
}
