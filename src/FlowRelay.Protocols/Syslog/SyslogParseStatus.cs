namespace FlowRelay.Protocols.Syslog;

/// <summary>Why a syslog message could not be parsed. <see cref="Ok"/> when it could.</summary>
public enum SyslogParseStatus : byte
{
    Ok = 0,
    /// <summary>No bytes (or only whitespace).</summary>
    Empty,
    /// <summary>A '&lt;' starts the message but no valid PRI (1-3 digits, at most 191, then '&gt;') follows.</summary>
    BadPri,
    /// <summary>RFC 5424 VERSION is not 1.</summary>
    UnsupportedVersion,
    /// <summary>An RFC 5424 TIMESTAMP that is not NILVALUE and not a valid RFC 3339 date-time.</summary>
    BadTimestamp,
    /// <summary>An RFC 5424 header field is missing or empty (message ends inside the header).</summary>
    BadHeader,
    /// <summary>RFC 5424 STRUCTURED-DATA is malformed (unclosed element, bad parameter, missing quote).</summary>
    BadStructuredData,
}
