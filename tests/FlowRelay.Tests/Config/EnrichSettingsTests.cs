using System.Collections;
using FlowRelay.Config;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FlowRelay.Tests.Config;

public class EnrichSettingsTests
{
    private static ConfigLoadResult Yaml(string yaml) => ConfigLoader.LoadYaml(yaml, new Hashtable(), "test.yaml");

    private static string MaxMind(string file)
    {
        // The Engine tests carry MaxMind's test databases; use them from the source tree.
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "FlowRelay.sln"))) dir = Path.GetDirectoryName(dir)!;
        return Path.Combine(dir, "tests", "FlowRelay.Engine.Tests", "Enrich", "MaxMind", file);
    }

    [Fact]
    public void Defaults()
    {
        var r = ConfigLoader.Load(null, new Hashtable());
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        var e = r.Settings!.Enrich;
        Assert.Equal(["private"], e.Networks["internal"]);
        Assert.Empty(e.Sites);
        Assert.Equal(TimeSpan.FromSeconds(30), e.ClientServer.PairWindow.Value);
        Assert.Equal(65536, e.ClientServer.MaxPairs);
        Assert.True(e.DnsJoin.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(5), e.DnsJoin.MinTtl.Value);
        Assert.Equal("", e.Assets.File);
        Assert.False(e.GeoIp.Enabled);
    }

    [Fact]
    public void Networks_and_sites_bind_and_internal_replaces_the_default()
    {
        var r = Yaml("""
            enrich:
              networks:
                internal: [private, 203.0.113.0/24]
                dmz: ["10.10.0.0/16"]
              sites:
                hq: [10.0.0.0/8]
              client_server:
                pair_window: 10s
                service_ports: [8080, 3389]
              dns_join:
                max_answers: 10000
                min_ttl: 1m
            """);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        var e = r.Settings!.Enrich;
        Assert.Equal(["private", "203.0.113.0/24"], e.Networks["internal"]);
        Assert.Equal(["10.10.0.0/16"], e.Networks["dmz"]);
        Assert.Equal(["10.0.0.0/8"], e.Sites["hq"]);
        Assert.Equal([8080, 3389], e.ClientServer.ServicePorts);
        Assert.Equal(TimeSpan.FromSeconds(10), e.ClientServer.PairWindow.Value);
        Assert.Equal(10000, e.DnsJoin.MaxAnswers);
    }

    [Fact]
    public void Bad_values_name_the_setting()
    {
        var r = Yaml("""
            enrich:
              networks:
                dmz: [10.0.0.0/33, private]
              client_server:
                pair_window: 0s
                max_pairs: 10
                service_ports: [0]
              dns_join:
                min_ttl: 2h
                max_ttl: 1h
              assets:
                file: /nonexistent/assets.csv
              geoip:
                city_database: /nonexistent/city.mmdb
                cache_size: 1
              colour: red
            """);
        Assert.False(r.IsValid);
        string all = string.Join("\n", r.Errors);
        Assert.Contains("setting 'enrich.networks.dmz[0]': must be a CIDR range such as 10.0.0.0/8 or fd00::/8, an address, or 'private' (got '10.0.0.0/33')", r.Errors);
        Assert.Contains("setting 'enrich.client_server.pair_window': must be between 1s and 10m (got 0s)", r.Errors);
        Assert.Contains("setting 'enrich.client_server.max_pairs': must be between 1024 and 16777216 (got 10)", r.Errors);
        Assert.Contains("setting 'enrich.client_server.service_ports[0]': must be between 1 and 65535 (got 0)", r.Errors);
        Assert.Contains("setting 'enrich.dns_join.max_ttl': must not be less than min_ttl (2h) (got 1h)", r.Errors);
        Assert.Contains("setting 'enrich.assets.file': /nonexistent/assets.csv: cannot be read", all);
        Assert.Contains("setting 'enrich.geoip.city_database': '/nonexistent/city.mmdb' is not a readable MaxMind database", all);
        Assert.Contains("setting 'enrich.geoip.cache_size': must be between 16 and 16777216 (got 1)", r.Errors);
        Assert.Contains("setting 'enrich.colour': unknown setting", all);
    }

    [Fact]
    public void Networks_must_be_a_mapping_of_lists()
    {
        var r = Yaml("enrich:\n  networks: 10.0.0.0/8\n");
        Assert.Contains("setting 'enrich.networks': must be a mapping of names to values (got '10.0.0.0/8')", r.Errors);
        r = Yaml("enrich:\n  networks:\n    dmz: 10.0.0.0/8\n");
        Assert.Contains("setting 'enrich.networks.dmz': must be a list (got '10.0.0.0/8')", r.Errors);
    }

    [Fact]
    public void Enrichers_are_registered_in_order_from_the_settings()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"flowrelay-enrich-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string assets = Path.Combine(dir, "assets.csv");
            File.WriteAllText(assets, "address,name,owner,criticality\n10.0.0.5,laptop-5,sales,high\n");
            var r = Yaml($"""
                data_dir: {dir}
                inputs:
                  flow:
                    enabled: false
                enrich:
                  assets:
                    file: {assets}
                  geoip:
                    city_database: {MaxMind("GeoIP2-City-Test.mmdb")}
                    asn_database: {MaxMind("GeoLite2-ASN-Test.mmdb")}
                """);
            Assert.True(r.IsValid, string.Join("\n", r.Errors));
            using var host = RelayHost.Build(r.Settings!);
            var names = host.Services.GetServices<IFlowEnricher>().Select(e => e.GetType().Name).ToArray();
            Assert.Equal(["CommunityIdEnricher", "NetworkEnricher", "ClientServerEnricher", "AssetEnricher", "DnsJoinEnricher", "ServiceNameEnricher", "GeoIpEnricher"], names);

            var cache = host.Services.GetRequiredService<DnsAnswerCache>();
            var e = new FlowEvent();
            e.Flow.SourceAddress = FlowRelay.Protocols.Flows.IpAddr.From(System.Net.IPAddress.Parse("10.0.0.5"));
            e.Flow.DestinationAddress = FlowRelay.Protocols.Flows.IpAddr.From(System.Net.IPAddress.Parse("81.2.69.142"));
            e.Flow.StartNs = 2_000_000_000_000_000_000;
            cache.Add(e.Flow.SourceAddress, e.Flow.DestinationAddress, "www.example.co.uk", 60, e.Flow.StartNs - 1);
            var batch = new[] { e };
            foreach (var enricher in host.Services.GetServices<IFlowEnricher>()) enricher.Enrich(batch);
            Assert.Equal(NetworkDirection.Outbound, batch[0].Direction);
            Assert.Equal("laptop-5", batch[0].SourceAsset!.Name);
            Assert.Equal("www.example.co.uk", batch[0].DestinationDomain);
            Assert.Equal("London", batch[0].DestinationGeo!.CityName);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Without_assets_geoip_or_dns_join_those_enrichers_are_left_out()
    {
        var r = Yaml("inputs:\n  flow:\n    enabled: false\nenrich:\n  dns_join:\n    enabled: false\n");
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        using var host = RelayHost.Build(r.Settings!);
        var names = host.Services.GetServices<IFlowEnricher>().Select(e => e.GetType().Name).ToArray();
        Assert.Equal(["CommunityIdEnricher", "NetworkEnricher", "ClientServerEnricher", "ServiceNameEnricher"], names);
    }

    [Theory]
    [InlineData(true, new[] { "CommunityIdEnricher", "NetworkEnricher", "ClientServerEnricher", "DnsJoinEnricher", "ServiceNameEnricher" })]
    [InlineData(false, new[] { "NetworkEnricher", "ClientServerEnricher", "DnsJoinEnricher" })]
    public void The_detection_path_leaves_out_the_enrichers_only_flow_documents_need(bool ndjson, string[] expected)
    {
        // With no sink writing flows, Community ID and the service name are computed only where a
        // rule or an alert sample asks for them (DetectionTests covers that they still match).
        string dir = Path.Combine(Path.GetTempPath(), $"flowrelay-enrich-{Guid.NewGuid():N}");
        try
        {
            var r = Yaml($"data_dir: {dir}\ninputs:\n  flow:\n    enabled: false\noutputs:\n  ndjson:\n    enabled: {(ndjson ? "true" : "false")}\n");
            Assert.True(r.IsValid, string.Join("\n", r.Errors));
            using var host = RelayHost.Build(r.Settings!);
            var pipeline = host.Services.GetRequiredService<FlowRelay.Pipeline.FlowPipeline>();
            Assert.Equal(expected, pipeline.Enrichers.Select(e => e.GetType().Name));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Printed_enrich_settings_load_back()
    {
        var r = Yaml("enrich:\n  networks:\n    internal: [10.0.0.0/8]\n    dmz: [192.0.2.0/24, 198.51.100.0/24]\n  sites:\n    hq: [10.1.0.0/16]\n");
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        string printed = SettingsPrinter.ToYaml(r.Settings!);
        // Configuration keys come back sorted by name, so networks print (and zones list) in name order.
        Assert.Contains("  networks:\n    dmz:\n      - \"192.0.2.0/24\"\n      - \"198.51.100.0/24\"\n    internal:\n      - \"10.0.0.0/8\"\n", printed);
        var again = Yaml(printed);
        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(printed, SettingsPrinter.ToYaml(again.Settings!));
    }
}
