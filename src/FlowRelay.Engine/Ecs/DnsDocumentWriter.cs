using System.Text.Json;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Writes a <see cref="DnsEvent"/> as one ECS document (data stream <c>logs-flowrelay.dns-*</c>):
/// <c>dns.*</c> as ECS defines it (question split by the Public Suffix List, answers as objects,
/// header flags), the client as <c>source.*</c>, the resolver as <c>destination.*</c> (where
/// logged) and as <c>observer.*</c>/<c>host.*</c> (the machine that sent the log). What ECS lacks
/// goes under <c>flowrelay.dns.*</c>. Property names are pre-encoded and values formatted into
/// stack buffers; only names of IDNs and answers were allocated earlier, when parsed.
/// </summary>
public static class DnsDocumentWriter
{
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("@timestamp");
    private static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText KindEvent = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText Category = JsonEncodedText.Encode("category");
    private static readonly JsonEncodedText Network = JsonEncodedText.Encode("network");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Protocol = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText Dataset = JsonEncodedText.Encode("dataset");
    private static readonly JsonEncodedText DnsDataset = JsonEncodedText.Encode("flowrelay.dns");
    private static readonly JsonEncodedText Module = JsonEncodedText.Encode("module");
    private static readonly JsonEncodedText FlowRelayName = JsonEncodedText.Encode("flowrelay");
    private static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    private static readonly JsonEncodedText Duration = JsonEncodedText.Encode("duration");
    private static readonly JsonEncodedText Outcome = JsonEncodedText.Encode("outcome");
    private static readonly JsonEncodedText Success = JsonEncodedText.Encode("success");
    private static readonly JsonEncodedText Failure = JsonEncodedText.Encode("failure");
    private static readonly JsonEncodedText ExcludedBy = JsonEncodedText.Encode("excluded_by");
    private static readonly JsonEncodedText Dns = JsonEncodedText.Encode("dns");
    private static readonly JsonEncodedText Query = JsonEncodedText.Encode("query");
    private static readonly JsonEncodedText Answer = JsonEncodedText.Encode("answer");
    private static readonly JsonEncodedText Question = JsonEncodedText.Encode("question");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText NameUnicode = JsonEncodedText.Encode("name_unicode");
    private static readonly JsonEncodedText Class = JsonEncodedText.Encode("class");
    private static readonly JsonEncodedText RegisteredDomain = JsonEncodedText.Encode("registered_domain");
    private static readonly JsonEncodedText Subdomain = JsonEncodedText.Encode("subdomain");
    private static readonly JsonEncodedText TopLevelDomain = JsonEncodedText.Encode("top_level_domain");
    private static readonly JsonEncodedText ResponseCode = JsonEncodedText.Encode("response_code");
    private static readonly JsonEncodedText Answers = JsonEncodedText.Encode("answers");
    private static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText ResolvedIp = JsonEncodedText.Encode("resolved_ip");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText HeaderFlags = JsonEncodedText.Encode("header_flags");
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText Destination = JsonEncodedText.Encode("destination");
    private static readonly JsonEncodedText Ip = JsonEncodedText.Encode("ip");
    private static readonly JsonEncodedText Port = JsonEncodedText.Encode("port");
    private static readonly JsonEncodedText Bytes = JsonEncodedText.Encode("bytes");
    private static readonly JsonEncodedText Observer = JsonEncodedText.Encode("observer");
    private static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");
    private static readonly JsonEncodedText Hostname = JsonEncodedText.Encode("hostname");
    private static readonly JsonEncodedText Product = JsonEncodedText.Encode("product");
    private static readonly JsonEncodedText Transport = JsonEncodedText.Encode("transport");
    private static readonly JsonEncodedText Related = JsonEncodedText.Encode("related");
    private static readonly JsonEncodedText Hosts = JsonEncodedText.Encode("hosts");
    private static readonly JsonEncodedText Log = JsonEncodedText.Encode("log");
    private static readonly JsonEncodedText Syslog = JsonEncodedText.Encode("syslog");
    private static readonly JsonEncodedText AppName = JsonEncodedText.Encode("appname");
    private static readonly JsonEncodedText Format = JsonEncodedText.Encode("format");
    private static readonly JsonEncodedText Input = JsonEncodedText.Encode("input");
    private static readonly JsonEncodedText View = JsonEncodedText.Encode("view");
    private static readonly JsonEncodedText Upstream = JsonEncodedText.Encode("upstream");
    private static readonly JsonEncodedText Serial = JsonEncodedText.Encode("serial");
    private static readonly JsonEncodedText Uid = JsonEncodedText.Encode("uid");
    private static readonly JsonEncodedText AnswersDropped = JsonEncodedText.Encode("answers_dropped");
    private static readonly JsonEncodedText Cached = JsonEncodedText.Encode("cached");
    private static readonly JsonEncodedText LocalConfig = JsonEncodedText.Encode("local_config");
    private static readonly JsonEncodedText Edns = JsonEncodedText.Encode("edns");
    private static readonly JsonEncodedText Length = JsonEncodedText.Encode("length");
    private static readonly JsonEncodedText LabelCount = JsonEncodedText.Encode("label_count");
    private static readonly JsonEncodedText LongestLabel = JsonEncodedText.Encode("longest_label");
    private static readonly JsonEncodedText SubdomainLength = JsonEncodedText.Encode("subdomain_length");
    private static readonly JsonEncodedText SubdomainEntropy = JsonEncodedText.Encode("subdomain_entropy");
    private static readonly JsonEncodedText Encoding = JsonEncodedText.Encode("encoding");
    private static readonly JsonEncodedText Hex = JsonEncodedText.Encode("hex");
    private static readonly JsonEncodedText Base32 = JsonEncodedText.Encode("base32");
    private static readonly JsonEncodedText Base64 = JsonEncodedText.Encode("base64");
    private static readonly JsonEncodedText Udp = JsonEncodedText.Encode("udp");
    private static readonly JsonEncodedText Tcp = JsonEncodedText.Encode("tcp");
    private static readonly JsonEncodedText A = JsonEncodedText.Encode("A");
    private static readonly JsonEncodedText Aaaa = JsonEncodedText.Encode("AAAA");

    private static readonly JsonEncodedText[] FormatNames =
    [
        JsonEncodedText.Encode("unknown"), JsonEncodedText.Encode("bind"), JsonEncodedText.Encode("dnsmasq"),
        JsonEncodedText.Encode("unbound"), JsonEncodedText.Encode("zeek"), JsonEncodedText.Encode("zeek"),
    ];

    // ECS dns.header_flags: AA, TC, RD, RA, AD, CD, DO.
    private static readonly (DnsQueryFlags Flag, JsonEncodedText Name)[] Flags =
    [
        (DnsQueryFlags.Authoritative, JsonEncodedText.Encode("AA")),
        (DnsQueryFlags.Truncated, JsonEncodedText.Encode("TC")),
        (DnsQueryFlags.RecursionDesired, JsonEncodedText.Encode("RD")),
        (DnsQueryFlags.RecursionAvailable, JsonEncodedText.Encode("RA")),
        (DnsQueryFlags.CheckingDisabled, JsonEncodedText.Encode("CD")),
        (DnsQueryFlags.DnssecOk, JsonEncodedText.Encode("DO")),
    ];

    private const DnsQueryFlags HeaderFlagMask = DnsQueryFlags.Authoritative | DnsQueryFlags.Truncated | DnsQueryFlags.RecursionDesired
        | DnsQueryFlags.RecursionAvailable | DnsQueryFlags.CheckingDisabled | DnsQueryFlags.DnssecOk;

    /// <summary>Writes one document (a complete JSON object).</summary>
    public static void Write(Utf8JsonWriter writer, in DnsEvent dnsEvent)
    {
        ref readonly DnsQueryRecord q = ref dnsEvent.Query;
        string name = q.QueryName ?? "";
        bool answered = q.ResponseCode >= 0 || q.Answers is { Count: > 0 };
        Span<byte> num = stackalloc byte[24];

        writer.WriteStartObject();
        FlowDocumentWriter.WriteDate(writer, Timestamp, dnsEvent.TimestampNs);

        writer.WriteStartObject(Event);
        writer.WriteString(Kind, KindEvent);
        writer.WriteStartArray(Category);
        writer.WriteStringValue(Network);
        writer.WriteEndArray();
        writer.WriteStartArray(Type);
        writer.WriteStringValue(Protocol);
        writer.WriteEndArray();
        writer.WriteString(Dataset, DnsDataset);
        writer.WriteString(Module, FlowRelayName);
        FlowDocumentWriter.WriteDate(writer, Created, dnsEvent.ReceivedNs);
        if (q.DurationNs >= 0) writer.WriteNumber(Duration, q.DurationNs);
        if (q.ResponseCode >= 0) writer.WriteString(Outcome, q.ResponseCode == 0 ? Success : Failure);
        writer.WriteEndObject();

        writer.WriteStartObject(Dns);
        writer.WriteString(Type, answered ? Answer : Query);
        if (q.QueryId >= 0)
        {
            q.QueryId.TryFormat(num, out int n);
            writer.WriteString(Id, num[..n]);
        }
        writer.WriteStartObject(Question);
        writer.WriteString(Name, name);
        if (q.QueryTypeName is not null) writer.WriteString(Type, q.QueryTypeName);
        if (q.QueryClassName is not null) writer.WriteString(Class, q.QueryClassName);
        if (dnsEvent.SuffixStart >= 0 && dnsEvent.SuffixStart < name.Length)
        {
            writer.WriteString(TopLevelDomain, name.AsSpan(dnsEvent.SuffixStart));
            if (dnsEvent.RegisteredStart >= 0)
            {
                writer.WriteString(RegisteredDomain, name.AsSpan(dnsEvent.RegisteredStart));
                // ECS: "all of the labels except the host name and the registered domain", without the joining dot.
                if (dnsEvent.RegisteredStart > 1) writer.WriteString(Subdomain, name.AsSpan(0, dnsEvent.RegisteredStart - 1));
            }
        }
        writer.WriteEndObject();
        if (q.ResponseCodeName is not null) writer.WriteString(ResponseCode, q.ResponseCodeName);
        if ((q.Flags & HeaderFlagMask) != 0)
        {
            writer.WriteStartArray(HeaderFlags);
            foreach (var (flag, flagName) in Flags)
                if ((q.Flags & flag) != 0) writer.WriteStringValue(flagName);
            writer.WriteEndArray();
        }
        if (q.Answers is { Count: > 0 } answers)
        {
            writer.WriteStartArray(Answers);
            foreach (string data in answers)
            {
                writer.WriteStartObject();
                writer.WriteString(Data, data);
                // The logs give answer data only; an address answer's type is known from its form.
                if (System.Net.IPAddress.IsValid(data.AsSpan())) writer.WriteString(Type, data.Contains(':') ? Aaaa : A);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (q.ResolvedIps is { Count: > 0 } resolved)
        {
            writer.WriteStartArray(ResolvedIp);
            foreach (var ip in resolved) WriteIpValue(writer, ip);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();

        writer.WriteStartObject(Network);
        writer.WriteString(Protocol, Dns);
        var transport = TransportOf(q);
        if (transport.HasValue) writer.WriteString(Transport, transport.Value);
        writer.WriteEndObject();

        if (q.ClientIp.IsSet)
        {
            writer.WriteStartObject(Source);
            WriteIp(writer, Ip, q.ClientIp);
            if (q.ClientPort != 0) writer.WriteNumber(Port, q.ClientPort);
            writer.WriteEndObject();
        }
        if (q.Server.IsSet)
        {
            writer.WriteStartObject(Destination);
            WriteIp(writer, Ip, q.Server);
            if (q.ServerPort != 0) writer.WriteNumber(Port, q.ServerPort);
            if (q.ResponseBytes >= 0) writer.WriteNumber(Bytes, q.ResponseBytes);
            writer.WriteEndObject();
        }

        // The resolver that logged the query: the syslog sender's address and HOSTNAME.
        bool hasObserver = dnsEvent.Observer.IsSet || dnsEvent.ObserverHostname is not null;
        writer.WriteStartObject(Observer);
        if (dnsEvent.Observer.IsSet) WriteIp(writer, Ip, dnsEvent.Observer);
        if (dnsEvent.ObserverHostname is not null) writer.WriteString(Hostname, dnsEvent.ObserverHostname);
        writer.WriteString(Type, Dns);
        writer.WriteString(Product, FormatNames[(int)q.Format < FormatNames.Length ? (int)q.Format : 0]);
        writer.WriteEndObject();
        if (hasObserver)
        {
            writer.WriteStartObject(Host);
            if (dnsEvent.ObserverHostname is not null)
            {
                writer.WriteString(Name, dnsEvent.ObserverHostname);
                writer.WriteString(Hostname, dnsEvent.ObserverHostname);
            }
            if (dnsEvent.Observer.IsSet)
            {
                writer.WriteStartArray(Ip);
                WriteIpValue(writer, dnsEvent.Observer);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        if (dnsEvent.AppName is not null)
        {
            writer.WriteStartObject(Log);
            writer.WriteStartObject(Syslog);
            writer.WriteString(AppName, dnsEvent.AppName);
            if (dnsEvent.ObserverHostname is not null) writer.WriteString(Hostname, dnsEvent.ObserverHostname);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteStartObject(Related);
        if (q.ClientIp.IsSet || q.ResolvedIps is { Count: > 0 })
        {
            writer.WriteStartArray(Ip);
            if (q.ClientIp.IsSet) WriteIpValue(writer, q.ClientIp);
            if (q.ResolvedIps is { } ips)
                foreach (var ip in ips)
                    if (ip != q.ClientIp) WriteIpValue(writer, ip);
            writer.WriteEndArray();
        }
        if (name.Length > 0)
        {
            writer.WriteStartArray(Hosts);
            writer.WriteStringValue(name);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();

        WriteFlowRelay(writer, dnsEvent);
        writer.WriteEndObject();
    }

    private static void WriteFlowRelay(Utf8JsonWriter writer, in DnsEvent e)
    {
        ref readonly DnsQueryRecord q = ref e.Query;
        writer.WriteStartObject(FlowRelayName);
        writer.WriteStartObject(Dns);
        writer.WriteString(Format, FormatNames[(int)q.Format < FormatNames.Length ? (int)q.Format : 0]);
        if (e.Input is not null) writer.WriteString(Input, e.Input);
        if (e.NameUnicode is not null || q.QueryName is { Length: > 0 })
        {
            writer.WriteStartObject(Question);
            if (e.NameUnicode is not null) writer.WriteString(NameUnicode, e.NameUnicode);
            WriteNameShape(writer, e);
            writer.WriteEndObject();
        }
        if (q.View is not null) writer.WriteString(View, q.View);
        if (q.Upstream.IsSet) WriteIp(writer, Upstream, q.Upstream);
        if (q.Serial >= 0) writer.WriteNumber(Serial, q.Serial);
        if (q.Uid is not null) writer.WriteString(Uid, q.Uid);
        if (q.AnswersDropped > 0) writer.WriteNumber(AnswersDropped, q.AnswersDropped);
        if ((q.Flags & DnsQueryFlags.Cached) != 0) writer.WriteBoolean(Cached, true);
        if ((q.Flags & DnsQueryFlags.LocalConfig) != 0) writer.WriteBoolean(LocalConfig, true);
        if ((q.Flags & DnsQueryFlags.Edns) != 0) writer.WriteBoolean(Edns, true);
        writer.WriteEndObject();
        if (e.ExcludedBy is not null) writer.WriteString(ExcludedBy, e.ExcludedBy);
        writer.WriteEndObject();
    }

    /// <summary>
    /// The question name's shape under <c>flowrelay.dns.question.*</c>, by the same names and the same
    /// computation (<see cref="DnsNameFeatures.Compute"/>) as the rules' DNS fields, each written when
    /// the rules' field has a value: <c>length</c>, <c>label_count</c>, <c>longest_label</c>,
    /// <c>subdomain_length</c> (when the registered domain is known), <c>subdomain_entropy</c> in bits
    /// per character to three decimals (the rules' <c>subdomain_entropy_millibits</c> / 1000; when the
    /// name has a subdomain) and <c>encoding</c> (hex, base32 or base64 when a subdomain label looks like one).
    /// </summary>
    private static void WriteNameShape(Utf8JsonWriter writer, in DnsEvent e)
    {
        ReadOnlySpan<char> name = e.Query.QueryName.AsSpan();
        if (name.IsEmpty) return;
        var f = e.Features;
        writer.WriteNumber(Length, name.Length);
        if (f.LabelCount > 0) writer.WriteNumber(LabelCount, f.LabelCount);
        if (f.LongestLabelLength > 0) writer.WriteNumber(LongestLabel, f.LongestLabelLength);
        if (e.RegisteredStart >= 0) writer.WriteNumber(SubdomainLength, f.SubdomainLength);
        if (e.RegisteredStart > 0) writer.WriteNumber(SubdomainEntropy, Math.Round(f.SubdomainEntropy * 1000) / 1000);
        if (f.LooksLikeHex) writer.WriteString(Encoding, Hex);
        else if (f.LooksLikeBase32) writer.WriteString(Encoding, Base32);
        else if (f.LooksLikeBase64) writer.WriteString(Encoding, Base64);
    }

    private static JsonEncodedText? TransportOf(in DnsQueryRecord q)
    {
        if ((q.Flags & DnsQueryFlags.Tcp) != 0) return Tcp;
        if (q.Transport is { } t)
        {
            if (t.Equals("tcp", StringComparison.OrdinalIgnoreCase)) return Tcp;
            if (t.Equals("udp", StringComparison.OrdinalIgnoreCase)) return Udp;
        }
        // BIND marks TCP queries with 'T' in the flags; without it the query came over UDP.
        return q.Format == DnsLogFormat.Bind ? Udp : null;
    }

    private static void WriteIp(Utf8JsonWriter writer, JsonEncodedText name, IpAddr address)
    {
        Span<byte> buf = stackalloc byte[48];
        if (address.TryFormat(buf, out int n)) writer.WriteString(name, buf[..n]);
    }

    private static void WriteIpValue(Utf8JsonWriter writer, IpAddr address)
    {
        Span<byte> buf = stackalloc byte[48];
        if (address.TryFormat(buf, out int n)) writer.WriteStringValue(buf[..n]);
    }
}
