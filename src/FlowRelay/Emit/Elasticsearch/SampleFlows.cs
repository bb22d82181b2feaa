using System.Net;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>Flow events with every field the decoder and the enrichers can fill, for template generation and tests.</summary>
public static class SampleFlows
{
    private static readonly long Start = new DateTimeOffset(2026, 11, 28, 4, 10, 46, 498, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>A decoded record with every optional field present.</summary>
    public static FlowEvent Record(string src, string dst, byte proto)
    {
        var e = new FlowEvent();
        ref FlowRecord f = ref e.Flow;
        f.Exporter = IpAddr.From(IPAddress.Parse("192.0.2.1"));
        f.Version = 10;
        f.SourceId = 7;
        f.TemplateId = 1024;
        f.Sequence = 99;
        f.SourceAddress = IpAddr.From(IPAddress.Parse(src));
        f.DestinationAddress = IpAddr.From(IPAddress.Parse(dst));
        f.NextHop = IpAddr.From(IPAddress.Parse("192.0.2.254"));
        f.SourcePort = proto is 1 or 58 ? (ushort)0 : (ushort)40000;
        f.DestinationPort = proto is 1 or 58 ? (ushort)0 : (ushort)443;
        f.Protocol = proto;
        f.TcpFlags = 0x1B;
        f.Tos = 0x10;
        f.IcmpTypeCode = proto is 1 or 58 ? (ushort)0x0800 : (ushort)0;
        f.Bytes = 3_000_000;
        f.Packets = 2_000;
        f.RawBytes = 30_000;
        f.RawPackets = 20;
        f.SamplingRate = 100;
        f.SamplingSource = SamplingSource.OptionsData;
        f.ReverseBytes = 5000;
        f.ReversePackets = 40;
        f.InputInterface = 3;
        f.OutputInterface = 4;
        f.SourceAs = 64500;
        f.DestinationAs = 64501;
        f.SourceMask = 24;
        f.DestinationMask = 16;
        f.VlanId = 12;
        f.FlowDirection = 1;
        f.FlowEndReason = 3;
        f.StartNs = Start;
        f.EndNs = Start + 2_500_000_000;
        f.ReceivedNs = Start + 3_000_000_000;
        f.ExportNs = Start + 3_000_000_000;
        f.Present = unchecked((FlowFields)~0);
        return e;
    }

    /// <summary>The record after every enricher ran (GeoIP answers set directly: no database needed).</summary>
    public static FlowEvent Enriched(string src, string dst, byte proto)
    {
        var batch = new[] { Record(src, dst, proto) };
        var cache = new DnsAnswerCache(64, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        cache.Add(batch[0].Flow.SourceAddress, batch[0].Flow.DestinationAddress, "www.example.co.uk", 60, Start - 1_000_000_000, "example.co.uk");
        cache.Add(batch[0].Flow.DestinationAddress, batch[0].Flow.SourceAddress, "host.example.org", 60, Start - 1_000_000_000, "example.org");
        var assets = AssetInventory.FromEntries([
            (IPNetwork.Parse("10.99.0.0/16"), new AssetInfo { Name = "build-7", Owner = "ci", Criticality = "high" }),
            (IPNetwork.Parse("81.2.69.0/24"), new AssetInfo { Name = "partner", Owner = "it", Criticality = "low" }),
        ]);
        IFlowEnricher[] chain =
        [
            new CommunityIdEnricher(),
            new NetworkEnricher(new Dictionary<string, List<string>> { ["lab"] = ["10.99.0.0/16", "fd99::/16"] }, new Dictionary<string, List<string>> { ["hq"] = ["10.0.0.0/8"] }),
            new ClientServerEnricher(TimeSpan.FromSeconds(30), 64),
            new AssetEnricher(assets), new DnsJoinEnricher(cache), new ServiceNameEnricher(),
        ];
        foreach (var enricher in chain) enricher.Enrich(batch);
        var geo = new GeoInfo
        {
            ContinentCode = "EU", ContinentName = "Europe", CountryIsoCode = "GB", CountryName = "United Kingdom", RegionIsoCode = "GB-ENG",
            RegionName = "England", CityName = "London", PostalCode = "SW1", Timezone = "Europe/London", Latitude = 51.5142, Longitude = -0.0931,
            AsNumber = 64502, AsOrganization = "Example ISP",
        };
        batch[0].SourceGeo = geo;
        batch[0].DestinationGeo = geo;
        return batch[0];
    }
}
