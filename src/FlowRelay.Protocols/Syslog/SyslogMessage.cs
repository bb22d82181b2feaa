namespace FlowRelay.Protocols.Syslog;

/// <summary>
/// One parsed syslog message. Every text field is a slice of the input (nothing is copied), so
/// the message is only valid while the input buffer is. Absent fields (RFC 5424 NILVALUE '-')
/// are empty spans.
/// </summary>
public ref struct SyslogMessage
{
    /// <summary>The header layout the message was parsed as.</summary>
    public SyslogFormat Format { get; internal set; }

    /// <summary>True when the message started with a PRI; otherwise facility/severity are the RFC 3164 §4.3.3 default user.notice.</summary>
    public bool HasPri { get; internal set; }

    /// <summary>Facility, 0-23 (RFC 5424 §6.2.1: PRI / 8).</summary>
    public int Facility { get; internal set; }

    /// <summary>Severity, 0 (emergency) - 7 (debug) (RFC 5424 §6.2.1: PRI % 8).</summary>
    public int Severity { get; internal set; }

    /// <summary>RFC 5424 VERSION (1), or 0 for RFC 3164.</summary>
    public int Version { get; internal set; }

    /// <summary>The message's own time in Unix nanoseconds; 0 when <see cref="TimeKind"/> is None.</summary>
    public long TimestampUnixNs { get; internal set; }

    /// <summary>Whether the timestamp carried a zone.</summary>
    public SyslogTimeKind TimeKind { get; internal set; }

    /// <summary>True when the timestamp carried a zone offset, so <see cref="TimestampUnixNs"/> is exact.</summary>
    public readonly bool ZoneKnown => TimeKind == SyslogTimeKind.Zoned;

    /// <summary>HOSTNAME; empty when NILVALUE or (RFC 3164 variants) not sent.</summary>
    public ReadOnlySpan<byte> Hostname { get; internal set; }

    /// <summary>APP-NAME (RFC 5424) or TAG (RFC 3164).</summary>
    public ReadOnlySpan<byte> AppName { get; internal set; }

    /// <summary>PROCID (RFC 5424) or the pid in <c>tag[pid]:</c> (RFC 3164).</summary>
    public ReadOnlySpan<byte> ProcId { get; internal set; }

    /// <summary>MSGID (RFC 5424 only).</summary>
    public ReadOnlySpan<byte> MsgId { get; internal set; }

    /// <summary>The whole STRUCTURED-DATA text, brackets included (escapes not undone); read it with <see cref="StructuredDataReader"/>.</summary>
    public ReadOnlySpan<byte> StructuredData { get; internal set; }

    /// <summary>MSG (RFC 5424) or CONTENT (RFC 3164), without a UTF-8 BOM and without trailing CR/LF/NUL.</summary>
    public ReadOnlySpan<byte> Message { get; internal set; }

    /// <summary>True when MSG started with the UTF-8 BOM (RFC 5424 §6.4: MSG-UTF8).</summary>
    public bool HasBom { get; internal set; }
}
