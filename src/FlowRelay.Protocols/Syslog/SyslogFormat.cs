namespace FlowRelay.Protocols.Syslog;

/// <summary>Which header layout a syslog message was parsed as.</summary>
public enum SyslogFormat : byte
{
    /// <summary>Not parsed.</summary>
    Unknown = 0,
    /// <summary>RFC 5424: <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]</c>.</summary>
    Rfc5424,
    /// <summary>RFC 3164 (BSD syslog) and its vendor variants: <c>&lt;PRI&gt;Mmm dd hh:mm:ss HOST TAG[PID]: MSG</c>.</summary>
    Rfc3164,
}
