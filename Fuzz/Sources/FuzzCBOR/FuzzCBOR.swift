import CBOR

/// `fuzz-cbor`: the input is bytes as they come from etcd, read by the `CBOR` module every way
/// headnet reads them: one item (`CBOR.decode`), a sequence (`CBOR.decodeSequence`), Hydra's
/// batch walk (`beginIndefiniteArray`, items until `atBreak`, `readBreak`), a shallow nesting
/// bound, and the text as hex (`Hex.decode`).
///
/// Besides not crashing, it checks: every `CBORError`'s offset lies in the input; an item that
/// decodes encodes to bytes that decode to an item with the same encoding; hex round-trips.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    oneItem(bytes)
    sequence(bytes)
    batchWalk(bytes)
    hex(bytes)
    return 0
}

/// Stops the run with the input in hex, so that the report alone reproduces it.
func fail(_ what: String, _ bytes: [UInt8]) -> Never {
    fatalError("\(what); input \(Hex.encode(bytes))")
}

/// An error must point into the input (or at its end).
func checkOffset(_ error: CBORError, _ bytes: [UInt8]) {
    guard (0...bytes.count).contains(error.offset) else { fail("error offset \(error.offset) outside the input: \(error)", bytes) }
    guard !error.description.isEmpty else { fail("an error without a description", bytes) }
}

/// The encoding of `item` decodes, and to an item with the same encoding.
func checkReencodes(_ item: CBOR, _ bytes: [UInt8]) {
    let encoded = item.encoded
    let again: CBOR
    do throws(CBORError) {
        again = try CBOR.decode(encoded)
    } catch {
        fail("the encoding \(Hex.encode(encoded)) of a decoded item does not decode: \(error)", bytes)
    }
    guard again.encoded == encoded else {
        fail("re-encoding is not stable: \(Hex.encode(encoded)) then \(Hex.encode(again.encoded))", bytes)
    }
}

func oneItem(_ bytes: [UInt8]) {
    do throws(CBORError) {
        let item = try CBOR.decode(bytes)
        checkReencodes(item, bytes)
        // The accessors headnet's readers use.
        _ = (item.intValue, item.uint64Value, item.stringValue, item.bytesValue, item.arrayValue, item.mapValue)
    } catch {
        checkOffset(error, bytes)
    }
    // A shallow bound fails cleanly where the default one does not.
    do throws(CBORError) {
        _ = try CBOR.decode(bytes, maxDepth: 2)
    } catch {
        checkOffset(error, bytes)
    }
}

func sequence(_ bytes: [UInt8]) {
    do throws(CBORError) {
        let items = try CBOR.decodeSequence(bytes)
        var encoder = CBOREncoder()
        encoder.append(contentsOf: items)
        guard let again = try? CBOR.decodeSequence(encoder.bytes), again.count == items.count else {
            fail("the encoding of a decoded sequence does not decode to as many items", bytes)
        }
    } catch {
        checkOffset(error, bytes)
    }
}

/// As `BroadcastBatch.decode` walks a `msg-` value, one item at a time.
func batchWalk(_ bytes: [UInt8]) {
    var decoder = CBORDecoder(bytes)
    do throws(CBORError) {
        try decoder.beginIndefiniteArray()
        while !decoder.atBreak {
            guard !decoder.isAtEnd else { return }
            let before = decoder.offset
            _ = try decoder.decodeNext()
            guard decoder.offset > before else { fail("decodeNext read nothing", bytes) }
        }
        try decoder.readBreak()
        _ = decoder.remaining
    } catch {
        checkOffset(error, bytes)
    }
    var typed = CBORDecoder(bytes)
    do throws(CBORError) {
        _ = try typed.decodeText()
        _ = try typed.decodeUnsigned()
    } catch {
        checkOffset(error, bytes)
    }
}

/// Hex of the first 64 bytes (hex is read only from test fixtures and traces; more bytes only
/// slow the run).
func hex(_ input: [UInt8]) {
    let bytes = Array(input.prefix(64))
    let text = String(decoding: bytes, as: UTF8.self)
    if let decoded = Hex.decode(text) {
        guard Hex.encode(decoded) == text.lowercased() else { fail("hex does not round-trip", input) }
    }
    guard Hex.decode(Hex.encode(bytes)) == bytes else { fail("hex of the input does not decode to it", input) }
}
