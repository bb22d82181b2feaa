using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Writes a <see cref="DnsEvent"/> as one ECS document (data stream <c>logs-flowrelay.dns-*</c>):
/// <c>dns.*</c> as ECS defines it (question split by the Public Suffix List, answers as objects,
/// header flags), the client as <c>source.*</c>, the resolver as <c>destination.*</c> (where
/// logged) and as <c>observer.*</c>/<c>host.*</c> (the machine that sent the log). What ECS lacks
/// goes under <c>flowrelay.dns.*</c>.
/// <para>
/// Written as bytes like <see cref="FlowDocumentWriter"/> (<see cref="JsonBytes"/>): constant runs as
/// single literals, numbers, addresses and times formatted in place, strings escaped as
/// <see cref="Utf8JsonWriter"/> escapes them. The output is byte for byte what the
/// <see cref="Utf8JsonWriter"/> version of this class wrote (pinned by DnsDocumentGoldenTests), and
/// writing a document allocates nothing; only names of IDNs and answers were allocated earlier, when parsed.
/// </para>
/// </summary>
public static class DnsDocumentWriter
{
    /// <summary>The constant run after <c>@timestamp</c>, up to <c>event.created</c>.</summary>
    private static ReadOnlySpan<byte> EventMembers =>
        "\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"protocol\"],\"dataset\":\"flowrelay.dns\",\"module\":\"flowrelay\""u8;

    /// <summary>The log format's product name, quoted, by <see cref="DnsLogFormat"/> (out of range: unknown).</summary>
    private static readonly byte[][] FormatNames = [.. new[] { "unknown", "bind", "dnsmasq", "unbound", "zeek", "zeek" }.Select(n => System.Text.Encoding.ASCII.GetBytes("\"" + n + "\""))];

    // ECS dns.header_flags: AA, TC, RD, RA, AD, CD, DO.
    private static readonly (DnsQueryFlags Flag, byte[] Name)[] Flags =
    [
        (DnsQueryFlags.Authoritative, "\"AA\""u8.ToArray()),
        (DnsQueryFlags.Truncated, "\"TC\""u8.ToArray()),
        (DnsQueryFlags.RecursionDesired, "\"RD\""u8.ToArray()),
        (DnsQueryFlags.RecursionAvailable, "\"RA\""u8.ToArray()),
        (DnsQueryFlags.CheckingDisabled, "\"CD\""u8.ToArray()),
        (DnsQueryFlags.DnssecOk, "\"DO\""u8.ToArray()),
    ];

    private const DnsQueryFlags HeaderFlagMask = DnsQueryFlags.Authoritative | DnsQueryFlags.Truncated | DnsQueryFlags.RecursionDesired
        | DnsQueryFlags.RecursionAvailable | DnsQueryFlags.CheckingDisabled | DnsQueryFlags.DnssecOk;

    /// <summary>
    /// The most a document takes without its strings and addresses lists: every optional member present
    /// with its longest value. DnsDocumentBytesTests checks the largest such document against it.
    /// </summary>
    internal const int MaxFixedLength = 2048;

    private const int IpBuffer = 48, DateBuffer = 40;

    /// <summary>
    /// Writes one document (a complete JSON object) to <paramref name="output"/>, strings escaped as
    /// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> escapes them: what the NDJSON and
    /// Elasticsearch outputs write.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, in DnsEvent dnsEvent) => Write(output, dnsEvent, relaxed: true);

    /// <summary>Writes one document (a complete JSON object) to <paramref name="writer"/> as that writer would write it token by token.</summary>
    public static void Write(Utf8JsonWriter writer, in DnsEvent dnsEvent) => JsonRewriter.WriteTo(writer, dnsEvent, Bytes);

    private static readonly DocumentBytes<DnsEvent> Bytes = static (IBufferWriter<byte> output, in DnsEvent e, bool relaxed) => Write(output, e, relaxed);

    private static void Write(IBufferWriter<byte> output, in DnsEvent dnsEvent, bool relaxed)
    {
        Span<byte> buffer = output.GetSpan(MaxLength(dnsEvent));
        output.Advance(Write(buffer, dnsEvent, relaxed));
    }

    /// <summary>An upper bound of the document's length: the fixed part, the strings escaped at worst, the addresses.</summary>
    private static int MaxLength(in DnsEvent e)
    {
        ref readonly DnsQueryRecord q = ref e.Query;
        int strings = 5 * Length(q.QueryName) + 4 * Length(e.ObserverHostname) + Length(q.QueryTypeName) + Length(q.QueryClassName)
            + Length(q.ResponseCodeName) + Length(e.AppName) + Length(e.Input) + Length(e.NameUnicode) + Length(q.View) + Length(q.Uid)
            + Length(e.ExcludedBy);
        int answers = 0;
        if (q.Answers is { } list)
        {
            foreach (string data in list) answers += JsonBytes.MaxQuoted(data.Length) + "{\"data\":,\"type\":\"AAAA\"},"u8.Length;
        }
        int ips = 2 * (IpBuffer + 3) * (q.ResolvedIps?.Count ?? 0);
        return MaxFixedLength + 6 * strings + answers + ips;

        static int Length(string? s) => s is null ? 0 : s.Length + 1; // +1: the quotes of an empty string
    }

    // The stack buffers are only read as far as they were written.
    [SkipLocalsInit]
    private static int Write(Span<byte> buffer, in DnsEvent dnsEvent, bool relaxed)
    {
        ref readonly DnsQueryRecord q = ref dnsEvent.Query;
        string name = q.QueryName ?? "";
        bool answered = q.ResponseCode >= 0 || q.Answers is { Count: > 0 };
        Span<byte> scratch = stackalloc byte[Math.Max(IpBuffer, DateBuffer)];

        var j = new JsonBytes(buffer, relaxed);
        j.Raw((byte)'{');
        Text(ref j, "\"@timestamp\":"u8, scratch[..Iso8601.Format(dnsEvent.TimestampNs, scratch)]);

        j.Members(EventMembers);
        Text(ref j, "\"created\":"u8, scratch[..Iso8601.Format(dnsEvent.ReceivedNs, scratch)]);
        if (q.DurationNs >= 0)
        {
            j.Name("\"duration\":"u8);
            j.Number(q.DurationNs);
        }
        if (q.ResponseCode >= 0) j.Members(q.ResponseCode == 0 ? "\"outcome\":\"success\""u8 : "\"outcome\":\"failure\""u8);
        j.End();

        j.Name("\"dns\":{"u8);
        j.Members(answered ? "\"type\":\"answer\""u8 : "\"type\":\"query\""u8);
        if (q.QueryId >= 0)
        {
            j.Name("\"id\":"u8);
            j.QuotedDigits((ulong)q.QueryId);
        }
        j.Name("\"question\":{\"name\":"u8);
        j.String(name);
        if (q.QueryTypeName is not null)
        {
            j.Name("\"type\":"u8);
            j.String(q.QueryTypeName);
        }
        if (q.QueryClassName is not null)
        {
            j.Name("\"class\":"u8);
            j.String(q.QueryClassName);
        }
        if (dnsEvent.SuffixStart >= 0 && dnsEvent.SuffixStart < name.Length)
        {
            j.Name("\"top_level_domain\":"u8);
            j.String(name.AsSpan(dnsEvent.SuffixStart));
            if (dnsEvent.RegisteredStart >= 0)
            {
                j.Name("\"registered_domain\":"u8);
                j.String(name.AsSpan(dnsEvent.RegisteredStart));
                // ECS: "all of the labels except the host name and the registered domain", without the joining dot.
                if (dnsEvent.RegisteredStart > 1)
                {
                    j.Name("\"subdomain\":"u8);
                    j.String(name.AsSpan(0, dnsEvent.RegisteredStart - 1));
                }
            }
        }
        j.End();
        if (q.ResponseCodeName is not null)
        {
            j.Name("\"response_code\":"u8);
            j.String(q.ResponseCodeName);
        }
        if ((q.Flags & HeaderFlagMask) != 0)
        {
            j.Name("\"header_flags\":["u8);
            foreach (var (flag, flagName) in Flags)
            {
                if ((q.Flags & flag) != 0) j.Members(flagName);
            }
            j.EndArray();
        }
        if (q.Answers is { Count: > 0 } answers)
        {
            j.Name("\"answers\":["u8);
            foreach (string data in answers)
            {
                j.Name("{\"data\":"u8);
                j.String(data);
                // The logs give answer data only; an address answer's type is known from its form.
                if (System.Net.IPAddress.IsValid(data.AsSpan())) j.Members(data.Contains(':') ? "\"type\":\"AAAA\""u8 : "\"type\":\"A\""u8);
                j.End();
            }
            j.EndArray();
        }
        if (q.ResolvedIps is { Count: > 0 } resolved)
        {
            j.Name("\"resolved_ip\":["u8);
            foreach (var ip in resolved) IpItem(ref j, ip, scratch);
            j.EndArray();
        }
        j.End();

        j.Members("\"network\":{\"protocol\":\"dns\""u8);
        ReadOnlySpan<byte> transport = TransportOf(q);
        if (transport.Length > 0) j.Members(transport);
        j.End();

        if (q.ClientIp.IsSet)
        {
            j.Name("\"source\":{"u8);
            Ip(ref j, "\"ip\":"u8, q.ClientIp, scratch);
            if (q.ClientPort != 0)
            {
                j.Name("\"port\":"u8);
                j.Number(q.ClientPort);
            }
            j.End();
        }
        if (q.Server.IsSet)
        {
            j.Name("\"destination\":{"u8);
            Ip(ref j, "\"ip\":"u8, q.Server, scratch);
            if (q.ServerPort != 0)
            {
                j.Name("\"port\":"u8);
                j.Number(q.ServerPort);
            }
            if (q.ResponseBytes >= 0)
            {
                j.Name("\"bytes\":"u8);
                j.Number(q.ResponseBytes);
            }
            j.End();
        }

        // The resolver that logged the query: the syslog sender's address and HOSTNAME.
        bool hasObserver = dnsEvent.Observer.IsSet || dnsEvent.ObserverHostname is not null;
        ReadOnlySpan<byte> product = FormatNames[(int)q.Format < FormatNames.Length ? (int)q.Format : 0];
        j.Name("\"observer\":{"u8);
        if (dnsEvent.Observer.IsSet) Ip(ref j, "\"ip\":"u8, dnsEvent.Observer, scratch);
        if (dnsEvent.ObserverHostname is not null)
        {
            j.Name("\"hostname\":"u8);
            j.String(dnsEvent.ObserverHostname);
        }
        j.Name("\"type\":\"dns\",\"product\":"u8);
        j.Literal(product);
        j.End();
        if (hasObserver)
        {
            j.Name("\"host\":{"u8);
            if (dnsEvent.ObserverHostname is not null)
            {
                j.Name("\"name\":"u8);
                j.String(dnsEvent.ObserverHostname);
                j.Name("\"hostname\":"u8);
                j.String(dnsEvent.ObserverHostname);
            }
            if (dnsEvent.Observer.IsSet)
            {
                j.Name("\"ip\":["u8);
                IpItem(ref j, dnsEvent.Observer, scratch);
                j.EndArray();
            }
            j.End();
        }
        if (dnsEvent.AppName is not null)
        {
            j.Name("\"log\":{\"syslog\":{\"appname\":"u8);
            j.String(dnsEvent.AppName);
            if (dnsEvent.ObserverHostname is not null)
            {
                j.Name("\"hostname\":"u8);
                j.String(dnsEvent.ObserverHostname);
            }
            j.End();
            j.End();
        }

        j.Name("\"related\":{"u8);
        if (q.ClientIp.IsSet || q.ResolvedIps is { Count: > 0 })
        {
            j.Name("\"ip\":["u8);
            if (q.ClientIp.IsSet) IpItem(ref j, q.ClientIp, scratch);
            if (q.ResolvedIps is { } ips)
            {
                foreach (var ip in ips)
                {
                    if (ip != q.ClientIp) IpItem(ref j, ip, scratch);
                }
            }
            j.EndArray();
        }
        if (name.Length > 0)
        {
            j.Name("\"hosts\":["u8);
            j.String(name);
            j.EndArray();
        }
        j.End();

        FlowRelayMembers(ref j, dnsEvent, product, scratch);
        j.End();
        return j.Length;
    }

    private static void FlowRelayMembers(ref JsonBytes j, in DnsEvent e, scoped ReadOnlySpan<byte> product, scoped Span<byte> scratch)
    {
        ref readonly DnsQueryRecord q = ref e.Query;
        j.Name("\"flowrelay\":{\"dns\":{\"format\":"u8);
        j.Literal(product);
        if (e.Input is not null)
        {
            j.Name("\"input\":"u8);
            j.String(e.Input);
        }
        if (e.NameUnicode is not null || q.QueryName is { Length: > 0 })
        {
            j.Name("\"question\":{"u8);
            if (e.NameUnicode is not null)
            {
                j.Name("\"name_unicode\":"u8);
                j.String(e.NameUnicode);
            }
            NameShape(ref j, e);
            j.End();
        }
        if (q.View is not null)
        {
            j.Name("\"view\":"u8);
            j.String(q.View);
        }
        if (q.Upstream.IsSet) Ip(ref j, "\"upstream\":"u8, q.Upstream, scratch);
        if (q.Serial >= 0)
        {
            j.Name("\"serial\":"u8);
            j.Number(q.Serial);
        }
        if (q.Uid is not null)
        {
            j.Name("\"uid\":"u8);
            j.String(q.Uid);
        }
        if (q.AnswersDropped > 0)
        {
            j.Name("\"answers_dropped\":"u8);
            j.Number(q.AnswersDropped);
        }
        if ((q.Flags & DnsQueryFlags.Cached) != 0) j.Members("\"cached\":true"u8);
        if ((q.Flags & DnsQueryFlags.LocalConfig) != 0) j.Members("\"local_config\":true"u8);
        if ((q.Flags & DnsQueryFlags.Edns) != 0) j.Members("\"edns\":true"u8);
        j.End();
        if (e.ExcludedBy is not null)
        {
            j.Name("\"excluded_by\":"u8);
            j.String(e.ExcludedBy);
        }
        j.End();
    }

    /// <summary>
    /// The question name's shape under <c>flowrelay.dns.question.*</c>, by the same names and the same
    /// computation (<see cref="FlowRelay.Engine.Enrich.DnsNameFeatures.Compute"/>) as the rules' DNS fields, each written when
    /// the rules' field has a value: <c>length</c>, <c>label_count</c>, <c>longest_label</c>,
    /// <c>subdomain_length</c> (when the registered domain is known), <c>subdomain_entropy</c> in bits
    /// per character to three decimals (the rules' <c>subdomain_entropy_millibits</c> / 1000; when the
    /// name has a subdomain) and <c>encoding</c> (hex, base32 or base64 when a subdomain label looks like one).
    /// </summary>
    private static void NameShape(ref JsonBytes j, in DnsEvent e)
    {
        ReadOnlySpan<char> name = e.Query.QueryName.AsSpan();
        if (name.IsEmpty) return;
        var f = e.Features;
        j.Name("\"length\":"u8);
        j.Number(name.Length);
        if (f.LabelCount > 0)
        {
            j.Name("\"label_count\":"u8);
            j.Number(f.LabelCount);
        }
        if (f.LongestLabelLength > 0)
        {
            j.Name("\"longest_label\":"u8);
            j.Number(f.LongestLabelLength);
        }
        if (e.RegisteredStart >= 0)
        {
            j.Name("\"subdomain_length\":"u8);
            j.Number(f.SubdomainLength);
        }
        if (e.RegisteredStart > 0)
        {
            j.Name("\"subdomain_entropy\":"u8);
            j.Thousandths(Math.Round(f.SubdomainEntropy * 1000));
        }
        if (f.LooksLikeHex) j.Members("\"encoding\":\"hex\""u8);
        else if (f.LooksLikeBase32) j.Members("\"encoding\":\"base32\""u8);
        else if (f.LooksLikeBase64) j.Members("\"encoding\":\"base64\""u8);
    }

    private static ReadOnlySpan<byte> TransportOf(in DnsQueryRecord q)
    {
        if ((q.Flags & DnsQueryFlags.Tcp) != 0) return "\"transport\":\"tcp\""u8;
        if (q.Transport is { } t)
        {
            if (t.Equals("tcp", StringComparison.OrdinalIgnoreCase)) return "\"transport\":\"tcp\""u8;
            if (t.Equals("udp", StringComparison.OrdinalIgnoreCase)) return "\"transport\":\"udp\""u8;
        }
        // BIND marks TCP queries with 'T' in the flags; without it the query came over UDP.
        return q.Format == DnsLogFormat.Bind ? "\"transport\":\"udp\""u8 : default;
    }

    /// <summary>A string member when there is text (a time that formatted); nothing otherwise.</summary>
    private static void Text(ref JsonBytes j, scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> text)
    {
        if (text.Length == 0) return;
        j.Name(name);
        j.Quoted(text);
    }

    /// <summary>An address member, when the address formats.</summary>
    private static void Ip(ref JsonBytes j, scoped ReadOnlySpan<byte> name, IpAddr address, scoped Span<byte> scratch)
    {
        if (!address.TryFormat(scratch, out int n)) return;
        j.Name(name);
        j.Quoted(scratch[..n]);
    }

    /// <summary>An address as an array item, when it formats.</summary>
    private static void IpItem(ref JsonBytes j, IpAddr address, scoped Span<byte> scratch)
    {
        if (!address.TryFormat(scratch, out int n)) return;
        j.Item();
        j.Quoted(scratch[..n]);
    }
}
