using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules.Fields;
using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

/// <summary>Fields enrichment adds to flows are available to rules under their ECS names.</summary>
public class EnrichedFieldTests
{
    private static FlowEvent Enriched()
    {
        var e = Flow("10.1.2.3", "203.0.113.9", 5000, Sec(0));
        e.Direction = NetworkDirection.Outbound;
        e.InternalSide = InternalSide.Source;
        e.UploadBytes = 5000;
        e.DestinationDomain = "files.example.com";
        e.DestinationRegisteredDomain = "example.com";
        e.ClientServerReason = ClientServerReason.TcpSyn;
        e.ClientIsSource = true;
        e.DestinationGeo = new GeoInfo { CountryIsoCode = "NL", AsOrganization = "Example BV" };
        return e;
    }

    [Theory]
    [InlineData("network.direction: outbound", true)]
    [InlineData("network.direction: inbound", false)]
    [InlineData("host.ip: 10.1.2.3", true)]
    [InlineData("flowrelay.upload.bytes|gte: 5000", true)]
    [InlineData("destination.domain|endswith: '.example.com'", true)]
    [InlineData("destination.registered_domain: example.com", true)]
    [InlineData("server.ip: 203.0.113.9", true)]
    [InlineData("client.port: 50000", true)]
    [InlineData("destination.geo.country_iso_code: nl", true)]
    [InlineData("destination.as.organization.name|contains: 'example'", true)]
    [InlineData("source.domain|exists: false", true)]
    public void Enriched_field(string selection, bool expected)
    {
        var yaml = $"title: t\nlogsource:\n  category: network\n  service: connection\ndetection:\n  sel:\n    {selection}\n  condition: sel\n";
        var (engine, sink) = RuleTestKit.Engine(Load(("r.yml", yaml)));
        Run(engine, Enriched());
        Assert.Equal(expected, sink.Alerts.Count == 1);
    }

    [Fact]
    public void Unenriched_flows_lack_the_enrichment_fields()
    {
        var e = Flow("10.1.2.3", "203.0.113.9", 5000, Sec(0));
        foreach (var name in new[] { "network.direction", "host.ip", "flowrelay.upload.bytes", "client.ip", "destination.domain" })
        {
            Assert.True(FlowEventFields.Table.TryGet(name, out var f));
            Assert.False(f.Exists(in e), name);
        }
    }
}
