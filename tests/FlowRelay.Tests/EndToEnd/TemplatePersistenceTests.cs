using System.Net.Sockets;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Hosting;
using FlowRelay.Ingest;
using FlowRelay.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace FlowRelay.Tests.EndToEnd;

/// <summary>Templates learned before a restart decode data after it; a corrupt templates file does not stop start-up.</summary>
public class TemplatePersistenceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static RelaySettings Settings(string dataDir)
    {
        var r = ConfigLoader.LoadYaml($"""
            data_dir: "{dataDir}"
            log_level: warn
            inputs:
              flow:
                listen: ["127.0.0.1:0"]
                receive_buffer_size: 1MiB
            outputs:
              ndjson:
                flush_interval: 50ms
            """);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        return r.Settings!;
    }

    private static async Task Send(IHost host, byte[] packet)
    {
        var target = host.Services.GetServices<UdpFlowReceiver>().Single().BoundEndpoint!;
        using var client = new UdpClient(AddressFamily.InterNetwork);
        await client.SendAsync(packet, target);
    }

    private static async Task<DecoderSnapshot> Snapshot(IHost host) =>
        await host.Services.GetRequiredService<PipelineCounters>().RequestSnapshotAsync().WaitAsync(Wait);

    private static int CountLines(string dir) => !Directory.Exists(dir) ? 0 :
        Directory.GetFiles(dir).Sum(f =>
        {
            using var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var r = new StreamReader(s);
            return r.ReadToEnd().Count(c => c == '\n');
        });

    [Fact]
    public async Task Data_after_a_restart_decodes_with_templates_learned_before_it()
    {
        using var dir = new TempDir();
        using (var first = RelayHost.Build(Settings(dir.Path)))
        {
            await first.StartAsync();
            await Send(first, NetFlowV9Packet.TemplateOnly(sourceId: 7, sequence: 1));
            bool learned = false;
            for (int i = 0; i < 100 && !learned; i++)
            {
                learned = (await Snapshot(first)).TemplatesKnown == 1;
                if (!learned) await Task.Delay(50);
            }
            Assert.True(learned, "the template was not learned");
            await first.StopAsync();
        }
        Assert.True(File.Exists(Path.Combine(dir.Path, "templates.json")));

        using var second = RelayHost.Build(Settings(dir.Path));
        await second.StartAsync();
        Assert.Equal(1, (await Snapshot(second)).TemplatesKnown);
        await Send(second, NetFlowV9Packet.DataOnly(sourceId: 7, sequence: 2, records: 3));
        var events = Path.Combine(dir.Path, "events");
        Assert.True(await Eventually.HoldsAsync(() => CountLines(events) >= 3, Wait), "data did not decode after the restart");
        var snapshot = await Snapshot(second);
        Assert.Equal(0, snapshot.Total.SetsMissingTemplate);
        await second.StopAsync();

        var line = File.ReadLines(Directory.GetFiles(events, "*.ndjson").Single()).First();
        using var doc = JsonDocument.Parse(line);
        Assert.Equal("udp", doc.RootElement.GetProperty("network").GetProperty("transport").GetString());
        Assert.Equal(9, doc.RootElement.GetProperty("flowrelay").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_corrupt_templates_file_is_set_aside_and_start_up_continues()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "templates.json"), "{ this is not json");
        using var host = RelayHost.Build(Settings(dir.Path));
        await host.StartAsync();
        Assert.Equal(0, (await Snapshot(host)).TemplatesKnown);
        Assert.Single(Directory.GetFiles(dir.Path, "templates.json.corrupt-*"));
        await host.StopAsync();
    }
}
