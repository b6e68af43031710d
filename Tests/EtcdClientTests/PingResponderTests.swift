import NIOCore
import NIOEmbedded
import Testing

@testable import EtcdClient

/// The PING responder on raw HTTP/2 bytes, without a network.
@Suite struct PingResponderTests {
    private func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags]
            + [UInt8(stream >> 24 & 0xff), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)]
            + payload
    }

    private func drainInbound(_ channel: EmbeddedChannel) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while var buffer = try channel.readInbound(as: ByteBuffer.self) {
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        return bytes
    }

    private func drainOutbound(_ channel: EmbeddedChannel) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        return bytes
    }

    @Test func answersPingsAndForwardsEverythingElseByteForByte() throws {
        let channel = EmbeddedChannel(handler: PingResponder())
        let settings = frame(type: 0x4, flags: 0, stream: 0, payload: [0, 3, 0, 0, 0, 100])
        let ping = frame(type: 0x6, flags: 0, stream: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8])
        let pingAck = frame(type: 0x6, flags: 0x1, stream: 0, payload: [9, 9, 9, 9, 9, 9, 9, 9])
        let data = frame(type: 0x0, flags: 0x1, stream: 1, payload: Array(repeating: 0xab, count: 1000))
        let stream = settings + ping + data + pingAck + ping

        // Deliver the bytes in awkward pieces: splits inside headers and payloads.
        var offset = 0
        var step = 1
        while offset < stream.count {
            let end = min(stream.count, offset + step)
            try channel.writeInbound(ByteBuffer(bytes: stream[offset..<end]))
            offset = end
            step = step % 13 + 3
        }
        #expect(try drainInbound(channel) == settings + data + pingAck)
        let ack = frame(type: 0x6, flags: 0x1, stream: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try drainOutbound(channel) == ack + ack)
        _ = try channel.finish()
    }

    @Test func manyPingsInOneReadAreAllAnswered() throws {
        let channel = EmbeddedChannel(handler: PingResponder())
        var bytes: [UInt8] = []
        for i in 0..<500 { bytes += frame(type: 0x6, flags: 0, stream: 0, payload: [UInt8(i % 256), 0, 0, 0, 0, 0, 0, 1]) }
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        #expect(try drainInbound(channel).isEmpty)
        #expect(try drainOutbound(channel).count == 500 * 17)
        _ = try channel.finish()
    }
}
