import GRPCCore
import Testing

@testable import EtcdClient

/// How gRPC errors from etcd map to ``EtcdError`` codes.
@Suite struct EtcdErrorTests {
    @Test func aLearnersRefusalIsItsOwnTransientCodeWhateverTheGRPCCode() {
        // etcd 3.4 answers unavailable, later versions failed precondition.
        for code in [RPCError.Code.unavailable, .failedPrecondition] {
            let error = EtcdError.from(RPCError(code: code, message: "etcdserver: rpc not supported for learner"), operation: "put", endpoint: "e")
            #expect(error.code == .learner)
            #expect(error.isTransient)
            #expect(error.message.contains("learner until it is promoted"))
        }
        let notReady = EtcdError.from(
            RPCError(code: .failedPrecondition, message: "etcdserver: can only promote a learner member which is in sync with leader"),
            operation: "memberPromote", endpoint: nil)
        #expect(notReady.code == .membership && !notReady.isTransient)
    }
}
