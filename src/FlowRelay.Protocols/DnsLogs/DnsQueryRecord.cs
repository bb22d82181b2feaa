using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// One DNS query as a resolver's log tells it. A mutable struct with public fields, like
/// <see cref="FlowRecord"/>: parsers fill what their format has and leave the rest at the
/// "absent" values documented per field. Call <see cref="Clear"/> (or assign <c>default</c> and
/// then <see cref="Clear"/>) before reuse.
/// </summary>
public struct DnsQueryRecord
{
    /// <summary>Most answers kept per query; the rest are counted in <see cref="AnswersDropped"/>.</summary>
    public const int MaxAnswers = 16;

    /// <summary>The format the line was read as.</summary>
    public DnsLogFormat Format;

    /// <summary>The log line's own time (Unix ns), 0 when the line has none (e.g. a syslog body: use the syslog header's).</summary>
    public long TimestampUnixNs;

    /// <summary>True when <see cref="TimestampUnixNs"/> came with a zone (BIND file times, Unbound epoch, Zeek ts); false for local wall-clock times.</summary>
    public bool TimestampHasZone;

    /// <summary>The client that asked.</summary>
    public IpAddr ClientIp;

    /// <summary>Client source port, 0 when not logged.</summary>
    public ushort ClientPort;

    /// <summary>QNAME: ASCII lower-cased, trailing dot dropped, otherwise as logged (escapes, punycode kept). "" for the root.</summary>
    public string QueryName;

    /// <summary>QTYPE number (RFC 1035 §3.2.2, IANA registry), 0 when unknown.</summary>
    public ushort QueryType;

    /// <summary>QTYPE mnemonic as logged or known (A, AAAA, TXT, NULL, TYPE65534 ...).</summary>
    public string? QueryTypeName;

    /// <summary>QCLASS number, 0 when not logged.</summary>
    public ushort QueryClass;

    /// <summary>QCLASS mnemonic (IN, CH ...), null when not logged.</summary>
    public string? QueryClassName;

    /// <summary>RCODE (RFC 1035 §4.1.1, RFC 6895), -1 when the log does not say.</summary>
    public int ResponseCode;

    /// <summary>RCODE mnemonic (NOERROR, NXDOMAIN ...), null when unknown.</summary>
    public string? ResponseCodeName;

    /// <summary>Answer data as logged (addresses, names, TXT text), at most <see cref="MaxAnswers"/>; null when none.</summary>
    public List<string>? Answers;

    /// <summary>Answers beyond <see cref="MaxAnswers"/> not kept.</summary>
    public int AnswersDropped;

    /// <summary>Answers that are IP addresses, parsed; null when none.</summary>
    public List<IpAddr>? ResolvedIps;

    /// <summary>The server that answered (BIND's listening address, the resolver itself); unset when not logged.</summary>
    public IpAddr Server;

    /// <summary>Server port, 0 when not logged.</summary>
    public ushort ServerPort;

    /// <summary>Where the query was forwarded (dnsmasq 'forwarded ... to'); unset when not.</summary>
    public IpAddr Upstream;

    /// <summary>BIND view name, null when the default view.</summary>
    public string? View;

    /// <summary>dnsmasq extra serial, -1 when absent.</summary>
    public long Serial;

    /// <summary>DNS message ID (Zeek trans_id), -1 when absent.</summary>
    public int QueryId;

    /// <summary>Zeek connection uid, null otherwise.</summary>
    public string? Uid;

    /// <summary>Transport ("udp"/"tcp") when the log says.</summary>
    public string? Transport;

    /// <summary>Flags as far as logged.</summary>
    public DnsQueryFlags Flags;

    /// <summary>Time to answer in ns (Unbound, Zeek rtt), -1 when absent.</summary>
    public long DurationNs;

    /// <summary>Response size in bytes (Unbound), -1 when absent.</summary>
    public int ResponseBytes;

    /// <summary>Resets every field to "absent".</summary>
    public void Clear()
    {
        this = default;
        QueryName = "";
        ResponseCode = -1;
        Serial = -1;
        QueryId = -1;
        DurationNs = -1;
        ResponseBytes = -1;
    }

    /// <summary>A record with every field "absent".</summary>
    public static DnsQueryRecord Empty()
    {
        var r = default(DnsQueryRecord);
        r.Clear();
        return r;
    }

    /// <summary>Adds an answer, keeping at most <see cref="MaxAnswers"/>; IP-looking answers also go to <see cref="ResolvedIps"/>.</summary>
    public void AddAnswer(string answer)
    {
        if ((Answers?.Count ?? 0) >= MaxAnswers)
        {
            AnswersDropped++;
            return;
        }
        (Answers ??= new List<string>(2)).Add(answer);
        if (DnsText.TryParseIp(answer.AsSpan(), out var ip))
            (ResolvedIps ??= new List<IpAddr>(2)).Add(ip);
    }

    /// <summary>Sets the response code from its number.</summary>
    public void SetResponseCode(int code)
    {
        ResponseCode = code;
        ResponseCodeName = DnsNames.ResponseCodeName(code);
    }
}
