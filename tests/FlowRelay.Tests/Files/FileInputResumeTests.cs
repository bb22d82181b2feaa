using FlowRelay.Engine.Dns;
using FlowRelay.Ingest.Files;
using FlowRelay.Ingest.Syslog;
using FlowRelay.Pipeline.Dns;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Syslog;
using FlowRelay.Tests.Dns;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Files;

/// <summary>
/// The file input through the real DNS pipeline: positions are acknowledged by the pipeline after
/// the sinks have the events, saved to file-positions.json, and a restarted relay resumes there —
/// across a rename rotation and a copytruncate done while it was stopped. Every BIND line written
/// must become exactly one event over all runs.
/// </summary>
public sealed class FileInputResumeTests : IDisposable
{
    private static readonly Lazy<PublicSuffixList> Psl = new(() => PublicSuffixList.Load(PublicSuffixList.SystemPath));
    private readonly TempDir _dir = new();
    private readonly List<string> _names = [];

    public void Dispose() => _dir.Dispose();

    private string LogPath => _dir.File("query.log");

    private void Write(int from, int to) =>
        File.AppendAllText(LogPath, string.Concat(Enumerable.Range(from, to - from).Select(i =>
            $"client @0x7f00aa 10.0.0.5#{40000 + i} (n{i}.example.com): query: n{i}.example.com IN A +E(0)K (127.0.0.1)\n")));

    private async Task RunOnceAsync(int expectTotal)
    {
        var channel = new LogChannel(64);
        var store = new FilePositionStore(_dir.Path, NullLogger.Instance);
        var sink = new CapturingDnsSink();
        var pipeline = new DnsPipeline(channel, Psl.Value, [sink], SyslogParserOptions.Default, NullLogger<DnsPipeline>.Instance,
            positions: store, checkpointInterval: TimeSpan.FromMilliseconds(50));
        var tailer = new FileTailer(new FileTailSource(LogPath, DnsLogFormat.Bind), store, channel, TimeSpan.FromMilliseconds(20), 4096, NullLogger.Instance);
        await pipeline.StartAsync(CancellationToken.None);
        await tailer.StartAsync(CancellationToken.None);
        Assert.True(await Eventually.HoldsAsync(() => _names.Count + sink.DnsCount >= expectTotal, TimeSpan.FromSeconds(15)),
            $"expected {expectTotal} events, have {_names.Count + sink.DnsCount}");
        await Task.Delay(150); // anything read twice would show up now
        // Stop order as in the host: inputs first, then the pipeline drains and saves positions.
        await tailer.StopAsync(CancellationToken.None);
        await pipeline.StopAsync(CancellationToken.None);
        tailer.Dispose();
        pipeline.Dispose();
        _names.AddRange(sink.Dns.Select(d => d.GetProperty("dns").GetProperty("question").GetProperty("name").GetString()!));
    }

    [Fact]
    public async Task Restarts_neither_lose_nor_repeat_a_line_across_rotation_and_truncation()
    {
        Write(0, 10);
        await RunOnceAsync(10);
        Assert.True(File.Exists(_dir.File(FilePositionStore.FileName)));

        // Stopped: more lines, then logrotate renames the file and the resolver starts a new one.
        Write(10, 15);
        File.Move(LogPath, LogPath + ".1");
        Write(15, 20);
        await RunOnceAsync(20);

        // Stopped again: more lines, then copytruncate (copy, truncate in place), then new lines.
        Write(20, 25);
        File.Copy(LogPath, LogPath + ".2");
        using (var f = new FileStream(LogPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
        Write(25, 28);
        await RunOnceAsync(28 - 5); // lines 20-24 went with the copy before the relay read them: logrotate's copytruncate caveat

        // Plain restart with nothing new, then new lines.
        await RunOnceAsync(23);
        Write(28, 30);
        await RunOnceAsync(25);

        var expected = Enumerable.Range(0, 20).Concat(Enumerable.Range(25, 5)).Select(i => $"n{i}.example.com").ToList();
        Assert.Equal(expected, _names);
    }
}
