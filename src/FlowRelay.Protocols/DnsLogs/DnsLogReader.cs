namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// Turns one input's DNS log lines into <see cref="DnsQueryRecord"/>s, one per query, whatever
/// the format: it holds the state some formats need (the dnsmasq joiner, the Zeek TSV header),
/// detects the format from the first recognisable line when none is configured, and keeps one
/// of Unbound's two lines per query (the reply when <c>log-replies</c> is on). One per input;
/// not thread-safe. Never throws on bad lines: the status says what happened.
/// </summary>
public sealed class DnsLogReader
{
    private readonly ZeekDnsTsvReader _tsv = new();
    private readonly DnsmasqQueryJoiner _joiner;
    // Unbound logs a query line and, with log-replies, a reply line for the same query. Once a
    // reply line is seen, query lines are dropped so each query gives one record.
    private bool _unboundRepliesSeen;
    // Until the first reply line shows whether log-replies is on, the latest query line waits
    // here: a matching reply replaces it, anything else lets it out.
    private DnsQueryRecord? _heldUnboundQuery;

    /// <summary>Reads <paramref name="format"/> (Unknown = detect).</summary>
    public DnsLogReader(DnsLogFormat format = DnsLogFormat.Unknown, DnsmasqQueryJoiner? joiner = null)
    {
        Format = format;
        _joiner = joiner ?? new DnsmasqQueryJoiner();
    }

    /// <summary>The format in use (Unknown until detected).</summary>
    public DnsLogFormat Format { get; private set; }

    /// <summary>The dnsmasq joiner (its counters).</summary>
    public DnsmasqQueryJoiner Joiner => _joiner;

    /// <summary>Lines per status.</summary>
    public long[] Counts { get; } = new long[Enum.GetValues<DnsLogParseStatus>().Length];

    /// <summary>
    /// Reads one line seen at <paramref name="nowNs"/>; records completed by it are added to
    /// <paramref name="output"/> (dnsmasq records come out when their answers are complete).
    /// </summary>
    public DnsLogParseStatus Read(ReadOnlySpan<byte> line, long nowNs, ICollection<DnsQueryRecord> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Format == DnsLogFormat.Unknown) Format = DnsLogFormatDetector.Detect(line);
        var status = ReadAs(line, nowNs, output);
        Counts[(int)status]++;
        return status;
    }

    /// <summary>Emits records still waiting (dnsmasq queries without a reply yet, a held Unbound query) at end of input.</summary>
    public void Flush(ICollection<DnsQueryRecord> output)
    {
        if (_heldUnboundQuery is { } held) output.Add(held);
        _heldUnboundQuery = null;
        _joiner.Flush(output);
    }

    private DnsLogParseStatus ReadAs(ReadOnlySpan<byte> line, long nowNs, ICollection<DnsQueryRecord> output)
    {
        DnsLogParseStatus s;
        DnsQueryRecord r;
        switch (Format)
        {
            case DnsLogFormat.Bind:
                s = BindQueryLogParser.Parse(line, out r);
                break;
            case DnsLogFormat.Unbound:
                s = UnboundLogParser.Parse(line, nowNs, out r, out bool reply);
                if (s != DnsLogParseStatus.Ok) return s;
                if (_heldUnboundQuery is { } held)
                {
                    _heldUnboundQuery = null;
                    bool same = reply && held.ClientIp == r.ClientIp && held.QueryName == r.QueryName && held.QueryType == r.QueryType;
                    if (!same) output.Add(held);
                }
                if (reply) _unboundRepliesSeen = true;
                else if (_unboundRepliesSeen) return DnsLogParseStatus.NotAQuery;
                else
                {
                    _heldUnboundQuery = r;
                    return s;
                }
                break;
            case DnsLogFormat.ZeekJson:
                s = ZeekDnsJsonParser.Parse(line, out r);
                break;
            case DnsLogFormat.ZeekTsv:
                s = _tsv.Read(line, out r);
                break;
            case DnsLogFormat.Dnsmasq:
                s = DnsmasqLogParser.Parse(line, nowNs, out var dl);
                if (s == DnsLogParseStatus.Ok) _joiner.Add(dl, nowNs, output);
                else _joiner.Expire(nowNs, output);
                return s;
            default:
                return line.IsEmpty ? DnsLogParseStatus.Empty : DnsLogParseStatus.WrongFormat;
        }
        if (s == DnsLogParseStatus.Ok) output.Add(r);
        return s;
    }
}
