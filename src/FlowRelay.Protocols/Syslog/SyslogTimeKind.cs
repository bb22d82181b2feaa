namespace FlowRelay.Protocols.Syslog;

/// <summary>How much the message said about its own time.</summary>
public enum SyslogTimeKind : byte
{
    /// <summary>No timestamp (RFC 5424 NILVALUE, or a 3164 message without one).</summary>
    None = 0,
    /// <summary>A wall-clock time without a zone (RFC 3164); read in the assumed offset given to the parser.</summary>
    Local,
    /// <summary>A time with a zone offset or 'Z', so the instant is exact.</summary>
    Zoned,
}
