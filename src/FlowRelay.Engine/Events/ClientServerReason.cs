namespace FlowRelay.Engine.Events;

/// <summary>
/// Why the client/server enricher decided which side started the conversation, in the order the
/// rules are tried (see <c>ClientServerEnricher</c>); emitted as <c>flowrelay.client_server.reason</c>.
/// </summary>
public enum ClientServerReason : byte
{
    /// <summary>Not decided (no enricher ran, or no addresses).</summary>
    None = 0,

    /// <summary>The reverse record was seen within the pair window and started later: the earlier sender is the client.</summary>
    PairedStartTime,

    /// <summary>One direction carries SYN without ACK: that sender opened the TCP connection.</summary>
    TcpSyn,

    /// <summary>ICMP request/reply type: the sender of the request is the client.</summary>
    IcmpType,

    /// <summary>Exactly one side uses a well-known (&lt;1024) or configured service port: that side is the server.</summary>
    ServicePort,

    /// <summary>The lower of two different ports is the server's.</summary>
    LowerPort,

    /// <summary>Nothing else decided: the sender of a lone record is taken as the client (its first packet started the record).</summary>
    StartTime,
}
