using System.Net;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Emit;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Emit;

public class NdjsonFileSinkTests
{
    private static FlowEvent[] Events(int count)
    {
        var events = new FlowEvent[count];
        for (int i = 0; i < count; i++)
        {
            ref var f = ref events[i].Flow;
            f.Version = 5;
            f.Exporter = IpAddr.From(IPAddress.Parse("192.0.2.1"));
            f.SourceAddress = IpAddr.From(IPAddress.Parse("10.0.0.1"));
            f.DestinationAddress = IpAddr.From(IPAddress.Parse("198.51.100.7"));
            f.SourcePort = (ushort)(40000 + i);
            f.DestinationPort = 443;
            f.Protocol = 6;
            f.Bytes = f.RawBytes = (ulong)(1000 + i);
            f.Packets = f.RawPackets = 10;
            f.SamplingRate = 1;
            f.StartNs = 1_700_000_000_000_000_000;
            f.EndNs = 1_700_000_001_000_000_000;
            f.ReceivedNs = 1_700_000_002_000_000_000;
            f.Present = FlowFields.SourceAddress | FlowFields.DestinationAddress | FlowFields.Ports | FlowFields.Protocol |
                        FlowFields.Bytes | FlowFields.Packets | FlowFields.Start | FlowFields.End;
        }
        return events;
    }

    private static NdjsonOutputSettings Settings(string path, long maxSize = 1 << 20, int maxFiles = 100) => new()
    {
        Path = path,
        MaxFileSize = new ByteSize(maxSize),
        MaxFiles = maxFiles,
        MaxFileAge = Duration.FromHours(1),
        FlushInterval = Duration.FromSeconds(1),
    };

    private static string[] Complete(string dir) => Directory.GetFiles(dir, "flows-*.ndjson").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Writes_one_valid_document_per_line_and_publishes_on_close()
    {
        using var dir = new TempDir();
        var sink = new NdjsonFileSink(Settings(dir.Path), NullLogger<NdjsonFileSink>.Instance);
        sink.Write(Events(5));
        sink.Flush();
        var partial = Assert.Single(Directory.GetFiles(dir.Path, "*" + NdjsonFileSink.PartialSuffix));
        Assert.Empty(Complete(dir.Path));
        Assert.Equal(5, File.ReadAllLines(partial).Length);

        sink.Close();
        var file = Assert.Single(Complete(dir.Path));
        Assert.Matches(@"flows-\d{8}T\d{6}-\d+\.ndjson$", file);
        var lines = File.ReadAllLines(file);
        Assert.Equal(5, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal("10.0.0.1", doc.RootElement.GetProperty("source").GetProperty("ip").GetString());
        Assert.Equal(40000, doc.RootElement.GetProperty("source").GetProperty("port").GetInt32());
        Assert.Equal(1, sink.Counters.FilesWritten);
        Assert.Equal(5, sink.Counters.Events);
    }

    [Fact]
    public void Rotates_by_size_without_splitting_lines()
    {
        using var dir = new TempDir();
        var sink = new NdjsonFileSink(Settings(dir.Path, maxSize: 4096), NullLogger<NdjsonFileSink>.Instance);
        for (int i = 0; i < 10; i++) sink.Write(Events(20));
        sink.Close();
        var files = Complete(dir.Path);
        Assert.True(files.Length > 3, $"expected several files, got {files.Length}");
        int total = 0;
        foreach (var f in files)
        {
            Assert.True(new FileInfo(f).Length <= 4096, $"{f} is {new FileInfo(f).Length} bytes");
            foreach (var line in File.ReadAllLines(f))
            {
                using var _ = JsonDocument.Parse(line);
                total++;
            }
        }
        Assert.Equal(200, total);
    }

    [Fact]
    public void Keeps_at_most_max_files_deleting_the_oldest()
    {
        using var dir = new TempDir();
        var sink = new NdjsonFileSink(Settings(dir.Path, maxSize: 2048, maxFiles: 3), NullLogger<NdjsonFileSink>.Instance);
        for (int i = 0; i < 20; i++) sink.Write(Events(10));
        sink.Close();
        var files = Complete(dir.Path);
        Assert.Equal(3, files.Length);
        Assert.True(sink.Counters.FilesDeleted > 0);
        // The newest files survive: their sequence numbers are the highest written.
        var seqs = files.Select(f => int.Parse(Path.GetFileNameWithoutExtension(f).Split('-')[^1])).Order().ToArray();
        Assert.Equal((int)sink.Counters.FilesWritten, seqs[^1]);
    }

    [Fact]
    public void Rotates_by_age()
    {
        using var dir = new TempDir();
        var time = new ManualTime(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var settings = Settings(dir.Path);
        settings.MaxFileAge = Duration.FromMinutes(5);
        var sink = new NdjsonFileSink(settings, NullLogger<NdjsonFileSink>.Instance, time);
        sink.Write(Events(3));
        sink.Flush();
        time.Advance(TimeSpan.FromMinutes(6));
        sink.Tick(time.GetUtcNow());
        sink.Write(Events(3));
        sink.Close();
        var files = Complete(dir.Path);
        Assert.Equal(2, files.Length);
        Assert.EndsWith("flows-20260101T000000-1.ndjson", files[0]);
        Assert.EndsWith("flows-20260101T000600-2.ndjson", files[1]);
    }

    [Fact]
    public void Recovers_a_partial_file_left_by_a_crash_cutting_the_broken_line()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "flows-20250101T000000-1.ndjson.partial"), "{\"a\":1}\n{\"b\":");
        var sink = new NdjsonFileSink(Settings(dir.Path), NullLogger<NdjsonFileSink>.Instance);
        sink.Close();
        var file = Assert.Single(Complete(dir.Path));
        Assert.Equal("{\"a\":1}\n", File.ReadAllText(file));
    }
}
