using FlowRelay.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.IntegrationTests.Flows;

/// <summary>
/// Issue 2, "How we will know it works" 1: softflowd replays a capture of real traffic as v5, v9
/// and IPFIX; nfdump's nfcapd collects the export and repeats every packet to the relay; dumpcap
/// records what the relay receives. The relay's documents must match nfdump record by record and
/// tshark's cflow dissector field by field. Everything runs on lo inside a namespace of its own.
/// </summary>
public sealed class SoftflowdExportTests(ITestOutputHelper output)
{
    private const int NfcapdPort = 9995;
    private const int RelayPort = 9996;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(10)]
    public async Task Relay_matches_nfdump_and_tshark(int version)
    {
        using var dir = new TempDirectory($"softflowd-v{version}");
        await using var ns = await NetworkNamespace.CreateAsync();

        await using var relay = await RelayProcess.StartAsync(dir.Combine("relay"), $"127.0.0.1:{RelayPort}", ns);
        await ns.WaitForUdpPortAsync(RelayPort, Bound, relay.Process);
        await using var capture = await Capture.StartAsync(ns, RelayPort, dir.Path);

        string nfdir = dir.Combine("nfcapd");
        Directory.CreateDirectory(nfdir);
        var nfcapd = ns.Start("nfcapd", "-w", nfdir, "-b", "127.0.0.1", "-p", $"{NfcapdPort}", "-R", $"127.0.0.1/{RelayPort}", "-t", "3600");
        await ns.WaitForUdpPortAsync(NfcapdPort, Bound, nfcapd);

        await Softflowd.RunAsync(ns, Captures.Path("traffic.pcap"), version, $"127.0.0.1:{NfcapdPort}", dir.Path);

        // softflowd has exited, so everything it sent is in nfcapd's socket (loopback delivers in
        // the send). nfcapd stops reading at SIGTERM: stop it only once it has read all of it.
        await ns.WaitForUdpQueueDrainedAsync(NfcapdPort, Bound);
        // SIGTERM makes nfcapd write out and close its current file.
        Assert.True(await nfcapd.StopAsync(ChildProcess.SIGTERM, Bound), "nfcapd did not stop");
        var nfdump = await Nfdump.ReadAsync(nfdir);
        Assert.True(nfdump.Count > 0, $"nfcapd stored no flows:\n{nfcapd.StandardOutput}\n{nfcapd.StandardError}");
        output.WriteLine($"nfdump: {nfdump.Count} records\n  {string.Join("\n  ", FlowTuple.Multiset(nfdump))}");

        await relay.WaitForDocumentsAsync(nfdump.Count, Bound);
        string exportPcap = dir.Combine("export.pcap");
        await capture.SaveAsync(exportPcap);
        // A graceful stop closes the NDJSON file, so nothing more can appear after we read it.
        await relay.StopAsync();
        var docs = relay.Documents();
        var relayTuples = docs.Select(FlowTuple.FromRelay).ToList();

        // Same count, same totals, same 5-tuple + bytes + packets record by record.
        Assert.Equal(nfdump.Count, docs.Count);
        Assert.Equal(nfdump.Sum(r => r.Bytes), relayTuples.Sum(r => r.Bytes));
        Assert.Equal(nfdump.Sum(r => r.Packets), relayTuples.Sum(r => r.Packets));
        RecordAssert.Same(FlowTuple.Multiset(nfdump), FlowTuple.Multiset(relayTuples), "nfdump", "relay");
        Assert.All(docs, d => Assert.Equal(version, (int)d.GetLong("flowrelay.version")!));

        // tshark's dissector on the very packets the relay received, field by field.
        var tshark = await TsharkFlows.ReadAsync(exportPcap);
        output.WriteLine($"tshark: {tshark.Count} records\n  {string.Join("\n  ", TsharkFlows.Lines(tshark))}");
        RecordAssert.Same(TsharkFlows.Lines(tshark), TsharkFlows.Lines(docs.Select(TsharkFlows.FromRelay)), "tshark", "relay");
    }
}
