using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRelay.Engine.Ecs;
using System.Text.RegularExpressions;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Dns;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>
/// The index templates, generated, not hand-written: the mapping of a data stream is derived by
/// running the relay's own document writer over sample events that exercise every optional part
/// (<see cref="TemplateSamples"/>) and mapping every leaf it writes — ECS fields with their ECS
/// type, <c>flowrelay.*</c> fields with a type inferred from the written value. A field the writer
/// starts to emit appears in the template by itself; a field outside ECS and outside
/// <c>flowrelay.*</c> is an error. Templates set <c>dynamic: false</c>, so an unforeseen field is
/// kept in <c>_source</c> but never guessed at (and never makes Elasticsearch refuse a document).
/// </summary>
public static class IndexTemplates
{
    public const string PolicyName = "flowrelay";
    public const string SettingsComponent = "flowrelay@settings";

    public static string MappingsComponent(string dataset) => dataset + "@mappings";

    /// <summary>Where CEF extensions without an ECS mapping go; their keys are the sending device's, so the object is mapped <c>flattened</c>.</summary>
    public const string CefExtensions = "flowrelay.cef.extensions";

    public static string IndexTemplateName(string dataset) => "logs-" + dataset;

    /// <summary>Leaf field → Elasticsearch type of the documents (sorted by field).</summary>
    public static SortedDictionary<string, string> FieldTypes(IEnumerable<byte[]> documents, EcsFieldTypes ecs)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in documents)
        {
            using var doc = JsonDocument.Parse(d);
            Walk(doc.RootElement, "", ecs, fields);
        }
        return fields;
    }

    private static void Walk(JsonElement e, string path, EcsFieldTypes ecs, SortedDictionary<string, string> fields)
    {
        if (path == CefExtensions)
        {
            // Whatever extension keys a device sends (vendor-defined): one flattened field, every leaf searchable as a keyword.
            fields[path] = "flattened";
            return;
        }
        bool ecsLeaf = ecs.TryGet(path, out string ecsType) && ecsType is not "object" && ecsType is not "nested";
        if (e.ValueKind == JsonValueKind.Array && !ecsLeaf && e.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Object))
        {
            // An array of objects (dns.answers): its members' fields are mapped under the same path.
            foreach (var item in e.EnumerateArray()) Walk(item, path, ecs, fields);
            return;
        }
        if (e.ValueKind == JsonValueKind.Object && !ecsLeaf)
        {
            foreach (var p in e.EnumerateObject()) Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, ecs, fields);
            return;
        }
        string type;
        if (ecsLeaf) type = ecsType;
        else if (Declared.TryGetValue(path, out var declared)) type = declared;
        else if (path.StartsWith("flowrelay.", StringComparison.Ordinal)) type = Infer(path, e.ValueKind == JsonValueKind.Array ? FirstOrSelf(e) : e);
        else throw new InvalidOperationException($"field '{path}' is neither ECS nor under flowrelay.*: it cannot be given a mapping");
        if (fields.TryGetValue(path, out var seen) && seen != type)
        {
            // A fraction written whole ("151") reads as long: double wins, whichever document came first.
            if (seen == "long" && type == "double") fields[path] = "double";
            else if (!(seen == "double" && type == "long")) throw new InvalidOperationException($"field '{path}' is written both as {seen} and as {type}");
            return;
        }
        fields[path] = type;
    }

    /// <summary>
    /// <c>flowrelay.*</c> fields whose type a written value cannot tell: a fraction that happens to be
    /// whole is written without a decimal point (entropy 3 bits per character is <c>3</c>), which
    /// would be inferred as long and would truncate every later fraction.
    /// </summary>
    private static readonly Dictionary<string, string> Declared = new(StringComparer.Ordinal)
    {
        ["flowrelay.dns.question.subdomain_entropy"] = "float",
    };

    private static JsonElement FirstOrSelf(JsonElement array)
    {
        foreach (var item in array.EnumerateArray()) return item;
        return array;
    }

    private static string Infer(string path, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => value.GetRawText().AsSpan().IndexOfAny(".eE") >= 0 ? "double" : "long",
        JsonValueKind.String when LooksLikeIp(value.GetString()!) => "ip",
        JsonValueKind.String when IsoDate().IsMatch(value.GetString()!) => "date",
        JsonValueKind.String => "keyword",
        _ => "keyword",
    };

    private static bool LooksLikeIp(string s) =>
        (Ipv4().IsMatch(s) || (s.Contains(':') && s.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.'))) && IPAddress.TryParse(s, out _);

    private static Regex Ipv4() => new(@"^\d{1,3}(\.\d{1,3}){3}$");

    private static Regex IsoDate() => new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$");

    /// <summary>The <c>properties</c> object of a mapping for the given leaf fields.</summary>
    public static JsonObject Properties(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var root = new JsonObject();
        foreach (var (field, type) in fields)
        {
            string[] parts = field.Split('.');
            var node = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                if (node[parts[i]] is not JsonObject child)
                {
                    child = new JsonObject { ["properties"] = new JsonObject() };
                    node[parts[i]] = child;
                }
                node = (JsonObject)child["properties"]!;
            }
            node[parts[^1]] = Leaf(type);
        }
        return root;
    }

    private static JsonObject Leaf(string type) => type switch
    {
        "scaled_float" => new JsonObject { ["type"] = "scaled_float", ["scaling_factor"] = 1000 },
        "keyword" => new JsonObject { ["type"] = "keyword", ["ignore_above"] = 1024 },
        _ => new JsonObject { ["type"] = type },
    };

    /// <summary>Every request <c>setup elasticsearch</c> makes, in order: (path, JSON body).</summary>
    public static List<(string Path, string Body)> Requests(EcsFieldTypes ecs, TimeSpan retention)
    {
        var requests = new List<(string, string)>();
        string days = ((int)Math.Ceiling(retention.TotalDays)).ToString(CultureInfo.InvariantCulture) + "d";
        var policy = new JsonObject
        {
            ["policy"] = new JsonObject
            {
                ["_meta"] = new JsonObject { ["managed_by"] = "flowrelay" },
                ["phases"] = new JsonObject
                {
                    ["hot"] = new JsonObject { ["actions"] = new JsonObject { ["rollover"] = new JsonObject { ["max_primary_shard_size"] = "50gb", ["max_age"] = "1d" } } },
                    ["delete"] = new JsonObject { ["min_age"] = days, ["actions"] = new JsonObject { ["delete"] = new JsonObject() } },
                },
            },
        };
        requests.Add(("/_ilm/policy/" + PolicyName, policy.ToJsonString()));
        var settings = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["settings"] = new JsonObject { ["index.lifecycle.name"] = PolicyName, ["index.codec"] = "best_compression" },
            },
            ["_meta"] = new JsonObject { ["managed_by"] = "flowrelay" },
        };
        requests.Add(("/_component_template/" + SettingsComponent, settings.ToJsonString()));

        foreach (var (dataset, documents) in TemplateSamples.ByDataset())
        {
            var fields = FieldTypes(documents, ecs);
            var mappings = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["mappings"] = new JsonObject
                    {
                        ["dynamic"] = false,
                        ["properties"] = Properties(fields),
                    },
                },
                ["_meta"] = new JsonObject { ["managed_by"] = "flowrelay", ["fields"] = fields.Count },
            };
            requests.Add(("/_component_template/" + MappingsComponent(dataset), mappings.ToJsonString()));
            var template = new JsonObject
            {
                ["index_patterns"] = new JsonArray(DataStreams.Pattern(dataset)),
                ["data_stream"] = new JsonObject(),
                // Above the built-in logs-*-* template (priority 100).
                ["priority"] = 200,
                ["composed_of"] = new JsonArray(SettingsComponent, MappingsComponent(dataset)),
                ["_meta"] = new JsonObject { ["managed_by"] = "flowrelay" },
            };
            requests.Add(("/_index_template/" + IndexTemplateName(dataset), template.ToJsonString()));
        }
        return requests;
    }
}

/// <summary>
/// Sample events per data stream that switch on every optional part of the document writers
/// (enrichment, both address families, TCP/UDP/ICMP), written by the writers themselves.
/// </summary>
public static class TemplateSamples
{
    public static IEnumerable<(string Dataset, List<byte[]> Documents)> ByDataset()
    {
        yield return (DataStreams.FlowDataset, FlowDocuments());
        yield return (DataStreams.DnsDataset, DnsDocuments());
        yield return (DataStreams.AlertDataset, AlertDocuments());
        yield return (DataStreams.RiskDataset, RiskDocuments());
        yield return (DataStreams.CefDataset, CefDocuments());
    }

    /// <summary>
    /// CEF documents from the relay's CEF writer: a firewall event whose extensions cover every
    /// ECS-mapped key family (addresses, ports, bytes, times, MACs, geo, users, files, URLs), and
    /// an event with unknown and unconvertible extensions (kept under flowrelay.cef.extensions).
    /// </summary>
    public static List<byte[]> CefDocuments()
    {
        string[] messages =
        [
            "CEF:0|Palo Alto Networks|PAN-OS|11.1|TRAFFIC|end|3|rt=Nov 28 2026 04:10:46.498 src=10.99.0.1 spt=40000 dst=81.2.69.142 dpt=443 proto=TCP " +
            "in=5000 out=3000000 act=allow app=ssl cs1Label=Rule cs1=allow-web deviceInboundInterface=ethernet1/2 deviceOutboundInterface=ethernet1/1 " +
            "smac=00:11:22:33:44:55 dmac=66:77:88:99:aa:bb suser=alice duser=bob shost=build-7 dhost=www.example.co.uk request=https://www.example.co.uk/x " +
            "requestMethod=GET fname=a.zip fsize=1234 fileHash=d41d8cd98f00b204e9800998ecf8427e msg=ok cat=traffic dvc=192.0.2.1 dvchost=fw1 " +
            "externalId=42 start=Nov 28 2026 04:10:44 end=Nov 28 2026 04:10:46 slat=51.5142 slong=-0.0931 dlat=40.7 dlong=-74.0 sourceTranslatedAddress=203.0.113.5 " +
            "sourceTranslatedPort=61000 destinationTranslatedAddress=81.2.69.142 destinationTranslatedPort=443 reason=aged-out outcome=success",
            "CEF:0|Example|Sensor|1.0|100|custom|Very-High|src=not-an-address spt=99999 vendorKey=some value flexNumber1=7 flexNumber1Label=count",
        ];
        var docs = new List<byte[]>();
        foreach (var m in messages)
        {
            if (FlowRelay.Protocols.Cef.CefParser.Parse(m, out var cef) is not (FlowRelay.Protocols.Cef.CefParseStatus.Ok or FlowRelay.Protocols.Cef.CefParseStatus.BadExtension) || cef is null)
                throw new InvalidOperationException("sample CEF message does not parse: " + m);
            var e = new CefInputEvent(cef, Created.ToUnixTimeMilliseconds() * 1_000_000, Created.ToUnixTimeMilliseconds() * 1_000_000 + 1_000_000,
                IpAddr.From(IPAddress.Parse("192.0.2.1")), "fw1", "udp:0.0.0.0:514", Truncated: true);
            docs.Add(Render(w => CefDocumentWriter.Write(w, e)));
        }
        return docs;
    }

    /// <summary>
    /// DNS documents from the relay's DNS writer, every optional part on: an answered query, an
    /// NXDOMAIN, a TXT query for a base32-looking name (the name-shape fields, encoding included)
    /// and an IDN (its Unicode form).
    /// </summary>
    public static List<byte[]> DnsDocuments()
    {
        var psl = PublicSuffixList.Parse(["com", "uk", "co.uk"]);
        long t = new DateTimeOffset(2026, 11, 28, 4, 36, 4, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
        var docs = new List<byte[]>();
        foreach (var (name, nx, txt) in new[]
        {
            ("www.example.co.uk", false, false), ("x7f3k2q9.badcdn.com", true, false),
            ("nbswy3dpeb3w64tmmqqgk3dfnzsxi33o.t.badcdn.com", false, true), ("xn--85x722f.com", true, false),
        })
        {
            var q = DnsQueryRecord.Empty();
            q.Format = DnsLogFormat.Bind;
            q.TimestampUnixNs = t;
            q.TimestampHasZone = true;
            q.ClientIp = IpAddr.From(IPAddress.Parse("10.99.0.1"));
            q.ClientPort = 53211;
            q.QueryName = name;
            q.QueryType = txt ? (ushort)16 : (ushort)1;
            q.QueryTypeName = txt ? "TXT" : "A";
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
            else if (txt)
            {
                q.SetResponseCode(0);
                q.ResponseCodeName ??= "NOERROR";
            }
            else
            {
                q.SetResponseCode(0);
                q.ResponseCodeName ??= "NOERROR";
                q.Answers = ["www.example.co.uk. 300 IN A 81.2.69.142"];
                q.ResolvedIps = [IpAddr.From(IPAddress.Parse("81.2.69.142"))];
            }
            var e = DnsEvent.Create(q, t, headerZoned: true, t + 1_000_000, psl);
            e.Observer = IpAddr.From(IPAddress.Parse("192.0.2.53"));
            e.ObserverHostname = "ns1";
            e.AppName = "named";
            e.Input = "udp:0.0.0.0:514";
            e.ExcludedBy = "flowrelay_exclude_reverse_and_reputation_lookups";
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer)) DnsDocumentWriter.Write(w, e);
            docs.Add(buffer.WrittenSpan.ToArray());
        }
        return docs;
    }

    private static readonly DateTimeOffset Created = new(2026, 11, 28, 4, 10, 49, 498, TimeSpan.Zero);

    public static List<byte[]> AlertDocuments()
    {
        var rule = new RuleInfo
        {
            Id = "5f0c3d1e-8f4b-4b8e-9a57-2d1f0c6b7a10", Name = "large_upload", Title = "Large upload to a rare destination",
            Description = "More than 1 GB sent to one external address within an hour.", Level = "high", Status = "stable",
            Author = "FlowRelay, SOC", License = "DRL-1.1", References = ["https://example.org/rule"], Tags = ["attack.exfiltration", "attack.t1048"],
            RiskPoints = 40, File = "rules/large_upload.yml",
        };
        var docs = new List<byte[]>();
        foreach (var windowed in new[] { true, false })
        {
            var alert = new Alert
            {
                Rule = rule, TimeNs = 1_795_000_000_000_000_000, Kind = windowed ? "value_sum" : "threat_index",
                Fields = [new("source.ip", "10.99.0.1"), new("destination.ip", "81.2.69.142")],
                Value = 1.5e9 + 0.25, Condition = "> 1000000000", Threshold = 1_000_000_000, Timespan = TimeSpan.FromHours(1), EventCount = 12,
                WindowStartNs = windowed ? 1_794_996_400_000_000_000 : null, Host = "10.99.0.1", Sample = ["a1b2", "c3d4"], RiskScore = 72.5,
            };
            docs.Add(Render(w => AlertDocumentWriter.Write(w, alert, Created)));
        }
        // Single-event alerts carry the event's identifying fields (IRuleEvent.AlertFields): a flow
        // rule's (flowrelay_dns_resolver_outside_policy) and a DNS rule's.
        foreach (var fields in new[] { FlowEvent.AlertFields, DnsEvent.AlertFields })
        {
            var alert = new Alert
            {
                Rule = rule, TimeNs = 1_795_000_000_000_000_000, Kind = "detection", EventCount = 1, Host = "10.99.0.1",
                Fields = fields.Select(f => new KeyValuePair<string, string>(f, AlertFieldSamples.TryGetValue(f, out var v) ? v
                    : throw new InvalidOperationException($"alert field '{f}' has no sample value: add one so the alert template maps it"))).ToList(),
            };
            docs.Add(Render(w => AlertDocumentWriter.Write(w, alert, Created)));
        }
        // A DNS correlation grouped by client and registered domain (the tunnel rules).
        var dnsAlert = new Alert
        {
            Rule = rule, TimeNs = 1_795_000_000_000_000_000, Kind = "value_count", EventCount = 151, Host = "10.99.0.1",
            Fields = [new("host.ip", "10.99.0.1"), new("dns.question.registered_domain", "badcdn.com")],
            Value = 151, Condition = "gt 150", Threshold = 150, Timespan = TimeSpan.FromMinutes(5), WindowStartNs = 1_794_999_700_000_000_000,
            Sample = ["x7k2q9.badcdn.com TXT"], SampleKind = DnsEvent.SampleKind,
        };
        docs.Add(Render(w => AlertDocumentWriter.Write(w, dnsAlert, Created)));
        return docs;
    }

    private static readonly Dictionary<string, string> AlertFieldSamples = new()
    {
        ["source.ip"] = "10.99.0.1", ["source.port"] = "50000", ["destination.ip"] = "81.2.69.142", ["destination.port"] = "53",
        ["network.transport"] = "udp", ["source.bytes"] = "120", ["destination.bytes"] = "300",
        ["dns.question.name"] = "x7f3k2q9.badcdn.com", ["dns.question.type"] = "A", ["dns.question.registered_domain"] = "badcdn.com",
        ["dns.response_code"] = "NXDOMAIN", ["server.ip"] = "10.99.0.53",
    };

    public static List<byte[]> RiskDocuments() =>
        [Render(w => AlertDocumentWriter.WriteRisk(w, new HostRisk("10.99.0.1", 72.5, RiskLevel.High, 1_795_000_000_000_000_000, "large_upload"), Created))];

    private static byte[] Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return buffer.WrittenSpan.ToArray();
    }

    public static List<byte[]> FlowDocuments()
    {
        var events = new List<FlowEvent>();
        foreach (var (src, dst, proto) in new[] { ("10.99.0.1", "81.2.69.142", (byte)6), ("81.2.69.142", "10.99.0.1", (byte)17), ("fd99::1", "2001:db8::7", (byte)1), ("10.99.0.1", "10.99.0.2", (byte)58) })
        {
            var e = SampleFlows.Enriched(src, dst, proto);
            e.ExcludedBy = "flowrelay_exclude_backup_and_update_servers";
            events.Add(e);
        }
        var buffer = new ArrayBufferWriter<byte>();
        var docs = new List<byte[]>();
        foreach (var e in events)
        {
            buffer.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(buffer)) FlowDocumentWriter.Write(w, e);
            docs.Add(buffer.WrittenSpan.ToArray());
        }
        return docs;
    }
}
