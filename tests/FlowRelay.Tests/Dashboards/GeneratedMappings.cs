using Xunit;
using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRelay.Emit.Elasticsearch;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Tests.Dashboards;

/// <summary>
/// The mappings <c>setup elasticsearch</c> installs, read from the requests the relay builds
/// (<see cref="IndexTemplates.Requests"/>), flattened to leaf field → Elasticsearch type, per data
/// stream; and the documents those mappings were generated from (the relay's own writers over
/// <see cref="TemplateSamples"/>).
/// </summary>
internal static class GeneratedMappings
{
    private static readonly EcsFieldTypes Ecs = EcsFieldTypes.Load();

    /// <summary>Datasets with no generated template yet, whose mapping here comes from <see cref="IndexTemplates.FieldTypes"/> over <see cref="DnsDocuments"/>.</summary>
    public static List<string> Provisional { get; } = [];

    /// <summary>Data view title (index pattern) → leaf field → type.</summary>
    public static IReadOnlyDictionary<string, Dictionary<string, string>> ByPattern { get; } = Build();

    /// <summary>Data view title → the documents the writers produced for it.</summary>
    public static IReadOnlyDictionary<string, List<JsonElement>> Documents { get; } = TemplateSamples.ByDataset()
        .Concat(TemplateSamples.ByDataset().Any(d => d.Dataset == DataStreams.DnsDataset) ? [] : [(DataStreams.DnsDataset, DnsDocuments())])
        .ToDictionary(d => DataStreams.Pattern(d.Dataset), d => d.Documents.Select(b => JsonDocument.Parse(b).RootElement.Clone()).ToList());

    private static Dictionary<string, Dictionary<string, string>> Build()
    {
        var result = new Dictionary<string, Dictionary<string, string>>();
        var requests = IndexTemplates.Requests(Ecs, TimeSpan.FromDays(30));
        foreach (string dataset in DataStreams.Datasets)
        {
            string path = "/_component_template/" + IndexTemplates.MappingsComponent(dataset);
            var request = requests.Where(r => r.Path == path).ToList();
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            if (request.Count == 1)
            {
                var properties = (JsonObject)JsonNode.Parse(request[0].Body)!["template"]!["mappings"]!["properties"]!;
                Flatten(properties, "", fields);
            }
            else if (dataset == DataStreams.DnsDataset)
            {
                // No DNS template is generated yet: type the DNS writer's output with the same generator.
                Provisional.Add(dataset);
                foreach (var (k, v) in IndexTemplates.FieldTypes(DnsDocuments(), Ecs)) fields[k] = v;
            }
            result[DataStreams.Pattern(dataset)] = fields;
        }
        return result;
    }

    private static void Flatten(JsonObject properties, string prefix, Dictionary<string, string> fields)
    {
        foreach (var (name, node) in properties)
        {
            string path = prefix.Length == 0 ? name : prefix + "." + name;
            if (node!["properties"] is JsonObject children) Flatten(children, path, fields);
            else fields[path] = (string)node["type"]!;
        }
    }

    /// <summary>DNS documents from the relay's DNS writer: an answered query and an NXDOMAIN, every optional part on.</summary>
    public static List<byte[]> DnsDocuments()
    {
        var psl = PublicSuffixList.Parse(["com", "uk", "co.uk"]);
        long t = new DateTimeOffset(2026, 11, 28, 4, 36, 4, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
        var docs = new List<byte[]>();
        foreach (bool nx in new[] { false, true })
        {
            var q = DnsQueryRecord.Empty();
            q.Format = DnsLogFormat.Bind;
            q.TimestampUnixNs = t;
            q.TimestampHasZone = true;
            q.ClientIp = IpAddr.From(IPAddress.Parse("10.99.0.1"));
            q.ClientPort = 53211;
            q.QueryName = nx ? "x7f3k2q9.badcdn.com" : "www.example.co.uk";
            q.QueryType = 1;
            q.QueryTypeName = "A";
            q.QueryClass = 1;
            q.QueryClassName = "IN";
            q.QueryId = 4242;
            q.Server = IpAddr.From(IPAddress.Parse("10.99.0.53"));
            q.ServerPort = 53;
            q.DurationNs = 1_200_000;
            q.ResponseBytes = 120;
            q.Flags = DnsQueryFlags.RecursionDesired | DnsQueryFlags.RecursionAvailable | DnsQueryFlags.Edns;
            if (nx)
            {
                q.SetResponseCode(3);
                q.ResponseCodeName ??= "NXDOMAIN";
            }
            else
            {
                q.SetResponseCode(0);
                q.ResponseCodeName ??= "NOERROR";
                // No dns.answers: IndexTemplates cannot type an array of objects yet (the DNS template is not generated); no panel reads them.
                q.ResolvedIps = [IpAddr.From(IPAddress.Parse("81.2.69.142"))];
            }
            var e = DnsEvent.Create(q, t, headerZoned: true, t + 1_000_000, psl);
            e.Observer = IpAddr.From(IPAddress.Parse("192.0.2.53"));
            e.ObserverHostname = "ns1";
            e.AppName = "named";
            e.Input = "udp:0.0.0.0:514";
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer)) DnsDocumentWriter.Write(w, e);
            docs.Add(buffer.WrittenSpan.ToArray());
        }
        return docs;
    }
}
