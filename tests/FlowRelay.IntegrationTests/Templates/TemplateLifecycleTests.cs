using System.Net;
using System.Net.Sockets;
using FlowRelay.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.IntegrationTests.Templates;

/// <summary>
/// Issue 2, "How we will know it works" 2, with softflowd's real v9 and IPFIX exports (the
/// golden captures): data sent before its template decodes once the template arrives; after a
/// restart with the same data_dir, data decodes without the template being sent again.
/// <para>
/// The relay runs in the root namespace on 127.0.0.1 port 0 (it reports the bound port in
/// stats.json), so the test sends with a plain UdpClient and no port can collide; only
/// loopback carries traffic.
/// </para>
/// </summary>
public sealed class TemplateLifecycleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("softflowd-v9.pcap")]
    [InlineData("softflowd-ipfix.pcap")]
    public async Task Data_before_template_decodes_when_it_arrives_and_after_a_restart_without_a_resend(string capture)
    {
        var packets = PcapReader.ReadUdp(Captures.Path(capture));
        var packet = Assert.Single(packets);
        var split = ExportSplitter.Apply(packet.Payload);
        // What Wireshark reads from the original packet is what the relay must write, whichever order the parts came in.
        var tshark = await TsharkFlows.ReadAsync(Captures.Path(capture));
        var expected = TsharkFlows.Lines(tshark);
        output.WriteLine($"{capture}: {split.DataRecords} data records (flows and options), {expected.Count} flow records");

        string? lateTimes = null;
        using var dir = new TempDirectory("templates");
        using var udp = new UdpClient(AddressFamily.InterNetwork);

        // 1. Data first: nothing can be decoded yet, the relay must hold it.
        await using (var relay = await RelayProcess.StartAsync(dir.Path, "127.0.0.1:0", ndjsonDir: dir.Combine("events-1")))
        {
            var target = new IPEndPoint(IPAddress.Loopback, relay.BoundPort());
            await udp.SendAsync(split.DataOnly, target);
            await Wait.UntilAsync(() => relay.StatsNumber("decoder", "sets_missing_template") > 0, Bound,
                "the relay to count data sets waiting for their template", relay.Diagnostics);
            Assert.Empty(relay.Documents());

            // 2. The template arrives: the waiting data is decoded.
            await udp.SendAsync(split.TemplatesOnly, target);
            var docs = await relay.WaitForDocumentsAsync(expected.Count, Bound);
            await Wait.UntilAsync(() => relay.StatsNumber("decoder", "records_decoded_late") >= expected.Count, Bound,
                "records_decoded_late in stats.json", relay.Diagnostics);
            var late = docs.Select(TsharkFlows.FromRelay).ToList();
            RecordAssert.Same(TsharkFlows.Lines(tshark, TsharkFlows.TimeFields), TsharkFlows.Lines(late, TsharkFlows.TimeFields), "tshark", "relay (decoded late)");
            // Times are checked at the end, so a wrong time does not hide what the restart does.
            lateTimes = RecordAssert.Difference(expected, TsharkFlows.Lines(late), "tshark", "relay (decoded late)");

            // A graceful stop saves the templates.
            await relay.StopAsync();
            Assert.True(File.Exists(Path.Combine(relay.DataDir, "templates.json")), "no templates.json in data_dir after a graceful stop");
            Assert.Equal(expected.Count, relay.Documents().Count);
        }

        // 3. Restart with the same data_dir and send only the data: no template is ever re-sent.
        await using (var relay = await RelayProcess.StartAsync(dir.Path, "127.0.0.1:0", ndjsonDir: dir.Combine("events-2")))
        {
            await udp.SendAsync(split.DataOnly, new IPEndPoint(IPAddress.Loopback, relay.BoundPort()));
            var docs = await relay.WaitForDocumentsAsync(expected.Count, Bound);
            RecordAssert.Same(expected, TsharkFlows.Lines(docs.Select(TsharkFlows.FromRelay)), "tshark", "relay");
            await Wait.UntilAsync(() => relay.StatsNumber("pipeline", "events") >= expected.Count, Bound, "stats.json to catch up", relay.Diagnostics);
            Assert.Equal(0, relay.StatsNumber("decoder", "sets_missing_template"));
            Assert.Equal(0, relay.StatsNumber("decoder", "templates_learned"));
            await relay.StopAsync();
            Assert.Equal(expected.Count, relay.Documents().Count);
        }

        // Records held for their template must come out as they would have in order: the IPFIX
        // options data that precedes them in the same packet (systemInitTimeMilliseconds,
        // sampling) applies to them too.
        if (lateTimes is not null)
            Assert.Fail("records decoded after their template arrived differ from the same packet decoded in order:\n" + lateTimes);
    }
}
