using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Rules.Fields;

/// <summary>
/// The fields DNS rules (<c>logsource: {category: network, service: dns}</c>) may name: ECS
/// <c>dns.*</c>, <c>source.*</c> (the client), <c>server.*</c>/<c>destination.*</c> (the resolver),
/// and the question name's features under <c>flowrelay.dns.question.*</c> (issue 4), computed on
/// access without allocating. The same names the DNS documents carry.
/// </summary>
public static class DnsEventFields
{
    /// <summary>The table, built once.</summary>
    public static FieldTable<DnsEvent> Table { get; } = Build();

    private static FieldTable<DnsEvent> Build() => new FieldTable<DnsEvent>("network", "dns")
        .Ip("source.ip", static (in DnsEvent e, out IpAddr v) => (v = e.Query.ClientIp).IsSet)
        .Ip("client.ip", static (in DnsEvent e, out IpAddr v) => (v = e.Query.ClientIp).IsSet)
        // The querying client is the host a DNS alert is about (as host.ip is for flows' internal side).
        .Ip("host.ip", static (in DnsEvent e, out IpAddr v) => (v = e.Query.ClientIp).IsSet)
        .Number("source.port", static (in DnsEvent e, out long v) => (v = e.Query.ClientPort) > 0)
        .Ip("server.ip", static (in DnsEvent e, out IpAddr v) => (v = e.Query.Server).IsSet)
        .Ip("destination.ip", static (in DnsEvent e, out IpAddr v) => (v = e.Query.Server).IsSet)
        .Number("destination.port", static (in DnsEvent e, out long v) => (v = e.Query.ServerPort) > 0)
        .Ip("observer.ip", static (in DnsEvent e, out IpAddr v) => (v = e.Observer).IsSet)
        .Text("observer.hostname", static (in DnsEvent e, Span<byte> d) => Str(e.ObserverHostname, d))
        .Text("network.transport", static (in DnsEvent e, Span<byte> d) => Str(e.Query.Transport, d))
        .Text("dns.question.name", static (in DnsEvent e, Span<byte> d) => Str(e.Query.QueryName, d))
        .Text("dns.question.type", static (in DnsEvent e, Span<byte> d) => Str(e.Query.QueryTypeName, d))
        .Text("dns.question.class", static (in DnsEvent e, Span<byte> d) => Str(e.Query.QueryClassName, d))
        .Text("dns.question.registered_domain", static (in DnsEvent e, Span<byte> d) => e.RegisteredStart >= 0 ? Str(e.Query.QueryName.AsSpan(e.RegisteredStart), d) : -1)
        .Text("dns.question.top_level_domain", static (in DnsEvent e, Span<byte> d) => e.SuffixStart >= 0 ? Str(e.Query.QueryName.AsSpan(e.SuffixStart), d) : -1)
        .Text("dns.question.subdomain", static (in DnsEvent e, Span<byte> d) => e.RegisteredStart > 0 ? Str(e.Query.QueryName.AsSpan(0, e.RegisteredStart - 1), d) : -1)
        .Text("dns.response_code", static (in DnsEvent e, Span<byte> d) => Str(e.Query.ResponseCodeName, d))
        .Number("dns.id", static (in DnsEvent e, out long v) => (v = e.Query.QueryId) >= 0 && e.Query.QueryId != 0)
        .Number("flowrelay.dns.answers.count", static (in DnsEvent e, out long v) => (v = e.Query.Answers?.Count ?? 0) >= 0)
        .Number("event.duration", static (in DnsEvent e, out long v) => (v = e.Query.DurationNs) > 0)
        .Number("flowrelay.dns.question.length", static (in DnsEvent e, out long v) => (v = e.Query.QueryName?.Length ?? 0) > 0)
        .Number("flowrelay.dns.question.label_count", static (in DnsEvent e, out long v) => (v = Features(e).LabelCount) > 0)
        .Number("flowrelay.dns.question.longest_label", static (in DnsEvent e, out long v) => (v = Features(e).LongestLabelLength) > 0)
        .Number("flowrelay.dns.question.subdomain_length", static (in DnsEvent e, out long v) => (v = Features(e).SubdomainLength) >= 0 && e.RegisteredStart >= 0)
        // Sigma compares integers: entropy in thousandths of a bit per character (3.5 bits → 3500).
        .Number("flowrelay.dns.question.subdomain_entropy_millibits", static (in DnsEvent e, out long v) => (v = (long)Math.Round(Features(e).SubdomainEntropy * 1000)) >= 0 && e.RegisteredStart > 0)
        .Text("flowrelay.dns.question.encoding", static (in DnsEvent e, Span<byte> d) => Encoding(Features(e), d));

    private static DnsNameFeatures Features(in DnsEvent e) => e.Features;

    private static int Encoding(in DnsNameFeatures f, Span<byte> d) =>
        f.LooksLikeHex ? Str("hex", d) : f.LooksLikeBase32 ? Str("base32", d) : f.LooksLikeBase64 ? Str("base64", d) : -1;

    private static int Str(string? value, Span<byte> destination) => value is null ? -1 : Str(value.AsSpan(), destination);

    private static int Str(ReadOnlySpan<char> value, Span<byte> destination) =>
        System.Text.Encoding.UTF8.GetByteCount(value) > destination.Length ? -1 : System.Text.Encoding.UTF8.GetBytes(value, destination);
}
