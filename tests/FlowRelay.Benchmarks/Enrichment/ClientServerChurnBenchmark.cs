using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Enrichment;

/// <summary>
/// Client/server pairing as the load test drives it: every batch new conversations of 100,000
/// internal hosts, so each record is stored in a set of the 65,536-entry table that is not in the
/// cache (evicting an older record) and its reverse looked up there; a quarter of the records are
/// the reverse of one earlier in the same batch and pair.
/// </summary>
public class ClientServerChurnBenchmark : EnricherChurnBenchmark
{
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        var exporter = IpAddr.FromV4(0x7F000101);
        Build(new ClientServerEnricher(TimeSpan.FromSeconds(30), 65536, [8080]), (b, i, batch) =>
        {
            ref FlowRecord f = ref batch[i].Flow;
            if (i % 4 == 3)
            {
                ref FlowRecord earlier = ref batch[i - 1 - random.Next(0, 2)].Flow;
                (f.SourceAddress, f.DestinationAddress, f.SourcePort, f.DestinationPort) =
                    (earlier.DestinationAddress, earlier.SourceAddress, earlier.DestinationPort, earlier.SourcePort);
                f.StartNs = earlier.StartNs + 1_000_000;
            }
            else
            {
                f.SourceAddress = IpAddr.FromV4(0x0A000000 + (uint)random.Next(1, 100_001));
                f.DestinationAddress = IpAddr.FromV4(0x5DB80000 + (uint)random.Next(0, 65536));
                f.SourcePort = (ushort)random.Next(32768, 61000);
                f.DestinationPort = (ushort)(random.Next(4) == 0 ? 53 : 443);
                f.StartNs = T0 + (long)(b * BatchSize + i) * 1_000;
            }
            f.Exporter = exporter;
            f.Protocol = 6;
            f.TcpFlags = 0x1B;
            f.EndNs = f.StartNs + 2_000_000_000;
            f.Present = FlowFields.SourceAddress | FlowFields.DestinationAddress | FlowFields.Ports | FlowFields.Protocol |
                        FlowFields.TcpFlags | FlowFields.Start | FlowFields.End;
        });
        for (int b = 0; b < BatchCount; b++) EnrichNextBatch(); // the table full, as it is after warm-up
    }
}
