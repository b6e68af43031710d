/// What a decision of the component's state machines asks the caller to do besides etcd calls:
/// write a trace entry, or tell the application about an event.
public enum ComponentAction: Sendable, Equatable {
    /// Write this trace entry.
    case trace(EtcdLog)
    /// Emit this network event (it is traced too).
    case emit(NetworkEvent)
}
