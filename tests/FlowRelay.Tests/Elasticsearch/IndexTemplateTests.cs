using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRelay.Emit.Elasticsearch;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;
using Xunit;

namespace FlowRelay.Tests.Elasticsearch;

public class IndexTemplateTests
{
    private static readonly EcsFieldTypes Ecs = EcsFieldTypes.Load();

    private static Dictionary<string, string> MappedFields(string dataset)
    {
        var requests = IndexTemplates.Requests(Ecs, TimeSpan.FromDays(30));
        var body = requests.Single(r => r.Path == "/_component_template/" + IndexTemplates.MappingsComponent(dataset)).Body;
        var mapped = new Dictionary<string, string>();
        void Walk(string prefix, JsonObject props)
        {
            foreach (var (name, node) in props)
            {
                var o = (JsonObject)node!;
                if (o["properties"] is JsonObject inner) Walk(prefix + name + ".", inner);
                else mapped[prefix + name] = (string)o["type"]!;
            }
        }
        var mappings = JsonNode.Parse(body)!["template"]!["mappings"]!;
        Assert.False((bool)mappings["dynamic"]!);
        Walk("", (JsonObject)mappings["properties"]!);
        return mapped;
    }

    private static IEnumerable<string> Leaves(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Array && e.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Object))
        {
            // An array of objects (dns.answers): its members' fields are mapped under the same path.
            foreach (var item in e.EnumerateArray())
                foreach (var leaf in Leaves(item, path)) yield return leaf;
            yield break;
        }
        if (e.ValueKind == JsonValueKind.Object && !(Ecs.TryGet(path, out var t) && t == "geo_point"))
        {
            foreach (var p in e.EnumerateObject())
                foreach (var leaf in Leaves(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name)) yield return leaf;
            yield break;
        }
        yield return path;
    }

    /// <summary>Flow documents in many shapes: every subset of the optional parts, both families, several protocols, with and without enrichment.</summary>
    private static IEnumerable<byte[]> FlowVariants()
    {
        var rnd = new Random(7);
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (src, dst, proto) in new[] { ("10.99.0.1", "81.2.69.142", (byte)6), ("81.2.69.142", "10.99.0.1", (byte)17), ("fd99::1", "2001:db8::7", (byte)58), ("10.99.0.1", "10.99.0.2", (byte)1), ("192.0.2.9", "198.51.100.1", (byte)47) })
        {
            for (int i = 0; i < 40; i++)
            {
                var e = i % 2 == 0 ? SampleFlows.Enriched(src, dst, proto) : SampleFlows.Record(src, dst, proto);
                e.Flow.Present = (FlowFields)(uint)rnd.NextInt64(0, 1L << 32);
                if (rnd.Next(3) == 0) e.Flow.StartNs = 0;
                if (rnd.Next(3) == 0) e.Flow.EndNs = 0;
                if (rnd.Next(3) == 0) e.Flow.ExportNs = 0;
                buffer.ResetWrittenCount();
                using (var w = new Utf8JsonWriter(buffer)) FlowDocumentWriter.Write(w, e);
                yield return buffer.WrittenSpan.ToArray();
            }
        }
    }

    [Fact]
    public void Every_field_of_every_flow_document_is_mapped_with_its_ECS_type()
    {
        var mapped = MappedFields(DataStreams.FlowDataset);
        int checkedFields = 0;
        foreach (var doc in FlowVariants().Concat(TemplateSamples.FlowDocuments()))
        {
            using var d = JsonDocument.Parse(doc);
            foreach (var leaf in Leaves(d.RootElement, ""))
            {
                Assert.True(mapped.TryGetValue(leaf, out var type), $"field '{leaf}' is written but not mapped");
                if (Ecs.TryGet(leaf, out var ecsType)) Assert.Equal(ecsType, type);
                else Assert.StartsWith("flowrelay.", leaf);
                checkedFields++;
            }
        }
        Assert.True(checkedFields > 5000);
        Assert.Equal("ip", mapped["source.ip"]);
        Assert.Equal("geo_point", mapped["destination.geo.location"]);
        Assert.Equal("date", mapped["flowrelay.exported"]);
        Assert.Equal("ip", mapped["flowrelay.next_hop"]);
    }

    [Fact]
    public void Every_field_of_every_DNS_document_is_mapped_and_the_name_shape_has_usable_types()
    {
        var mapped = MappedFields(DataStreams.DnsDataset);
        foreach (var doc in TemplateSamples.DnsDocuments())
        {
            using var d = JsonDocument.Parse(doc);
            foreach (var leaf in Leaves(d.RootElement, ""))
            {
                Assert.True(mapped.TryGetValue(leaf, out var type), $"field '{leaf}' is written but not mapped");
                if (Ecs.TryGet(leaf, out var ecsType)) Assert.Equal(ecsType, type);
                else Assert.StartsWith("flowrelay.", leaf);
            }
        }
        // Entropy is a fraction even when a sample's happens to be whole; counts are integers; the encoding a term.
        Assert.Equal("float", mapped["flowrelay.dns.question.subdomain_entropy"]);
        foreach (var count in new[] { "length", "label_count", "longest_label", "subdomain_length" })
            Assert.Equal("long", mapped["flowrelay.dns.question." + count]);
        Assert.Equal("keyword", mapped["flowrelay.dns.question.encoding"]);
        Assert.Equal("keyword", mapped["flowrelay.dns.question.name_unicode"]);
        Assert.Equal("keyword", mapped["flowrelay.excluded_by"]);
    }

    [Fact]
    public void A_fraction_written_whole_in_a_later_document_keeps_the_field_double()
    {
        var fields = IndexTemplates.FieldTypes(["""{"flowrelay":{"alert":{"value":0.25}}}"""u8.ToArray(), """{"flowrelay":{"alert":{"value":151}}}"""u8.ToArray()], Ecs);
        Assert.Equal("double", fields["flowrelay.alert.value"]);
        fields = IndexTemplates.FieldTypes(["""{"flowrelay":{"alert":{"value":151}}}"""u8.ToArray(), """{"flowrelay":{"alert":{"value":0.25}}}"""u8.ToArray()], Ecs);
        Assert.Equal("double", fields["flowrelay.alert.value"]);
    }

    [Fact]
    public void A_declared_type_wins_over_the_one_a_whole_number_would_suggest()
    {
        var fields = IndexTemplates.FieldTypes(["""{"flowrelay":{"dns":{"question":{"subdomain_entropy":3,"length":12}}}}"""u8.ToArray()], Ecs);
        Assert.Equal("float", fields["flowrelay.dns.question.subdomain_entropy"]);
        Assert.Equal("long", fields["flowrelay.dns.question.length"]);
    }

    [Fact]
    public void Alert_documents_map_the_fields_single_event_and_DNS_alerts_carry()
    {
        var mapped = MappedFields(DataStreams.AlertDataset);
        // What flow and DNS detection alerts name (their events' identifying fields) and what the DNS correlations group by.
        foreach (var field in FlowEvent.AlertFields.Concat(DnsEvent.AlertFields).Append("host.ip").Append("flowrelay.alert.rule_name"))
            Assert.True(mapped.ContainsKey(field), $"alert field '{field}' is not mapped");
        Assert.Equal("keyword", mapped["dns.question.registered_domain"]);
        Assert.Equal("long", mapped["destination.port"]);
        Assert.Equal("ip", mapped["server.ip"]);
    }

    [Fact]
    public void Alert_and_risk_documents_are_mapped_with_ECS_types()
    {
        foreach (var (dataset, docs) in new[] { (DataStreams.AlertDataset, TemplateSamples.AlertDocuments()), (DataStreams.RiskDataset, TemplateSamples.RiskDocuments()) })
        {
            var mapped = MappedFields(dataset);
            foreach (var doc in docs)
            {
                using var d = JsonDocument.Parse(doc);
                foreach (var leaf in Leaves(d.RootElement, ""))
                {
                    Assert.True(mapped.TryGetValue(leaf, out var type), $"{dataset}: '{leaf}' not mapped");
                    if (Ecs.TryGet(leaf, out var ecsType)) Assert.Equal(ecsType, type);
                }
            }
        }
        Assert.Equal("double", MappedFields(DataStreams.AlertDataset)["flowrelay.alert.value"]);
    }

    [Fact]
    public void A_field_outside_ECS_and_flowrelay_is_refused_rather_than_left_to_dynamic_mapping()
    {
        var e = Assert.Throws<InvalidOperationException>(() => IndexTemplates.FieldTypes(["""{"source":{"ip":"10.0.0.1"},"made_up":{"thing":1}}"""u8.ToArray()], Ecs));
        Assert.Contains("made_up.thing", e.Message);
    }

    [Fact]
    public void Index_templates_compose_the_settings_and_their_own_mappings_above_the_builtin_logs_template()
    {
        var requests = IndexTemplates.Requests(Ecs, TimeSpan.FromDays(7));
        Assert.Contains(requests, r => r.Path == "/_ilm/policy/flowrelay" && r.Body.Contains("\"min_age\":\"7d\""));
        foreach (var dataset in new[] { DataStreams.FlowDataset, DataStreams.AlertDataset, DataStreams.RiskDataset })
        {
            var t = JsonNode.Parse(requests.Single(r => r.Path == "/_index_template/logs-" + dataset).Body)!;
            Assert.Equal($"logs-{dataset}-*", (string)t["index_patterns"]![0]!);
            Assert.NotNull(t["data_stream"]);
            Assert.True((int)t["priority"]! > 100);
            Assert.Equal([IndexTemplates.SettingsComponent, dataset + "@mappings"], t["composed_of"]!.AsArray().Select(x => (string)x!).ToArray());
        }
    }

    [Fact]
    public async Task Setup_command_installs_every_template_on_the_cluster()
    {
        await using var server = await LoopbackElasticsearch.StartAsync();
        using var dir = new TempDir();
        string config = dir.File("flowrelay.yaml");
        File.WriteAllText(config, $"data_dir: {dir.Path}\noutputs:\n  elasticsearch:\n    urls: [\"{server.Url}\"]\n");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await FlowRelay.Cli.FlowRelayCli.InvokeAsync(["setup", "elasticsearch", "--config", config], output, error);
        Assert.True(code == 0, error.ToString() + output);
        Assert.Equal(IndexTemplates.Requests(Ecs, TimeSpan.FromDays(30)).Count, server.Templates.Count);
        Assert.Contains("/_index_template/logs-flowrelay.flow", server.Templates.Keys);
        Assert.Contains("/_ilm/policy/flowrelay", server.Templates.Keys);
    }
}
