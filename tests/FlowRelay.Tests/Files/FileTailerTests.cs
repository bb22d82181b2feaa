using System.Text;
using FlowRelay.Ingest.Files;
using FlowRelay.Ingest.Syslog;
using FlowRelay.Protocols.DnsLogs;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Files;

/// <summary>
/// The tailer against real rename and copytruncate sequences (the file operations logrotate
/// performs), with a stand-in for the pipeline that acknowledges positions the way the DNS
/// pipeline does. Every line written must come out exactly once, across rotations and restarts.
/// </summary>
public sealed class FileTailerTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly TempDir _dir = new();
    private readonly List<string> _received = [];
    private readonly Lock _gate = new();

    public void Dispose() => _dir.Dispose();

    private string LogPath => _dir.File("query.log");

    /// <summary>A running tailer plus a reader that records lines and stages their positions, as the DNS pipeline does.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly FileTailerTests _t;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reader;
        public readonly FileTailer Tailer;
        public readonly FilePositionStore Store;

        public Run(FileTailerTests t)
        {
            _t = t;
            var channel = new LogChannel(64);
            Store = new FilePositionStore(t._dir.Path, NullLogger.Instance);
            Tailer = new FileTailer(new FileTailSource(t.LogPath, DnsLogFormat.Unknown), Store, channel, TimeSpan.FromMilliseconds(20), 1024, NullLogger.Instance);
            _reader = Task.Run(async () =>
            {
                await foreach (var m in channel.Reader.ReadAllAsync(_stop.Token))
                {
                    // Staged before it counts as received: once a test has seen a line, its position is staged.
                    Store.Stage(((FileTailSource)m.Source).Path, m.Inode, m.EndOffset);
                    lock (t._gate) t._received.Add(Encoding.UTF8.GetString(m.Span));
                    LogChannel.Release(m);
                }
            });
        }

        public Task StartAsync() => Tailer.StartAsync(CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            await Tailer.StopAsync(CancellationToken.None);
            await Task.Delay(100);
            _stop.Cancel();
            try { await _reader; } catch (OperationCanceledException) { }
            Store.Save();
            Tailer.Dispose();
        }
    }

    private static void Append(string path, params string[] lines) =>
        File.AppendAllText(path, string.Concat(lines.Select(l => l + "\n")));

    private Task<bool> ReceivedAsync(int count) => Eventually.HoldsAsync(() => { lock (_gate) return _received.Count >= count; }, Wait);

    private List<string> Received()
    {
        lock (_gate) return [.. _received];
    }

    private static string[] Lines(int from, int to) => Enumerable.Range(from, to - from).Select(i => $"line {i}").ToArray();

    [Fact]
    public async Task Rename_rotation_reads_the_old_file_to_its_end_then_the_new_one()
    {
        Append(LogPath, Lines(0, 5));
        await using (var run = new Run(this))
        {
            await run.StartAsync();
            Assert.True(await ReceivedAsync(5));
            // logrotate (create): rename, the writer still appends to the renamed file, then the new file appears.
            File.Move(LogPath, LogPath + ".1");
            Append(LogPath + ".1", Lines(5, 8));
            Append(LogPath, Lines(8, 12));
            Assert.True(await ReceivedAsync(12));
            Assert.Equal(1, Interlocked.Read(ref run.Tailer.Source.Rotations));
        }
        Assert.Equal(Lines(0, 12), Received());
    }

    [Fact]
    public async Task Copytruncate_restarts_at_the_start_of_the_truncated_file()
    {
        Append(LogPath, Lines(0, 5));
        await using (var run = new Run(this))
        {
            await run.StartAsync();
            Assert.True(await ReceivedAsync(5));
            // logrotate copytruncate: copy, then truncate in place (same inode), then the writer goes on.
            File.Copy(LogPath, LogPath + ".1");
            using (var f = new FileStream(LogPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref run.Tailer.Source.Truncations) == 1, Wait));
            Append(LogPath, Lines(5, 9));
            Assert.True(await ReceivedAsync(9));
        }
        Assert.Equal(Lines(0, 9), Received());
    }

    [Fact]
    public async Task A_restart_resumes_where_it_left_off_even_when_the_file_was_rotated_meanwhile()
    {
        Append(LogPath, Lines(0, 5));
        await using (var run = new Run(this))
        {
            await run.StartAsync();
            Assert.True(await ReceivedAsync(5));
        }
        // Restart with new lines in the same file: nothing twice, nothing lost.
        Append(LogPath, Lines(5, 7));
        await using (var run = new Run(this))
        {
            await run.StartAsync();
            Assert.True(await ReceivedAsync(7));
        }
        // While stopped: more lines, a rotation, and lines in the new file.
        Append(LogPath, Lines(7, 9));
        File.Move(LogPath, LogPath + ".1");
        Append(LogPath, Lines(9, 11));
        await using (var run = new Run(this))
        {
            await run.StartAsync();
            Assert.True(await ReceivedAsync(11));
            await Task.Delay(200);
        }
        Assert.Equal(Lines(0, 11), Received());
    }

    [Fact]
    public async Task A_line_written_in_pieces_is_one_line_and_an_overlong_one_is_cut_and_counted()
    {
        await using (var run = new Run(this))
        {
            await run.StartAsync();
            File.AppendAllText(LogPath, "first ha");
            await Task.Delay(100);
            Assert.Empty(Received());
            File.AppendAllText(LogPath, "lf\r\n" + new string('x', 3000) + "\nlast\n");
            Assert.True(await ReceivedAsync(3));
            Assert.Equal(1, run.Tailer.Source.Counters.Truncated);
        }
        var got = Received();
        Assert.Equal("first half", got[0]);
        Assert.Equal(1024, got[1].Length);
        Assert.Equal("last", got[2]);
    }
}
