using System.Net;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules.Fields;
using FlowRelay.Engine.Rules.Loading;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using YamlDotNet.RepresentationModel;

namespace FlowRelay.Engine.Tests.Rules;

/// <summary>The DNS field table: Sigma selections compile against DnsEvent and read the right values.</summary>
public class DnsFieldTests
{
    private static DnsEvent Query(string name, string type = "TXT", string rcode = "NOERROR")
    {
        var e = new DnsEvent { Query = DnsQueryRecord.Empty(), SuffixStart = -1, RegisteredStart = -1 };
        e.Query.QueryName = name;
        e.Query.QueryTypeName = type;
        e.Query.ResponseCodeName = rcode;
        e.Query.ClientIp = IpAddr.From(IPAddress.Parse("10.1.2.3"));
        e.Query.Server = IpAddr.From(IPAddress.Parse("10.0.0.53"));
        int registered = name.LastIndexOf('.', name.LastIndexOf('.') - 1) + 1; // two-label registered domains in these tests
        e.RegisteredStart = registered;
        e.SuffixStart = name.LastIndexOf('.') + 1;
        return e;
    }

    private static bool Matches(string selection, DnsEvent e)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader($"sel:\n  {selection}\ncondition: sel\n"));
        var matcher = new DetectionCompiler<DnsEvent>(DnsEventFields.Table, new ListStore()).Compile((YamlMappingNode)yaml.Documents[0].RootNode);
        return matcher.Match(in e);
    }

    private const string Tunnel = "mzxw6ytboi4dcmzqgeztmnrtgu3tmnzqgq2dk.t1.example.com";

    [Theory]
    [InlineData("dns.question.name|endswith: '.example.com'", true)]
    [InlineData("dns.question.registered_domain: example.com", true)]
    [InlineData("dns.question.top_level_domain: com", true)]
    [InlineData("dns.question.subdomain|startswith: mzxw6", true)]
    [InlineData("dns.question.type: txt", true)]
    [InlineData("dns.response_code: NXDOMAIN", false)]
    [InlineData("source.ip|cidr: 10.0.0.0/8", true)]
    [InlineData("server.ip: 10.0.0.53", true)]
    [InlineData("flowrelay.dns.question.label_count: 4", true)]
    [InlineData("flowrelay.dns.question.longest_label|gte: 37", true)]
    [InlineData("flowrelay.dns.question.subdomain_length|gt: 30", true)]
    [InlineData("flowrelay.dns.question.subdomain_entropy_millibits|gt: 3000", true)]
    [InlineData("flowrelay.dns.question.encoding: base32", true)]
    public void Tunnel_like_query(string selection, bool expected) => Assert.Equal(expected, Matches(selection, Query(Tunnel)));

    [Fact]
    public void An_ordinary_name_has_no_encoding_and_a_short_subdomain()
    {
        var e = Query("www.example.com", "A");
        Assert.False(Matches("flowrelay.dns.question.encoding|exists: true", e));
        Assert.True(Matches("flowrelay.dns.question.subdomain_length: 3", e));
        Assert.True(Matches("dns.question.type: A", e));
    }

    [Fact]
    public void The_table_serves_the_dns_logsource()
    {
        Assert.Equal(("network", "dns"), (DnsEventFields.Table.Category, DnsEventFields.Table.Service));
        Assert.Contains("dns.question.registered_domain", DnsEventFields.Table.Names);
    }
}
