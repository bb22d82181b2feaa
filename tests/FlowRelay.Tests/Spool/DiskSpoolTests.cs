using System.Text;
using FlowRelay.Spool;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Spool;

public sealed class DiskSpoolTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "flowrelay-spool-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private DiskSpool Open(long max = 1 << 30, long segment = 64 << 20, SpoolFullPolicy full = SpoolFullPolicy.DropOldest,
        SpoolFsyncPolicy fsync = SpoolFsyncPolicy.Interval, TimeSpan? fsyncInterval = null, long? memory = null) =>
        new(new SpoolOptions
        {
            Path = _dir, MaxBytes = max, SegmentBytes = segment, WhenFull = full, Fsync = fsync, FsyncInterval = fsyncInterval ?? TimeSpan.FromSeconds(1),
            Mode = memory is null ? SpoolMode.Always : SpoolMode.Overflow, MemoryBytes = memory ?? 0,
        }, NullLogger.Instance);

    private static byte[] Doc(int i) => Encoding.UTF8.GetBytes($"{{\"n\":{i},\"pad\":\"{new string('x', i % 50)}\"}}");

    private static void AppendRange(DiskSpool spool, int from, int count)
    {
        for (int i = from; i < from + count; i++)
            Assert.True(spool.Append("logs-flowrelay.flow-default", Encoding.ASCII.GetBytes("id" + i), Doc(i)));
        spool.Commit();
    }

    private static List<int> ReadAll(DiskSpool spool, bool ack, int batchSize = 1000)
    {
        var seen = new List<int>();
        var batch = new SpoolBatch();
        while (spool.Read(batch, batchSize, 1 << 20) > 0)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                int n = int.Parse(batch.IdString(i)[2..]);
                Assert.Equal("logs-flowrelay.flow-default", batch.StreamString(i));
                Assert.Equal(Doc(n), batch.Document(i).ToArray());
                seen.Add(n);
            }
            if (ack) spool.Acknowledge(batch.End, batch.Count);
        }
        return seen;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // mode overflow: a reader that keeps up leaves nothing for the disk
    public void Entries_are_read_back_in_order_only_after_commit_and_counted(bool overflow)
    {
        using var spool = overflow ? Open(memory: 1 << 20) : Open();
        long empty = spool.BytesOnDisk;
        spool.Append("logs-flowrelay.flow-default", "id0"u8, Doc(0));
        Assert.Equal(0, spool.Read(new SpoolBatch(), 10, 1 << 20)); // not committed yet
        spool.Commit();
        AppendRange(spool, 1, 999);
        Assert.Equal(1000, spool.Counters.EntriesWaiting);
        Assert.Equal(overflow ? 1000 : 0, spool.Counters.MemoryEntries);
        if (overflow) Assert.True(spool.Counters.MemoryBytesUsed > 1000 * 30);
        var seen = ReadAll(spool, ack: true, batchSize: 300);
        Assert.Equal(Enumerable.Range(0, 1000), seen);
        Assert.Equal(1000, spool.Counters.EntriesWritten);
        Assert.Equal(overflow ? 1000 : 0, spool.Counters.EntriesKeptInMemory);
        Assert.Equal(1000, spool.Counters.EntriesAcknowledged);
        Assert.Equal(0, spool.Counters.EntriesWaiting);
        Assert.Equal(0, spool.Counters.BytesWaiting);
        Assert.Equal(0, spool.Counters.MemoryEntries);
        Assert.Equal(0, spool.Counters.MemoryBytesUsed);
        if (overflow)
        {
            Assert.Equal(empty, spool.BytesOnDisk);
            Assert.Equal(0, spool.Counters.BytesWritten);
        }
    }

    [Fact]
    public void Restart_resumes_at_the_committed_offset_and_repeats_only_what_was_read_but_not_acknowledged()
    {
        var spool = Open();
        AppendRange(spool, 0, 1000);
        var batch = new SpoolBatch();
        Assert.Equal(400, spool.Read(batch, 400, 1 << 20));
        spool.Acknowledge(batch.End, batch.Count);
        Assert.Equal(200, spool.Read(batch, 200, 1 << 20)); // in flight when the relay "crashes"
        // Crash: no Dispose, the handles are simply abandoned (everything committed is with the OS).
        using var reopened = Open();
        Assert.Equal(600, reopened.Counters.EntriesWaiting);
        var seen = ReadAll(reopened, ack: true);
        Assert.Equal(Enumerable.Range(400, 600), seen);
        AppendRange(reopened, 1000, 10);
        Assert.Equal(Enumerable.Range(1000, 10), ReadAll(reopened, ack: true));
        GC.KeepAlive(spool);
    }

    [Fact]
    public void Clean_restart_after_everything_was_acknowledged_reads_nothing_again()
    {
        using (var spool = Open(segment: 8192))
        {
            AppendRange(spool, 0, 500);
            Assert.Equal(500, ReadAll(spool, ack: true).Count);
        }
        using var reopened = Open(segment: 8192);
        Assert.Empty(ReadAll(reopened, ack: true));
        AppendRange(reopened, 500, 5);
        Assert.Equal(Enumerable.Range(500, 5), ReadAll(reopened, ack: true));
    }

    [Fact]
    public void Fully_acknowledged_segments_are_deleted()
    {
        using var spool = Open(segment: 8192);
        AppendRange(spool, 0, 2000);
        int before = Directory.GetFiles(_dir, "*.seg").Length;
        Assert.True(before > 5);
        ReadAll(spool, ack: true);
        Assert.Single(Directory.GetFiles(_dir, "*.seg")); // only the active one
        Assert.True(spool.Counters.SegmentsDeleted >= before - 1);
    }

    [Fact]
    public void Under_the_interval_policy_commits_never_fsync_the_spool_thread_does()
    {
        // An hour's interval: nothing in this test is fsynced except by the explicit rounds.
        using (var spool = Open(segment: 8192, fsyncInterval: TimeSpan.FromHours(1)))
        {
            AppendRange(spool, 0, 50);
            AppendRange(spool, 50, 2000); // several segments sealed on the way
            Assert.Equal(0, spool.Counters.Fsyncs);
            spool.SyncWritten(); // one round: the sealed segments and the active one
            Assert.Equal(1, spool.Counters.Fsyncs);
            spool.SyncWritten(); // nothing written since: no round
            Assert.Equal(1, spool.Counters.Fsyncs);
            AppendRange(spool, 2050, 1);
            spool.SyncWritten();
            Assert.Equal(2, spool.Counters.Fsyncs);
        }

        // A short interval: the thread does it on its own (bounded wait for the count).
        using var fast = Open(fsyncInterval: TimeSpan.FromMilliseconds(20));
        AppendRange(fast, 0, 10);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (fast.Counters.Fsyncs == 0 && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.True(fast.Counters.Fsyncs >= 1, "the spool's fsync thread never ran");
    }

    [Fact]
    public void Under_the_always_policy_every_commit_fsyncs()
    {
        using var spool = Open(fsync: SpoolFsyncPolicy.Always);
        AppendRange(spool, 0, 10);
        AppendRange(spool, 10, 10);
        Assert.Equal(2, spool.Counters.Fsyncs);
        Assert.Equal(Enumerable.Range(0, 20), ReadAll(spool, ack: true));
    }

    [Fact]
    public void Entries_larger_than_the_read_ahead_and_many_across_its_edges_read_back_whole()
    {
        // Read-ahead is a megabyte: 3 MB documents, and 10 KB ones that straddle its edges.
        const string stream = "logs-flowrelay.flow-default";
        static byte[] Big(int i) => Encoding.ASCII.GetBytes(new string((char)('a' + i % 26), i % 50 == 7 ? 3 << 20 : 10_000 + i));
        using var spool = Open();
        for (int i = 0; i < 400; i++) Assert.True(spool.Append(stream, Encoding.ASCII.GetBytes("id" + i), Big(i)));
        spool.Commit();
        var batch = new SpoolBatch();
        int next = 0;
        while (spool.Read(batch, 37, 8 << 20) > 0)
        {
            for (int i = 0; i < batch.Count; i++, next++)
            {
                Assert.Equal("id" + next, batch.IdString(i));
                Assert.True(Big(next).AsSpan().SequenceEqual(batch.Document(i)), $"entry {next} differs");
            }
            spool.Acknowledge(batch.End, batch.Count);
        }
        Assert.Equal(400, next);
        Assert.Equal(0, spool.Counters.EntriesDropped);
    }

    [Fact]
    public void A_corrupt_entry_in_the_middle_is_found_when_read_and_the_rest_of_its_segment_counted_as_dropped()
    {
        using var spool = Open();
        AppendRange(spool, 0, 100);
        var segPath = Directory.GetFiles(_dir, "*.seg").Single();
        // Flip a byte of entry 50's document (the file's bytes, after the writer handed them over).
        byte[] before = File.ReadAllBytes(segPath);
        int at = before.AsSpan().IndexOf("\"n\":50,"u8);
        Assert.True(at > 0);
        using (var f = new FileStream(segPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            f.Position = at + 2;
            f.WriteByte((byte)'m');
        }
        Assert.Equal(Enumerable.Range(0, 50), ReadAll(spool, ack: true));
        Assert.Equal(50, spool.Counters.EntriesDropped);
    }

    [Theory]
    [InlineData(3)]   // inside the entry header
    [InlineData(20)]  // inside the payload
    [InlineData(-1)]  // whole length, but a flipped byte: the CRC catches it
    public void A_torn_last_entry_is_detected_truncated_and_counted(int keepOfLast)
    {
        string segPath;
        long lengthBefore;
        using (var spool = Open())
        {
            AppendRange(spool, 0, 100);
            segPath = Directory.GetFiles(_dir, "*.seg").Single();
            lengthBefore = new FileInfo(segPath).Length;
            AppendRange(spool, 100, 1);
        }
        using (var f = new FileStream(segPath, FileMode.Open, FileAccess.ReadWrite))
        {
            if (keepOfLast >= 0)
            {
                f.SetLength(lengthBefore + keepOfLast);
            }
            else
            {
                f.Position = f.Length - 2;
                int b = f.ReadByte();
                f.Position = f.Length - 2;
                f.WriteByte((byte)(b ^ 0x55));
            }
        }
        using var reopened = Open();
        Assert.Equal(1, reopened.Counters.TornEntriesTruncated);
        Assert.Equal(lengthBefore, new FileInfo(segPath).Length);
        Assert.Equal(Enumerable.Range(0, 100), ReadAll(reopened, ack: true));
    }

    [Fact]
    public void Drop_oldest_keeps_the_spool_under_its_limit_and_counts_what_it_dropped()
    {
        using var spool = Open(max: 64 * 1024, segment: 16 * 1024, full: SpoolFullPolicy.DropOldest);
        AppendRange(spool, 0, 5000);
        Assert.True(spool.BytesOnDisk <= 64 * 1024, $"{spool.BytesOnDisk}");
        long dropped = spool.Counters.EntriesDropped;
        Assert.True(dropped > 0);
        var seen = ReadAll(spool, ack: true);
        Assert.Equal(5000, seen.Count + dropped);
        Assert.Equal(Enumerable.Range((int)dropped, seen.Count), seen); // the newest survive, in order
        Assert.Equal(4999, seen[^1]);
    }

    [Fact]
    public void Drop_oldest_while_a_batch_is_in_flight_does_not_break_the_reader()
    {
        using var spool = Open(max: 64 * 1024, segment: 16 * 1024, full: SpoolFullPolicy.DropOldest);
        AppendRange(spool, 0, 100);
        var batch = new SpoolBatch();
        spool.Read(batch, 50, 1 << 20);
        AppendRange(spool, 100, 5000); // drops the segment the batch came from
        spool.Acknowledge(batch.End, batch.Count); // a stale position: ignored
        var seen = ReadAll(spool, ack: true);
        Assert.Equal(5099, seen[^1]);
        Assert.True(seen.SequenceEqual(seen.Order()));
    }

    [Fact]
    public async Task Block_makes_the_writer_wait_for_acknowledgements_and_loses_nothing()
    {
        using var spool = Open(max: 64 * 1024, segment: 16 * 1024, full: SpoolFullPolicy.Block);
        const int total = 20_000;
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < total; i += 100) AppendRange(spool, i, 100);
        });
        // Let the writer fill the spool and block before anything is read.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (spool.Counters.WriterBlocked == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(spool.Counters.WriterBlocked > 0);
        Assert.False(writer.IsCompleted);
        Assert.True(spool.BytesOnDisk <= 64 * 1024);

        var seen = new List<int>();
        var batch = new SpoolBatch();
        while (seen.Count < total && DateTime.UtcNow < deadline.AddSeconds(20))
        {
            if (spool.Read(batch, 500, 1 << 20) == 0)
            {
                await Task.Delay(1);
                continue;
            }
            for (int i = 0; i < batch.Count; i++) seen.Add(int.Parse(batch.IdString(i)[2..]));
            spool.Acknowledge(batch.End, batch.Count);
        }
        await writer;
        Assert.Equal(Enumerable.Range(0, total), seen);
        Assert.Equal(0, spool.Counters.EntriesDropped);
    }

    [Fact]
    public void A_damaged_position_file_resends_from_the_oldest_segment_rather_than_losing_anything()
    {
        using (var spool = Open())
        {
            AppendRange(spool, 0, 10);
            var batch = new SpoolBatch();
            spool.Read(batch, 5, 1 << 20);
            spool.Acknowledge(batch.End, batch.Count);
        }
        File.WriteAllText(Path.Combine(_dir, "ack.pos"), "v1 1 99 3 12345\n");
        using var reopened = Open();
        Assert.Equal(Enumerable.Range(0, 10), ReadAll(reopened, ack: true));
    }

    // ---- mode overflow: the memory front ----

    [Fact]
    public void Overflow_goes_to_disk_when_memory_is_full_keeps_order_and_returns_to_memory_once_the_disk_is_delivered()
    {
        using var spool = Open(memory: 16 << 10);
        AppendRange(spool, 0, 2000);
        long inMemory = spool.Counters.EntriesKeptInMemory;
        Assert.InRange(inMemory, 100, 1000);
        Assert.Equal(2000 - inMemory, spool.Counters.EntriesWaiting - spool.Counters.MemoryEntries);
        // Read a part of memory; what comes now goes to disk, behind what is there, even though memory has room again.
        var batch = new SpoolBatch();
        Assert.Equal(100, spool.Read(batch, 100, 1 << 20));
        spool.Acknowledge(batch.End, batch.Count);
        AppendRange(spool, 2000, 500);
        Assert.Equal(inMemory, spool.Counters.EntriesKeptInMemory);
        Assert.Equal(Enumerable.Range(100, 2400), ReadAll(spool, ack: true, batchSize: 70));
        Assert.Equal(0, spool.Counters.EntriesWaiting);
        // Everything delivered: memory again.
        AppendRange(spool, 2500, 10);
        Assert.Equal(inMemory + 10, spool.Counters.EntriesKeptInMemory);
        Assert.Equal(Enumerable.Range(2500, 10), ReadAll(spool, ack: true));
    }

    [Fact]
    public void Overflow_rewind_reads_again_what_was_read_from_memory_but_not_acknowledged()
    {
        using var spool = Open(memory: 1 << 20);
        AppendRange(spool, 0, 1000);
        var batch = new SpoolBatch();
        Assert.Equal(300, spool.Read(batch, 300, 1 << 20));
        spool.Acknowledge(batch.End, batch.Count);
        Assert.Equal(300, spool.Read(batch, 300, 1 << 20));
        Assert.Equal(300, spool.Read(batch, 300, 1 << 20));
        spool.Rewind();
        Assert.Equal(Enumerable.Range(300, 700), ReadAll(spool, ack: true, batchSize: 128));
    }

    [Fact]
    public void Overflow_graceful_close_writes_what_memory_holds_to_disk_and_the_next_start_delivers_it()
    {
        var spool = Open(memory: 16 << 10);
        AppendRange(spool, 0, 1000); // part in memory, the rest on disk
        long inMemory = spool.Counters.EntriesKeptInMemory;
        var batch = new SpoolBatch();
        Assert.Equal(50, spool.Read(batch, 50, 1 << 20));
        spool.Acknowledge(batch.End, batch.Count);
        Assert.Equal(50, spool.Read(batch, 50, 1 << 20)); // in flight at the stop: kept
        spool.Append("logs-flowrelay.flow-default", "id1000"u8, Doc(1000)); // handed over, not committed: kept
        spool.Dispose();
        // The 50 acknowledged are gone; the 50 in flight and the rest of memory went to disk (id1000 was
        // already on its way there: entries waited on disk when it came).
        Assert.Equal(inMemory - 50, spool.Counters.EntriesSpilled);

        using var again = Open(memory: 16 << 10);
        var seen = ReadAll(again, ack: true, batchSize: 100);
        // What was on disk comes first, then what memory held: each entry exactly once.
        Assert.Equal(951, seen.Count);
        Assert.Equal(Enumerable.Range(50, 951), seen.Order());
        Assert.Equal(Enumerable.Range((int)inMemory, 1001 - (int)inMemory), seen.Take(1001 - (int)inMemory));
    }

    [Fact]
    public async Task Overflow_with_a_writer_and_a_reader_on_their_own_threads_delivers_everything_once_in_order()
    {
        using var spool = Open(memory: 32 << 10, segment: 64 << 10, max: 64 << 20);
        const int Total = 200_000;
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < Total; i += 100) AppendRange(spool, i, 100);
        });
        var seen = new List<int>(Total);
        var batch = new SpoolBatch();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (seen.Count < Total && DateTime.UtcNow < deadline)
        {
            if (spool.Read(batch, 500, 1 << 20) == 0)
            {
                await spool.WaitForDataAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                continue;
            }
            for (int i = 0; i < batch.Count; i++) seen.Add(int.Parse(batch.IdString(i)[2..]));
            spool.Acknowledge(batch.End, batch.Count);
        }
        await writer;
        Assert.Equal(Enumerable.Range(0, Total), seen);
        Assert.Equal(0, spool.Counters.EntriesWaiting);
        // Both places were used.
        Assert.InRange(spool.Counters.EntriesKeptInMemory, 1, Total - 1);
    }

    [Fact]
    public void Crc32C_matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, DiskSpool.Crc32C("123456789"u8));
}
