namespace FlowRelay.Protocols.Syslog;

/// <summary>RFC 6587 §3.4 framing of syslog over a TCP stream.</summary>
public enum SyslogFraming : byte
{
    /// <summary>Not yet known: no byte of the stream seen.</summary>
    Unknown = 0,
    /// <summary>RFC 6587 §3.4.1: <c>MSG-LEN SP SYSLOG-MSG</c>, told by a leading digit.</summary>
    OctetCounting,
    /// <summary>RFC 6587 §3.4.2: messages ended by LF (or NUL), told by a leading '&lt;' or anything else.</summary>
    NonTransparent,
}
