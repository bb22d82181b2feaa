using FlowRelay.Engine.Dns;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Events;

/// <summary>
/// One DNS query as the pipeline carries it: the parsed log record plus where and when it was
/// seen (the syslog header or file it came from, the arrival time) and the question name split by
/// the Public Suffix List. A mutable struct like <see cref="FlowEvent"/>; build with <see cref="Create"/>.
/// </summary>
public struct DnsEvent : FlowRelay.Engine.Rules.IRuleEvent<DnsEvent>
{
    /// <inheritdoc />
    public static FlowRelay.Engine.Rules.Fields.FieldTable<DnsEvent> Fields => FlowRelay.Engine.Rules.Fields.DnsEventFields.Table;

    /// <summary>Event time of a query: its log time (see <see cref="Create"/>).</summary>
    public static long EventTime(in DnsEvent e) => e.TimestampNs != 0 ? e.TimestampNs : e.ReceivedNs;

    /// <inheritdoc />
    public static string? Sample(in DnsEvent e) => e.Query.QueryName is { Length: > 0 } n ? $"{n} {e.Query.QueryTypeName}".TrimEnd() : null;

    /// <inheritdoc />
    public static string[] AlertFields { get; } = ["source.ip", "dns.question.name", "dns.question.type", "dns.question.registered_domain", "dns.response_code", "server.ip"];

    /// <inheritdoc />
    public static string DefaultHostField => "source.ip";

    /// <inheritdoc />
    public static string SampleKind => "dns_question";

    /// <inheritdoc />
    public static void MarkExcluded(ref DnsEvent e, string filter) => e.ExcludedBy ??= filter;

    /// <summary>
    /// The question name's shape (length, labels, subdomain entropy, encoding), computed once in
    /// <see cref="Create"/> for the rules and the documents; default when the event was built otherwise.
    /// </summary>
    public FlowRelay.Engine.Enrich.DnsNameFeatures NameFeatures;

    /// <summary>The question name's shape: <see cref="NameFeatures"/> when <see cref="Create"/> computed it, else computed now (events built another way, as in tests).</summary>
    public readonly FlowRelay.Engine.Enrich.DnsNameFeatures Features =>
        NameFeatures.Length > 0 || string.IsNullOrEmpty(Query.QueryName) ? NameFeatures : ComputeNameFeatures();

    private readonly FlowRelay.Engine.Enrich.DnsNameFeatures ComputeNameFeatures()
    {
        var name = (Query.QueryName ?? "").AsSpan();
        return FlowRelay.Engine.Enrich.DnsNameFeatures.Compute(name, RegisteredStart > 0 ? name[..(RegisteredStart - 1)] : ReadOnlySpan<char>.Empty);
    }

    /// <summary>The Sigma filter (name, else id) that removed this query from a rule it matched (<c>flowrelay.excluded_by</c>), or null.</summary>
    public string? ExcludedBy;

    /// <summary>The query as the resolver logged it; <see cref="DnsQueryRecord.QueryName"/> is the normalised ASCII name.</summary>
    public DnsQueryRecord Query;

    /// <summary>Event time (Unix ns): the log's own time, see <see cref="Create"/>.</summary>
    public long TimestampNs;

    /// <summary>When the relay received the message or read the line (Unix ns).</summary>
    public long ReceivedNs;

    /// <summary>The address the log came from (the syslog sender); unset for file input.</summary>
    public IpAddr Observer;

    /// <summary>The resolver's host name (syslog HOSTNAME), null when not sent.</summary>
    public string? ObserverHostname;

    /// <summary>The program that logged (syslog APP-NAME / TAG), null when not sent.</summary>
    public string? AppName;

    /// <summary>The input the event came through (listener such as <c>udp:0.0.0.0:514</c>, or a file path).</summary>
    public string? Input;

    /// <summary>The question name's Unicode form when it is an IDN, else null.</summary>
    public string? NameUnicode;

    /// <summary>Index in the name where the public suffix (ECS top_level_domain) starts, -1 when unknown.</summary>
    public int SuffixStart;

    /// <summary>Index in the name where the registered domain starts, -1 when the name is a public suffix or unknown.</summary>
    public int RegisteredStart;

    /// <summary>The registered domain (allocates), or null.</summary>
    public readonly string? RegisteredDomain => RegisteredStart >= 0 ? Query.QueryName[RegisteredStart..] : null;

    /// <summary>
    /// Builds an event. Event time is the most exact of the times available: a zoned time (the
    /// log line's or, failing that, the syslog header's) over a zone-less one, the syslog
    /// header's over the line's when both are zone-less, and the arrival time when neither exists.
    /// </summary>
    public static DnsEvent Create(in DnsQueryRecord record, long headerTimeNs, bool headerZoned, long receivedNs, PublicSuffixList? suffixes)
    {
        var e = new DnsEvent { Query = record, ReceivedNs = receivedNs, SuffixStart = -1, RegisteredStart = -1 };
        long lineNs = record.TimestampUnixNs;
        if (lineNs != 0 && record.TimestampHasZone) e.TimestampNs = lineNs;
        else if (headerTimeNs != 0 && headerZoned) e.TimestampNs = headerTimeNs;
        else if (headerTimeNs != 0) e.TimestampNs = headerTimeNs;
        else if (lineNs != 0) e.TimestampNs = lineNs;
        else e.TimestampNs = receivedNs;

        e.Query.QueryName = DnsQuestionName.Normalize(record.QueryName ?? "", out e.NameUnicode);
        if (suffixes is not null && suffixes.TrySplit(e.Query.QueryName, out int suffix, out int registered))
        {
            e.SuffixStart = suffix;
            e.RegisteredStart = registered;
        }
        e.NameFeatures = e.ComputeNameFeatures();
        return e;
    }
}
