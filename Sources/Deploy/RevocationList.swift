import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate revocation list (RFC 5280 §5: an X.509 v2 CRL) signed with the cluster's P-256
/// CA key: the `crl.pem` that etcd reads (its `CRLFile`) on every connection it accepts, refusing
/// a peer or client whose certificate's serial number is listed.
///
/// swift-certificates has no CRL type, so this one encodes and parses the DER with SwiftASN1:
///
/// ```
/// CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
/// TBSCertList ::= SEQUENCE {
///     version INTEGER (1 = v2), signature AlgorithmIdentifier, issuer Name,
///     thisUpdate Time, nextUpdate Time,
///     revokedCertificates SEQUENCE OF SEQUENCE { userCertificate INTEGER, revocationDate Time } OPTIONAL,
///     crlExtensions [0] EXPLICIT Extensions }          -- cRLNumber
/// ```
///
/// The signature is ecdsa-with-SHA256; times are whole seconds (UTCTime before 2050,
/// GeneralizedTime after).
public struct RevocationList: Sendable, Hashable {
    /// One revoked certificate.
    public struct Entry: Sendable, Hashable {
        /// The certificate's serial number.
        public var serialNumber: Certificate.SerialNumber
        /// When it was revoked (whole seconds).
        public var revocationDate: Date

        /// Creates an entry; the date is truncated to whole seconds, as the encoding keeps it.
        public init(serialNumber: Certificate.SerialNumber, revocationDate: Date) {
            self.serialNumber = serialNumber
            self.revocationDate = ASN1Time.wholeSeconds(revocationDate)
        }
    }

    /// The CA that signed the list (its subject).
    public let issuer: DistinguishedName
    /// When the list was made.
    public let thisUpdate: Date
    /// When the next list is due (OpenSSL refuses an expired list; etcd does not look).
    public let nextUpdate: Date
    /// The cRLNumber extension: one more than the list it replaces.
    public let number: Int
    /// The revoked certificates.
    public let entries: [Entry]
    /// The whole list, DER-encoded and signed.
    public let derBytes: [UInt8]
    private let signedBytes: [UInt8]
    private let signature: [UInt8]

    static let ecdsaWithSHA256: ASN1ObjectIdentifier = "1.2.840.10045.4.3.2"
    static let crlNumber: ASN1ObjectIdentifier = "2.5.29.20"

    /// Makes and signs a list with `key` (the CA's key; `issuer` is the CA's subject).
    public init(
        issuer: DistinguishedName, thisUpdate: Date, nextUpdate: Date, number: Int, entries: [Entry], signingKey key: P256.Signing.PrivateKey
    ) throws {
        let thisUpdate = ASN1Time.wholeSeconds(thisUpdate)
        let nextUpdate = ASN1Time.wholeSeconds(nextUpdate)
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)  // v2
            try Self.serializeAlgorithm(into: &coder)
            try coder.serialize(issuer)
            try ASN1Time.serialize(thisUpdate, into: &coder)
            try ASN1Time.serialize(nextUpdate, into: &coder)
            if !entries.isEmpty {  // RFC 5280: absent, not empty, when nothing is revoked
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for entry in entries {
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.serialize(entry.serialNumber.bytes)
                            try ASN1Time.serialize(entry.revocationDate, into: &coder)
                        }
                    }
                }
            }
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                var value = DER.Serializer()
                try value.serialize(number)
                try coder.serializeSequenceOf([Certificate.Extension(oid: Self.crlNumber, critical: false, value: value.serializedBytes[...])])
            }
        }
        let signedBytes = tbs.serializedBytes
        let signature = Array(try key.signature(for: signedBytes).derRepresentation)
        var whole = DER.Serializer()
        try whole.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(signedBytes)
            try Self.serializeAlgorithm(into: &coder)
            try coder.serialize(ASN1BitString(bytes: signature[...]))
        }
        self.issuer = issuer
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.number = number
        self.entries = entries
        self.signedBytes = signedBytes
        self.signature = signature
        derBytes = whole.serializedBytes
    }

    /// Parses a DER-encoded list (one this type wrote, or any v2 CRL signed with ECDSA/SHA-256).
    public init(derEncoded bytes: [UInt8]) throws {
        var parsed: (issuer: DistinguishedName, thisUpdate: Date, nextUpdate: Date?, number: Int?, entries: [Entry])?
        var signedBytes: [UInt8] = []
        var signature: [UInt8] = []
        try DER.sequence(try DER.parse(bytes), identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no TBSCertList") }
            signedBytes = Array(tbs.encodedBytes)
            parsed = try DER.sequence(tbs, identifier: .sequence) { nodes in
                var peek = nodes
                if peek.next()?.identifier == .integer { _ = try Int(derEncoded: &nodes) }
                try Self.parseAlgorithm(nodes.next())
                let issuer = try DistinguishedName(derEncoded: &nodes)
                let thisUpdate = try ASN1Time.parse(nodes.next())
                var nextUpdate: Date?
                var entries: [Entry] = []
                var number: Int?
                while let node = nodes.next() {
                    switch node.identifier {
                    case UTCTime.defaultIdentifier, GeneralizedTime.defaultIdentifier:
                        nextUpdate = try ASN1Time.parse(node)
                    case .sequence:
                        entries = try DER.sequence(node, identifier: .sequence) { list in
                            var entries: [Entry] = []
                            while let entry = list.next() {
                                entries.append(try DER.sequence(entry, identifier: .sequence) { fields in
                                    let serial = try ArraySlice<UInt8>(derEncoded: &fields)
                                    let date = try ASN1Time.parse(fields.next())
                                    while fields.next() != nil {}  // entry extensions: not used
                                    return Entry(serialNumber: Certificate.SerialNumber(bytes: serial), revocationDate: date)
                                })
                            }
                            return entries
                        }
                    default:
                        let extensions = try DER.explicitlyTagged(node, tagNumber: 0, tagClass: .contextSpecific) {
                            try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
                        }
                        if let value = extensions.first(where: { $0.oid == Self.crlNumber })?.value {
                            number = try Int(derEncoded: value)
                        }
                    }
                }
                return (issuer, thisUpdate, nextUpdate, number, entries)
            }
            try Self.parseAlgorithm(nodes.next())
            guard let bits = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no signature") }
            signature = Array(try ASN1BitString(derEncoded: bits).bytes)
        }
        guard let parsed else { throw ASN1Error.invalidASN1Object(reason: "no TBSCertList") }
        issuer = parsed.issuer
        thisUpdate = parsed.thisUpdate
        nextUpdate = parsed.nextUpdate ?? parsed.thisUpdate
        number = parsed.number ?? 0
        entries = parsed.entries
        derBytes = bytes
        self.signedBytes = signedBytes
        self.signature = signature
    }

    /// Parses a PEM `X509 CRL` document.
    public init(pemEncoded text: String) throws {
        let document = try PEMDocument(pemString: text)
        guard document.discriminator == "X509 CRL" else {
            throw ASN1Error.invalidPEMDocument(reason: "a \(document.discriminator), not an X509 CRL")
        }
        try self.init(derEncoded: document.derBytes)
    }

    /// The list as a PEM `X509 CRL` document, the form etcd and OpenSSL read.
    public var pemString: String { PEMDocument(type: "X509 CRL", derBytes: derBytes).pemString + "\n" }

    /// Whether `key` (the CA's public key) made the signature.
    public func isSigned(by key: P256.Signing.PublicKey) -> Bool {
        guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
        return key.isValidSignature(signature, for: signedBytes)
    }

    /// Whether the certificate with `serialNumber` is revoked.
    public func revokes(_ serialNumber: Certificate.SerialNumber) -> Bool {
        entries.contains { $0.serialNumber == serialNumber }
    }

    private static func serializeAlgorithm(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(ecdsaWithSHA256) }
    }

    private static func parseAlgorithm(_ node: ASN1Node?) throws {
        guard let node else { throw ASN1Error.invalidASN1Object(reason: "no signature algorithm") }
        let oid = try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            while nodes.next() != nil {}  // parameters: absent for ECDSA
            return oid
        }
        guard oid == ecdsaWithSHA256 else {
            throw ASN1Error.invalidASN1Object(reason: "signature algorithm \(oid), not ecdsa-with-SHA256")
        }
    }
}

/// X.509 `Time`: UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5).
enum ASN1Time {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    static func serialize(_ date: Date, into coder: inout DER.Serializer) throws {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let (year, month, day) = (parts.year!, parts.month!, parts.day!)
        let (hours, minutes, seconds) = (parts.hour!, parts.minute!, parts.second!)
        if (1950..<2050).contains(year) {
            try coder.serialize(UTCTime(year: year, month: month, day: day, hours: hours, minutes: minutes, seconds: seconds))
        } else {
            try coder.serialize(GeneralizedTime(
                year: year, month: month, day: day, hours: hours, minutes: minutes, seconds: seconds, fractionalSeconds: 0))
        }
    }

    static func parse(_ node: ASN1Node?) throws -> Date {
        guard let node else { throw ASN1Error.invalidASN1Object(reason: "a time is missing") }
        var parts = DateComponents()
        switch node.identifier {
        case UTCTime.defaultIdentifier:
            let time = try UTCTime(derEncoded: node)
            (parts.year, parts.month, parts.day) = (time.year, time.month, time.day)
            (parts.hour, parts.minute, parts.second) = (time.hours, time.minutes, time.seconds)
        default:
            let time = try GeneralizedTime(derEncoded: node)
            (parts.year, parts.month, parts.day) = (time.year, time.month, time.day)
            (parts.hour, parts.minute, parts.second) = (time.hours, time.minutes, time.seconds)
        }
        guard let date = calendar.date(from: parts) else { throw ASN1Error.invalidASN1Object(reason: "time out of range") }
        return date
    }
}
