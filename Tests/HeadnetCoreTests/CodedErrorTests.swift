import HeadnetCore
import Testing

/// The text every module's error prints unless it says more.
@Suite struct CodedErrorTests {
    /// The smallest conforming error: a code, a message, a cause.
    struct SampleError: CodedError {
        enum Code: String { case io }
        var code: Code = .io
        var message: String
        var cause: (any Error)?
    }

    @Test func theDescriptionIsTheMessageWithoutACause() {
        let error = SampleError(message: "cannot read node.pid; is the node running?")
        #expect(error.description == "cannot read node.pid; is the node running?")
        #expect("\(error)" == error.description)
    }

    @Test func theDescriptionSaysTheCauseOnceAfterTheMessage() {
        let cause = SampleError(message: "No such file or directory")
        let error = SampleError(message: "cannot read node.pid", cause: cause)
        #expect(error.description == "cannot read node.pid (No such file or directory)")
        #expect(error.messageAndCause == error.description)
        #expect(String(describing: error as any Error) == "cannot read node.pid (No such file or directory)")
    }
}
